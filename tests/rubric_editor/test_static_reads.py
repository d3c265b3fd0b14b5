"""The reflection's editor and the staff analytics (tangerang_units) read their scripts, styles
and templates from disk once per process, through ``xblock_json_contract.package_text`` (the
cache complaint_sim's ``asset()`` uses too), not on every render."""
import pathlib

import pytest
from web_fragments.fragment import Fragment

import complaint_sim_xblock.block
import rubric_xblock.block
from tangerang_units.handlers import add_analytics
from xblock_json_contract import package_text

ROOT = pathlib.Path(__file__).resolve().parents[2]
PACKAGES = ("rubric_xblock", "tangerang_units", "xblock_json_contract", "complaint_sim_xblock")


@pytest.fixture
def reads(monkeypatch):
    """The package files opened while the test runs (``Path.open`` under read_text and read_bytes)."""
    opened = []
    original = pathlib.Path.open

    def counting_open(self, *args, **kwargs):
        path = pathlib.Path(self).resolve()
        if path.is_relative_to(ROOT) and path.relative_to(ROOT).parts[0] in PACKAGES:
            opened.append(str(path.relative_to(ROOT)))
        return original(self, *args, **kwargs)

    package_text.cache_clear()
    monkeypatch.setattr(pathlib.Path, "open", counting_open)
    return opened


def test_the_reflection_editor_reads_its_files_once(course, reads):
    first = course.block("author", staff=True).studio_view()
    assert {"rubric_xblock/public/studio.js", "rubric_xblock/public/studio.css"} <= set(reads)
    reads.clear()
    second = course.block("author", staff=True).studio_view()
    assert reads == []
    assert second.resources == first.resources


def test_the_staff_analytics_read_their_files_once(reads):
    add_analytics(Fragment(), "Analytics")
    assert sorted(reads) == ["tangerang_units/public/analytics.css", "tangerang_units/public/analytics.js"]
    reads.clear()
    frag = Fragment()
    add_analytics(frag, "Analytics")
    assert reads == []
    assert "TangerangAnalytics" in frag.foot_html() and ".tgr-analytics" in frag.head_html()


def test_the_staff_view_of_the_reflection_reads_nothing_the_second_time(course, reads):
    course.block("staff_bkpsdm", staff=True).student_view()
    assert "tangerang_units/public/analytics.js" in reads and "rubric_xblock/public/rubric_staff.js" in reads
    reads.clear()
    course.block("staff_bkpsdm", staff=True).student_view()
    assert reads == []


def test_every_block_reads_through_the_one_cache():
    """Both blocks' ``asset()`` are the shared cache, not copies of it."""
    package_text.cache_clear()
    rubric_xblock.block.asset("public/studio.js")
    complaint_sim_xblock.block.asset("public/complaint_sim.js")
    assert package_text.cache_info().currsize == 2
    assert not hasattr(rubric_xblock.block, "loader")
