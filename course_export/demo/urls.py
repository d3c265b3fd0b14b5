"""Demo URLs: the course outline at ``/``, each unit at ``/unit/<id>/``, then the workbench's own.

The workbench's URLs stay at the root (its pages build handler URLs from the root), and its
scenario list moves to ``/workbench/``.
"""
from django.http import Http404, HttpResponse
from django.template import Context, Template
from django.urls import include, path
from workbench import views as workbench_views

from .course import SCENARIO_PREFIX, register_units, scenario_id

OUTLINE = Template("""<!DOCTYPE html>
<html lang="id">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ course.title }}</title>
<style>
  body { font-family: system-ui, sans-serif; margin: 0 auto; max-width: 46rem; padding: 1rem; line-height: 1.5;
         color: #1d2b33; }
  header { border-bottom: 3px solid #146e78; margin-bottom: 1rem; }
  h1 { font-size: 1.45rem; margin: .2rem 0 .4rem; }
  h2 { font-size: 1.15rem; margin: 1.4rem 0 .3rem; color: #0c3b4a; }
  h3 { font-size: 1rem; margin: .7rem 0 .2rem; }
  ul { margin: 0; padding-left: 1.2rem; }
  li { margin: .25rem 0; }
  a { color: #0b5d66; }
  .meta, .note { color: #4a5a63; font-size: .9rem; }
  .graded { font-size: .8rem; background: #e3f1f2; border-radius: .3rem; padding: 0 .35rem; margin-left: .3rem; }
  table { border-collapse: collapse; font-size: .9rem; }
  td, th { border: 1px solid #c9d6db; padding: .2rem .5rem; text-align: left; }
</style>
</head>
<body>
<header>
  <p class="meta">{{ course.org }} · {{ course.number }} · {{ course.run }}</p>
  <h1>{{ course.title }}</h1>
  <p>{{ course.short_description }}</p>
</header>
<main>
  <p class="note">Demo lokal dari sumber kursus yang sama dengan tarball OLX (<code>make course</code>).
  Tambahkan <code>?student=staff</code> pada alamat unit untuk bertindak sebagai staf kursus.</p>
  <table>
    <caption class="meta">Penilaian (lulus: {{ pass_mark }}%)</caption>
    <tr><th scope="col">Jenis tugas</th><th scope="col">Bobot</th><th scope="col">Jumlah</th></tr>
    {% for kind in grading %}<tr><td>{{ kind.type }}</td><td>{{ kind.percent }}%</td><td>{{ kind.min_count }}</td></tr>
    {% endfor %}
  </table>
  {% for section in course.sections %}
  <h2>{{ section.title }}</h2>
  {% for subsection in section.subsections %}
  <h3>{{ subsection.title }}{% if subsection.graded_as %}
    <span class="graded">{{ subsection.graded_as }}</span>{% endif %}</h3>
  <ul>
    {% for unit in subsection.units %}<li><a href="/unit/{{ unit.id }}/">{{ unit.title }}</a></li>
    {% endfor %}
  </ul>
  {% endfor %}
  {% endfor %}
  <h2>Skenario workbench lainnya</h2>
  <p class="note">Contoh setiap blok di luar susunan kursus (juga di <a href="/workbench/">/workbench/</a>).</p>
  <ul>
    {% for name, description in others %}<li><a href="/scenario/{{ name }}/">{{ description }}</a></li>
    {% endfor %}
  </ul>
</main>
</body>
</html>
""")

# The workbench's banner is fixed and wide; on a phone it hides the unit's first lines.
UNIT_STYLE = ("<style>.workbench .banner{position:static;padding:.4em 1em}.workbench .banner .title"
              "{font-size:1.1em}.workbench .main{padding:1em .5em}</style>")
NAV_STYLE = ("display:flex;gap:1rem;flex-wrap:wrap;padding:.5rem 1rem;background:#e3f1f2;"
             "font:14px system-ui,sans-serif")


def outline(request):
    """The course outline: sections, subsections and a link to every unit."""
    course = register_units()
    grading = [{"type": kind.type, "percent": round(kind.weight * 100), "min_count": kind.min_count}
               for kind in course.grading]
    from workbench.scenarios import get_scenarios

    others = [(name, scenario.description) for name, scenario in sorted(get_scenarios().items())
              if not name.startswith(SCENARIO_PREFIX)]
    return HttpResponse(OUTLINE.render(Context({"course": course, "grading": grading, "others": others,
                                                "pass_mark": round(course.pass_mark * 100)})))


def unit(request, unit_id):
    """One unit in the workbench, with links back to the outline and to its neighbours."""
    course = register_units()
    units = [u for _s, _ss, u in course.units()]
    index = next((i for i, u in enumerate(units) if u.id == unit_id), None)
    if index is None:
        raise Http404(unit_id)
    response = workbench_views.show_scenario(request, scenario_id(units[index]))
    links = ['<a href="/">&larr; Daftar isi</a>']
    if index > 0:
        links.append(f'<a href="/unit/{units[index - 1].id}/">Sebelumnya</a>')
    if index + 1 < len(units):
        links.append(f'<a href="/unit/{units[index + 1].id}/">Berikutnya &rarr;</a>')
    nav = f'<nav aria-label="Navigasi kursus" style="{NAV_STYLE}">{"".join(links)}</nav>'
    response.content = response.content.replace(b'<body class="view-workbench">',
                                                f'<body class="view-workbench">{UNIT_STYLE}{nav}'.encode(), 1)
    return response


urlpatterns = [
    path("", outline, name="course_outline"),
    path("unit/<slug:unit_id>/", unit, name="course_unit"),
    path("workbench/", workbench_views.index, name="course_workbench_index"),
    path("", include("workbench.urls")),
]
