"""The built tarball: reproducible, Studio layout, olxcleaner-clean, blocks round-trip, outline = source."""
import io
import json
import tarfile
from pathlib import Path

import yaml
from lxml import etree
from xblock.fields import ScopeIds

from complaint_sim_xblock.block import ComplaintSimBlock, packaged_scenario
from complaint_sim_xblock.scenario import compile_scenario
from course_export import build
from course_export.check import olxcleaner_problems, roundtrip_problems
from course_export.render import new_runtime, render_course
from course_export.source import load_course

SOURCES = Path(__file__).resolve().parents[2] / "course_export" / "sources" / "penanganan-pengaduan"
RUN = "2026_T1"


def test_same_sources_give_the_same_bytes(tmp_path):
    first, second = tmp_path / "a.tar.gz", tmp_path / "b.tar.gz"
    build(SOURCES, first)
    build(SOURCES, second)
    assert first.read_bytes() == second.read_bytes()


def test_archive_entries_are_sorted_with_fixed_times_and_owners(built):
    path, _files = built
    data = path.read_bytes()
    assert data[4:8] == b"\0\0\0\0", "gzip header mtime is 0"
    with tarfile.open(fileobj=io.BytesIO(data)) as tar:
        members = tar.getmembers()
    names = [m.name for m in members]
    assert names == sorted(names)
    assert {(m.mtime, m.uid, m.gid, m.uname, m.gname) for m in members} == {(1577836800, 0, 0, "", "")}
    assert all(name == "course" or name.startswith("course/") for name in names)


def test_studio_export_layout(built):
    _path, files = built
    for name in ("course/course.xml", f"course/course/{RUN}.xml", f"course/policies/{RUN}/policy.json",
                 f"course/policies/{RUN}/grading_policy.json", "course/policies/assets.json",
                 "course/about/overview.html", "course/about/short_description.html",
                 "course/info/handouts.html", "course/static/kartu-kursus.png"):
        assert name in files, name
    root = etree.fromstring(files["course/course.xml"])
    assert (root.get("url_name"), root.get("org"), root.get("course")) == (RUN, "PemkotTangerang", "ASN101")
    policy = json.loads(files[f"course/policies/{RUN}/policy.json"])[f"course/{RUN}"]
    assert policy["advanced_modules"] == ["complaint_sim", "rubric_reflection"]
    assert policy["language"] == "id" and policy["course_image"] == "kartu-kursus.png"
    assert json.loads(files["course/policies/assets.json"])["kartu-kursus.png"]["contentType"] == "image/png"
    html = [n for n in files if n.startswith("course/html/")]
    assert html and {n[:-4] for n in html if n.endswith(".xml")} == {n[:-5] for n in html if n.endswith(".html")}


def test_grading_policy_matches_the_source(built):
    _path, files = built
    policy = json.loads(files[f"course/policies/{RUN}/grading_policy.json"])
    source = yaml.safe_load((SOURCES / "course.yaml").read_text(encoding="utf-8"))["grading"]
    assert [(g["type"], g["weight"], g["min_count"]) for g in policy["GRADER"]] == \
        [(t["type"], t["weight"], t["min_count"]) for t in source["types"]]
    assert policy["GRADE_CUTOFFS"] == {"Pass": source["pass_mark"]}
    assert abs(sum(g["weight"] for g in policy["GRADER"]) - 1) < 1e-9


def test_outline_matches_the_source(built):
    """course -> chapter -> sequential -> vertical in the tarball is course.yaml's outline."""
    _path, files = built
    source = yaml.safe_load((SOURCES / "course.yaml").read_text(encoding="utf-8"))

    def read(kind, name):
        return etree.fromstring(files[f"course/{kind}/{name}.xml"])

    built_outline = []
    for chapter_ref in etree.fromstring(files[f"course/course/{RUN}.xml"]):
        chapter = read("chapter", chapter_ref.get("url_name"))
        subsections = []
        for seq_ref in chapter:
            sequential = read("sequential", seq_ref.get("url_name"))
            units = [(v.get("url_name"), read("vertical", v.get("url_name")).get("display_name"))
                     for v in sequential]
            subsections.append((seq_ref.get("url_name"), sequential.get("display_name"),
                                sequential.get("format"), units))
        built_outline.append((chapter_ref.get("url_name"), chapter.get("display_name"), subsections))
    expected = [(s["id"], s["title"], [(ss["id"], ss["title"], ss.get("graded_as"),
                                        [(u["id"], u["title"]) for u in ss["units"]])
                                       for ss in s["subsections"]])
                for s in source["sections"]]
    assert built_outline == expected
    assert len(built_outline) == 6


