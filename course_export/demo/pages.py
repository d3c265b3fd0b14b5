"""The demo's own block page, in place of the workbench's ``block.html``.

The workbench's page has no viewport meta (a phone lays it out 980 px wide), a fixed banner
whose title runs over its logo, and a debug table holding the scenario's raw XML on one line
(154,055 px wide for a course unit). This page renders the same fragment — the same runtime,
handlers and ``?student=`` users — in a page a phone can read: viewport meta, a wrapping
header, 44 px links, a line saying who you are and how to be course staff or an author, and
nothing else of the workbench.

Only this project's blocks are served (``complaint_sim``, ``rubric_reflection`` and the course
units): the workbench's sample blocks stay hidden here too, so none of them can answer 500.
"""
import functools
import html
import json
from urllib.parse import quote

from django.http import Http404, HttpResponse
from django.template import Context, Template
from django.urls import reverse
from django.utils.translation import get_language
from django.views.decorators.csrf import ensure_csrf_cookie
from workbench.runtime import WorkbenchRuntime
from xblock.core import XBlockAside

from .course import SCENARIO_PREFIX, register_units, scenario_id
from .services import STAFF_PREFIX

OUR_BLOCKS = ("complaint_sim", "rubric_reflection")
VIEWS = {"student_view": "learner", "studio_view": "editor"}
DEFAULT_STUDENT = "student_1"
AUTHOR = "staff_author"

# The page's own words (the demo's chrome, not the blocks': those come from the blocks' catalogs).
CHROME = {
    "id": {
        "demo": "Demo lokal", "outline": "← Daftar isi", "previous": "← Sebelumnya", "next": "Berikutnya →",
        "course_nav": "Navigasi kursus", "views": "Peran Anda", "how_title": "Cara berganti peran",
        "switch": "Ganti peran",
        "you_are": "Anda: {who}.",
        "learner": "peserta", "staff": "fasilitator kursus", "author": "penulis (editor)",
        "as_learner": "Lihat sebagai peserta", "as_staff": "Lihat sebagai fasilitator kursus",
        "as_author": "Buka editor (penulis)",
        "how": "Di alamat mana pun: ?student=<nama> memilih peserta; nama yang diawali “staff” "
               "(mis. ?student=staff) adalah fasilitator kursus dan boleh menyunting.",
    },
    "en": {
        "demo": "Local demo", "outline": "← Outline", "previous": "← Previous", "next": "Next →",
        "course_nav": "Course navigation", "views": "Your role", "how_title": "How to switch roles",
        "switch": "Change role",
        "you_are": "You: {who}.",
        "learner": "a learner", "staff": "course staff", "author": "an author (editor)",
        "as_learner": "View as a learner", "as_staff": "View as course staff", "as_author": "Open the editor (author)",
        "how": "On any address, ?student=<name> picks the learner; a name starting with “staff” "
               "(e.g. ?student=staff) is course staff and may edit.",
    },
}

