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
                or 'href="/">&larr; Daftar isi</a>' not in page:
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
