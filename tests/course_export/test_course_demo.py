"""The demo: the outline at / links every unit, and every unit renders over HTTP."""
import importlib
import re

import pytest
import yaml

from course_export.demo.course import QUIZ_NOTE

try:
    importlib.import_module("rubric_xblock.block")
    RUBRIC_IMPORT_ERROR = None
except Exception as err:  # noqa: BLE001  any import failure crashes the workbench
    RUBRIC_IMPORT_ERROR = err

pytestmark = pytest.mark.skipif(
    RUBRIC_IMPORT_ERROR is not None,
    reason=f"rubric_xblock.block does not import ({RUBRIC_IMPORT_ERROR}); the workbench loads every "
           "xblock.v1 entry point and would crash")

from pathlib import Path  # noqa: E402

SOURCES = Path(__file__).resolve().parents[2] / "course_export" / "sources" / "penanganan-pengaduan"


def source_units():
    """``(unit id, title)`` of every unit in course.yaml, in order."""
    course = yaml.safe_load((SOURCES / "course.yaml").read_text(encoding="utf-8"))
    return [(u["id"], u["title"]) for s in course["sections"] for ss in s["subsections"] for u in ss["units"]]


def test_outline_links_every_unit_in_order(client, workbench):
    response = client.get("/")
    assert response.status_code == 200
    page = response.content.decode("utf-8")
    assert "Penanganan Pengaduan Masyarakat bagi ASN Kota Tangerang" in page
    links = re.findall(r'href="/unit/([a-z0-9_-]+)/"', page)
    assert links == [unit_id for unit_id, _title in source_units()]
    assert 'href="/scenario/complaint_sim.0/"' in page, "the blocks' own workbench scenarios stay reachable"


def test_every_unit_renders(client, workbench):
    """One test for all units: the workbench reloads every scenario per test, which is slow."""
    failures = []
    for unit_id, title in source_units():
        response = client.get(f"/unit/{unit_id}/?student=asn_demo")
        page = response.content.decode("utf-8")
        if response.status_code != 200 or title.replace('"', "&quot;") not in page \
                or 'href="/">← Daftar isi</a>' not in page:
            failures.append((unit_id, response.status_code))
    assert failures == []


def test_units_show_their_blocks(client, workbench):
    roleplay = client.get("/unit/unit-ktp-el/").content.decode("utf-8")
    assert "ComplaintSimBlock" in roleplay and "KTP-el" in roleplay
    reflection = client.get("/unit/unit-refleksi-loket/").content.decode("utf-8")
    assert "RubricReflectionBlock" in reflection and "dipingpong" in reflection
    quiz = client.get("/unit/kuis-dasar-hukum/").content.decode("utf-8")
    assert QUIZ_NOTE in quiz and 'correct="true"' not in quiz and "Pasal 37" in quiz


def test_reflection_links_to_the_demo_roleplay(workbench):
    from workbench.runtime import WorkbenchRuntime

    from course_export.demo.course import register_units

    register_units()
    vertical = WorkbenchRuntime().get_block(workbench["course.unit-refleksi-loket"].usage_id)
    (reflection,) = [WorkbenchRuntime().get_block(child) for child in vertical.children
                     if ".rubric_reflection." in str(child)]
    roleplay_vertical = WorkbenchRuntime().get_block(workbench["course.unit-ktp-el"].usage_id)
    assert reflection.linked_simulation == str(roleplay_vertical.children[0])


def test_unknown_unit_is_404(client, workbench):
    assert client.get("/unit/tidak-ada/").status_code == 404


def test_pages_are_the_demos_own_not_the_workbenchs(client, workbench):
    """Viewport meta, no debug table with the raw XML, no workbench banner; who you are and how
    to be staff or an author is said on the page."""
    for path in ("/unit/unit-ktp-el/", "/scenario/complaint_sim.0/", "/scenario/rubric_reflection.0/",
                 "/scenario/complaint_sim.0/studio_view/?student=staff"):
        page = client.get(path).content.decode("utf-8")
        assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in page, path
        assert "Scenario State" not in page and "<pre>&lt;vertical_demo" not in page, path
        assert 'class="banner"' not in page, path
        assert "?student=staff" in page and "Cara berganti peran" in page, path
    learner = client.get("/scenario/complaint_sim.0/?student=asn_demo").content.decode("utf-8")
    assert "“asn_demo”, peserta" in learner
    assert 'href="/scenario/complaint_sim.0/studio_view/?student=staff_author"' in learner
    staff = client.get("/scenario/complaint_sim.0/?student=staff").content.decode("utf-8")
    assert "“staff”, fasilitator kursus" in staff