PAGE = Template("""<!DOCTYPE html>
<html lang="{{ lang }}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ title }}</title>
<style>
  html { -webkit-text-size-adjust: 100%; text-size-adjust: 100%; }
  body { margin: 0; font-family: system-ui, sans-serif; line-height: 1.5; color: #1d2b33; background: #fff;
         overflow-wrap: anywhere; }
  .demo-header { background: #0c3b4a; color: #fff; padding: .6rem 1rem; }
  .demo-header p { margin: 0; font-size: .85rem; opacity: .9; }
  .demo-header h1 { margin: .1rem 0 0; font-size: 1.2rem; line-height: 1.3; }
  .demo-bar { display: flex; flex-wrap: wrap; gap: 0 .5rem; padding: 0 .75rem; background: #e3f1f2;
              font-size: .95rem; }
  .demo-bar a, .demo-who a { display: inline-flex; align-items: center; min-height: 44px; min-width: 44px;
              padding: 0 .25rem; color: #0b5d66; }
  /* The role switcher: one 44 px line on a phone (who you are, and "change role"), the links
     and how-to inside; the whole page chrome stays within a third of a 360×740 screen. */
  .demo-who { padding: 0 .75rem; font-size: .9rem; background: #f5f7fa; border-bottom: 1px solid #c9d6db; }
  .demo-who p { margin: 0; }
  .demo-who summary { display: flex; flex-wrap: wrap; align-items: center; gap: 0 .5rem; min-height: 44px;
                      cursor: pointer; }
  .demo-switch { color: #0b5d66; text-decoration: underline; }
  .demo-role-links { display: flex; flex-wrap: wrap; gap: 0 .75rem; }
  .demo-how { padding-bottom: .4rem; color: #4a5a63; }
  main { max-width: 48rem; margin: 0 auto; padding: 1rem; }
  /* An editor (studio_view) gets the page's width, as Studio's edit modal gives it its own. */
  .demo-editor main { max-width: 80rem; }
  main img, main video, main iframe { max-width: 100%; height: auto; }
  main pre { white-space: pre-wrap; }
  main table { display: block; max-width: 100%; overflow-x: auto; }
</style>
<script defer src="{{ static }}js/runtime/logger.js"></script>
<script defer src="{{ jsi18n }}"></script>
<script>
  studentId = {{ student_json|safe }};
  handlerBaseUrl = {{ handler_base_json|safe }};
  asideBaseUrl = {{ aside_base_json|safe }};
</script>
{{ head_html|safe }}
</head>
<body class="demo-page{% if editor %} demo-editor{% endif %}">
<header class="demo-header">
  <p>{{ c.demo }}</p>
  <h1>{{ title }}</h1>
</header>
{% if nav %}<nav class="demo-bar" aria-label="{{ c.course_nav }}">{% for link in nav %}
  <a href="{{ link.href }}">{{ link.text }}</a>{% endfor %}
</nav>{% endif %}
<section class="demo-who" aria-label="{{ c.views }}">
  <details id="demo-roles">
    <summary><span>{{ you_are }}</span> <span class="demo-switch">{{ c.switch }}</span></summary>
    <p class="demo-role-links">{% for link in roles %}<a href="{{ link.href }}">{{ link.text }}</a>{% endfor %}</p>
    <p class="demo-how"><strong>{{ c.how_title }}:</strong> {{ c.how }}</p>
  </details>
</section>
<script>
  // One line on a phone (the role switcher folds away); open where the screen has room.
  if (window.matchMedia && window.matchMedia("(min-width: 640px)").matches) {
    document.getElementById("demo-roles").open = true;
  }
</script>
<main>
{{ body|safe }}
</main>
{{ foot_html|safe }}
</body>
</html>
""")


def chrome():
    """The page's words in the demo's language (Indonesian unless it is English)."""
    return CHROME["en" if (get_language() or "id").startswith("en") else "id"]


def is_our_scenario(name):
    """A course unit or a scenario of one of this project's blocks."""
    return name.startswith(SCENARIO_PREFIX) or name.split(".")[0] in OUR_BLOCKS


def block_scenarios():
    """``(scenario id, description)`` of the blocks' own workbench scenarios (no sample blocks)."""
    from workbench.scenarios import get_scenarios

    return [(name, scenario.description) for name, scenario in sorted(get_scenarios().items())
            if not name.startswith(SCENARIO_PREFIX) and is_our_scenario(name)]


def _student(request):
    return request.GET.get("student") or DEFAULT_STUDENT


def _role(student, view_name):
    if not student.startswith(STAFF_PREFIX):
        return "learner"  # in the editor too: it then says at once that they may not edit
    return "author" if view_name == "studio_view" else "staff"


def _role_links(path, role, editor_path):
    """Links to the same page in the other roles: learner, course staff, author (the editor)."""
    c = chrome()
    links = []
    if role != "learner":
        links.append({"href": f"{path}?student={DEFAULT_STUDENT}", "text": c["as_learner"]})
    if role != "staff":
        links.append({"href": f"{path}?student=staff", "text": c["as_staff"]})
    if editor_path and role != "author":
        links.append({"href": f"{editor_path}?student={AUTHOR}", "text": c["as_author"]})
    return links