def test_olxcleaner_finds_nothing():
    files = render_course(load_course(SOURCES))
    assert olxcleaner_problems(files) == []


def test_olxcleaner_problems_fail_the_check():
    files = render_course(load_course(SOURCES))
    files["course/chapter/dasar-hukum.xml"] = b'<chapter display_name="x"><sequential url_name="nowhere"/></chapter>'
    problems = olxcleaner_problems(files)
    assert any("FileDoesNotExist" in p.message for p in problems)


def test_custom_blocks_round_trip_through_their_own_parsers():
    course = load_course(SOURCES)
    files = render_course(course)
    assert roundtrip_problems(course, files) == []


def test_roleplays_reimport_with_the_packaged_scenario(built):
    _path, files = built
    found = {}
    for name, data in files.items():
        if name.startswith("course/vertical/"):
            for node in etree.fromstring(data).iter("complaint_sim"):
                block = ComplaintSimBlock.parse_xml(node, new_runtime(),
                                                    ScopeIds("u", "complaint_sim", "d", node.get("url_name")))
                found[block.scenario["id"]] = block.scenario
                assert node.get("xblock-family") == "xblock.v1"
    assert set(found) == {"ktp-el-terlambat", "uang-pelicin", "banjir-drainase", "viral-media-sosial",
                          "warga-merekam", "rekan-kasar", "warga-tuli", "warga-mengancam", "penghubung-lapor",
                          "tindak-lanjut-hari-kelima", "atasan-pungli"}
    assert found["ktp-el-terlambat"] == compile_scenario(packaged_scenario("ktp_el_terlambat.yaml")).data


def test_reflections_are_inline_with_readable_rubric_and_link(built):
    _path, files = built
    vertical = etree.fromstring(files["course/vertical/unit-refleksi-loket.xml"])
    (node,) = vertical.findall("rubric_reflection")
    assert node.get("linked_simulation") == \
        f"block-v1:PemkotTangerang+ASN101+{RUN}+type@complaint_sim+block@rp-ktp-el"
    assert [c.get("id") for c in node.find("rubric")] == ["empati", "integritas", "prosedur", "dokumentasi",
                                                      "perbaikan"]
    assert "dipingpong" in node.findtext("prompt")


def test_quiz_questions_are_standard_multiple_choice_problems(built):
    _path, files = built
    problems = {n: etree.fromstring(d) for n, d in files.items() if n.startswith("course/problem/")}
    assert len(problems) >= 15
    for name, problem in problems.items():
        assert problem.tag == "problem", name
        group = problem.find("multiplechoiceresponse/choicegroup")
        assert group is not None and group.get("type") == "MultipleChoice", name
        assert [c.get("correct") for c in group].count("true") == 1, name
        assert problem.findtext("multiplechoiceresponse/label").strip(), name


def test_pages_are_sanitised(sources, tmp_path):
    page = sources / "pages" / "06-refleksi" / "penutup.md"
    page.write_text(page.read_text(encoding="utf-8") + "\n<script>alert(1)</script>\n\n[x](javascript:alert(1))\n"
                    "\n<img src=x onerror=alert(1)>\n", encoding="utf-8")
    files = render_course(load_course(sources))
    html = files["course/html/unit-refleksi-akhir-penutup.html"].decode("utf-8")
    tree = etree.fromstring(f"<div>{html}</div>")
    assert tree.findall(".//script") == [] and "<script" not in html  # raw HTML is shown as text
    assert all(not a.get("href", "").startswith("javascript") for a in tree.iter("a"))
    assert all(not attr.startswith("on") for element in tree.iter() for attr in element.attrib)


def test_url_names_are_stable_when_the_outline_grows(sources):
    before = render_course(load_course(sources))
    course_file = sources / "course.yaml"
    text = course_file.read_text(encoding="utf-8")
    text = text.replace("""        units:
          - id: uu-pelayanan-publik""", """        units:
          - id: unit-baru
            title: Unit baru
            components:
              - page: pages/06-refleksi/penutup.md
          - id: uu-pelayanan-publik""", 1)
    course_file.write_text(text, encoding="utf-8")
    after = render_course(load_course(sources))
    assert set(before) - set(after) == set()
    for name in before:
        if not name.startswith(("course/sequential/", "course/policies/")):
            assert before[name] == after[name], name