def test_only_our_blocks_are_listed_and_served(client, workbench):
    """The outline lists this project's blocks only; the workbench's sample blocks (one of which,
    filethumbs, answers 500) are not served at all."""
    page = client.get("/").content.decode("utf-8")
    listed = re.findall(r'href="/scenario/([^/"]+)/"', page)
    assert listed and all(name.split(".")[0] in ("complaint_sim", "rubric_reflection") for name in listed)
    for path in ("/scenario/filethumbs.0/", "/view/filethumbs.0/", "/scenario/thumbs.0/studio_view/",
                 "/scenario/complaint_sim.0/no_such_view/"):
        assert client.get(path).status_code == 404, path
    assert client.get("/workbench/").status_code == 302


def test_an_editor_opened_without_edit_rights_says_so_and_offers_nothing(client, workbench):
    for path, block in (("/scenario/complaint_sim.0/studio_view/", "ComplaintSimEditor"),
                        ("/scenario/rubric_reflection.0/studio_view/", "RubricReflectionEditor")):
        page = client.get(f"{path}?student=asn_demo").content.decode("utf-8")
        assert "Hanya tim kursus yang dapat menyuntingnya" in page, path
        assert block not in page and "<textarea" not in page and "<button" not in page, path
        assert block in client.get(f"{path}?student=staff_author").content.decode("utf-8"), path


def test_first_requests_at_once_all_load_the_course():
    """The threaded demo server's first requests arrive together: each gets the course, none a 500
    (the Markdown cleaner the loader shares is not thread-safe, so loading is serialised)."""
    from concurrent.futures import ThreadPoolExecutor

    from course_export.demo import course

    course._load_demo_course.cache_clear()
    with ThreadPoolExecutor(max_workers=6) as pool:
        loaded = list(pool.map(lambda _n: course.demo_course(), range(6)))
    assert all(item is loaded[0] for item in loaded)


def test_the_workbench_admin_and_state_wipe_are_not_served(client, workbench):
    """/admin/ (Django's admin) and /reset_state (a GET that wipes every learner's state) are 404;
    the handler, resource and jsi18n URLs the blocks need still answer."""
    for path in ("/admin/", "/admin/login/", "/reset_state"):
        assert client.get(path).status_code == 404, path
    assert client.get("/jsi18n/").status_code == 200
    assert client.get("/resource/complaint_sim/public/complaint_sim.js").status_code == 200
    assert client.get("/scenario/complaint_sim.0/").status_code == 200


def test_the_pages_external_scripts_are_deferred_and_the_editor_preloads_its_scenario(client, workbench):
    """The page is parsed while jQuery and the runtime download (they run in order before
    DOMContentLoaded, when the runtime starts the blocks: the browser tests play every page), and
    the editor's scenario request comes before the fragment's styles and scripts in its head."""
    for path in ("/unit/unit-ktp-el/", "/scenario/rubric_reflection.0/?student=staff",
                 "/scenario/complaint_sim.0/studio_view/?student=staff"):
        page = client.get(path).content.decode("utf-8")
        external = re.findall(r"<script\b[^>]*\bsrc=[^>]*>", page)
        assert len(external) >= 6 and all(" defer " in tag for tag in external), (path, external)
        assert "jquery.min.js" in " ".join(external)
    editor = client.get("/scenario/complaint_sim.0/studio_view/?student=staff").content.decode("utf-8")
    head = editor.split("</head>")[0]
    # Before the fragment's styles and scripts (and seen by the preload scanner at once).
    assert head.index('<link rel="preload" as="fetch"') < head.index(".cse-svg {") < head.index("jquery.min.js")
    assert "/editor_load/" in head.split('<link rel="preload"')[1].split(">")[0]


def test_the_demo_runtime_reads_the_aside_types_once(workbench, monkeypatch):
    from xblock.core import XBlockAside

    from course_export.demo.pages import DemoRuntime

    expected = [name for name, _cls in XBlockAside.load_classes()]
    assert DemoRuntime("asn_demo").applicable_aside_types(None) == expected
    monkeypatch.setattr(XBlockAside, "load_classes", classmethod(lambda cls, *a, **k: pytest.fail("read again")))
    assert DemoRuntime("other").applicable_aside_types(None) == expected