class DemoRuntime(WorkbenchRuntime):
    """The workbench's runtime, except that the installed aside types are read once per process:
    the workbench reads every entry point of the environment at each block it renders (twice a
    page, about half the time of rendering one), though they change only when packages are
    installed, which restarts the server. (Open edX's runtimes do not scan them per block either.)"""

    @staticmethod
    @functools.cache
    def _aside_types():
        return tuple(name for name, _cls in XBlockAside.load_classes())

    def applicable_aside_types(self, block):
        return list(self._aside_types())


@ensure_csrf_cookie
def render_page(request, name, view_name, title, nav=(), page_path=None):
    """Render scenario ``name``'s ``view_name`` for the request's ``?student=`` in the demo page."""
    from workbench.scenarios import get_scenarios

    scenario = get_scenarios().get(name)
    if scenario is None or not is_our_scenario(name) or view_name not in VIEWS:
        raise Http404(name)
    student = _student(request)
    block = DemoRuntime(student).get_block(scenario.usage_id)
    fragment = block.render(view_name, {"activate_block_id": request.GET.get("activate_block_id")})
    c = chrome()
    learner_path = page_path or f"/scenario/{name}/"
    editor_path = None if name.startswith(SCENARIO_PREFIX) else f"/scenario/{name}/studio_view/"
    root = reverse("workbench_index")
    role = _role(student, view_name)
    context = {
        "lang": (get_language() or "id").split("-")[0], "title": title, "c": c, "nav": list(nav),
        "you_are": c["you_are"].format(who=f"“{student}”, {c[role]}"),
        "roles": _role_links(learner_path, role, editor_path),
        "static": "/static/workbench/", "jsi18n": reverse("javascript-catalog"),
        "student_json": _script_json(student), "handler_base_json": _script_json(f"{root}handler/"),
        "aside_base_json": _script_json(f"{root}aside_handler/"),
        "head_html": resources_html(fragment, "head"), "body": fragment.body_html(),
        "foot_html": resources_html(fragment, "foot"),
        "editor": view_name == "studio_view",
    }
    return HttpResponse(PAGE.render(Context(context)))


def resources_html(fragment, placement):
    """The fragment's resources for ``placement`` as the workbench writes them, except that
    external scripts (the workbench's jQuery, jquery-migrate, jquery.cookie and runtime) are
    ``defer``: they run in their order once the page is parsed, before DOMContentLoaded, when
    the runtime starts the blocks, as before. The page's parsing no longer stops for their
    download, as it does not in the LMS or Studio, which have them loaded long before a block's
    fragment arrives. The blocks' own scripts are inline and use none of them as they load."""
    parts = []
    for resource in fragment.resources:
        if resource.placement != placement:
            continue
        if resource.kind == "url" and resource.mimetype == "application/javascript":
            parts.append(f'<script defer src="{html.escape(resource.data)}"></script>')
        else:
            parts.append(fragment.resource_to_html(resource))
    return "\n".join(parts)


def _script_json(value):
    """``value`` as a JavaScript literal that is safe inside a <script> element."""
    return json.dumps(value).replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def scenario_page(request, scenario_id, view_name="student_view"):
    """``/scenario/<id>/[<view>/]``: a block's own scenario (or a course unit) in the demo page."""
    from workbench.scenarios import get_scenarios

    register_units()
    scenario = get_scenarios().get(scenario_id)
    if scenario is None or not is_our_scenario(scenario_id):
        raise Http404(scenario_id)
    return render_page(request, scenario_id, view_name, scenario.description)


def unit_page(request, unit_id):
    """``/unit/<id>/``: one course unit, with links to the outline and to its neighbours."""
    course = register_units()
    units = [u for _s, _ss, u in course.units()]
    index = next((i for i, u in enumerate(units) if u.id == unit_id), None)
    if index is None:
        raise Http404(unit_id)
    c = chrome()
    student = request.GET.get("student")
    query = f"?student={quote(student)}" if student else ""
    nav = [{"href": "/", "text": c["outline"]}]
    if index > 0:
        nav.append({"href": f"/unit/{units[index - 1].id}/{query}", "text": c["previous"]})
    if index + 1 < len(units):
        nav.append({"href": f"/unit/{units[index + 1].id}/{query}", "text": c["next"]})
    return render_page(request, scenario_id(units[index]), "student_view", units[index].title, nav,
                       page_path=f"/unit/{unit_id}/")
