"""Demo URLs: the course outline at ``/``, each unit at ``/unit/<id>/``, each block scenario at
``/scenario/<id>/`` (and its editor at ``/scenario/<id>/studio_view/``), all in the demo's own
page (:mod:`course_export.demo.pages`); then the workbench's handler and resource URLs.

The workbench's URLs stay at the root (its runtime builds handler URLs from the root); its
scenario list ``/workbench/`` leads to the outline, which lists this project's blocks only.
Two of its URLs are not served (404): ``/admin/`` (Django's admin, with no users to sign in)
and ``/reset_state`` (a plain GET that wipes every learner's state in the demo).
"""
from django.http import HttpResponse
from django.shortcuts import redirect
from django.template import Context, Template
from django.urls import include, path
from workbench import urls as workbench_urls

from . import pages
from .course import register_units

# The workbench's URLs the demo does not serve: its admin site and its state wipe.
NOT_SERVED_NAMES = {"reset_state"}
NOT_SERVED_PREFIXES = ("^admin/", "admin/")


def _served(pattern):
    """True for a workbench URL the demo keeps (handlers, resources, jsi18n, static files, ...)."""
    name = getattr(pattern, "name", None)
    return name not in NOT_SERVED_NAMES and not str(pattern.pattern).startswith(NOT_SERVED_PREFIXES)


WORKBENCH_URLS = [pattern for pattern in workbench_urls.urlpatterns if _served(pattern)]

OUTLINE = Template("""<!DOCTYPE html>
<html lang="id">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ course.title }}</title>
<style>
  html { -webkit-text-size-adjust: 100%; text-size-adjust: 100%; }
  body { font-family: system-ui, sans-serif; margin: 0 auto; max-width: 46rem; padding: 1rem; line-height: 1.5;
         color: #1d2b33; font-size: 1rem; overflow-wrap: anywhere; }
  header { border-bottom: 3px solid #146e78; margin-bottom: 1rem; }
  h1 { font-size: 1.45rem; margin: .2rem 0 .4rem; }
  h2 { font-size: 1.15rem; margin: 1.4rem 0 .3rem; color: #0c3b4a; }
  h3 { font-size: 1rem; margin: .7rem 0 .2rem; }
  ul { margin: 0; padding-left: 1.2rem; }
  li { margin: 0; }
  a { color: #0b5d66; }
  li a { display: inline-flex; align-items: center; min-height: 44px; padding: .15rem 0; }
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
  Anda masuk sebagai peserta. Tambahkan <code>?student=staff</code> pada alamat mana pun untuk bertindak
  sebagai fasilitator kursus (menilai refleksi, membuka editor); <code>?student=nama</code> memilih peserta lain.
  Setiap halaman unit dan blok menautkan tampilan peserta, fasilitator dan editor.</p>
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
  <h2 id="blok">Blok di luar susunan kursus</h2>
  <p class="note">Contoh setiap blok proyek ini, masing-masing dengan editornya.</p>
  <ul>
    {% for name, description in others %}<li><a href="/scenario/{{ name }}/">{{ description }}</a></li>
    {% endfor %}
  </ul>
</main>
</body>
</html>
""")


def outline(request):
    """The course outline: sections, subsections, a link to every unit, and the blocks' own scenarios."""
    course = register_units()
    grading = [{"type": kind.type, "percent": round(kind.weight * 100), "min_count": kind.min_count}
               for kind in course.grading]
    return HttpResponse(OUTLINE.render(Context({"course": course, "grading": grading,
                                                "others": pages.block_scenarios(),
                                                "pass_mark": round(course.pass_mark * 100)})))


urlpatterns = [
    path("", outline, name="course_outline"),
    path("unit/<slug:unit_id>/", pages.unit_page, name="course_unit"),
    # The blocks' own scenarios in the demo page; the workbench's pages for them (and its sample
    # blocks) are not served: /view/ and the scenario list lead to the same page or the outline.
    path("scenario/<str:scenario_id>/", pages.scenario_page, name="demo_scenario"),
    path("scenario/<str:scenario_id>/<str:view_name>/", pages.scenario_page, name="demo_scenario_view"),
    path("view/<str:scenario_id>/", pages.scenario_page),
    path("view/<str:scenario_id>/<str:view_name>/", pages.scenario_page),
    path("workbench/", lambda request: redirect("/#blok"), name="course_workbench_index"),
    path("", include(WORKBENCH_URLS)),
]
