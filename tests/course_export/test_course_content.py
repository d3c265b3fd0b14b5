"""The course's content rules (issue 10): quizzes, the pre/post test blueprint, one reflection definition."""
import re
from pathlib import Path

import yaml
from lxml import etree

ROOT = Path(__file__).resolve().parents[2]
SOURCES = ROOT / "course_export" / "sources" / "penanganan-pengaduan"
QUIZZES = sorted((SOURCES / "quizzes").glob("*.yaml"))


def questions(path):
    """The questions of a quiz file."""
    return yaml.safe_load(path.read_text(encoding="utf-8"))["questions"]


def test_every_quiz_question_has_four_choices_and_the_answer_moves():
    for path in QUIZZES:
        answers = []
        for q in questions(path):
            assert len(q["choices"]) == 4, (path.name, q["id"])
            flags = [bool(c.get("correct")) for c in q["choices"]]
            assert flags.count(True) == 1, (path.name, q["id"])
            answers.append(flags.index(True))
            wrong = [c for c in q["choices"] if not c.get("correct")]
            assert all(c.get("hint") for c in wrong), f"{path.name} {q['id']}: every distractor explains itself"
        assert len(set(answers)) > 1, f"{path.name}: the right answer is always in the same place"


def test_pre_and_post_test_share_the_blueprint_with_different_items():
    pre, post = (questions(SOURCES / "quizzes" / name) for name in ("00-tes-awal.yaml", "06-tes-akhir.yaml"))
    assert [q["title"] for q in pre] == [q["title"] for q in post]
    assert len(pre) == 8
    assert not {q["question"] for q in pre} & {q["question"] for q in post}
    course = yaml.safe_load((SOURCES / "course.yaml").read_text(encoding="utf-8"))
    graded = {ss["graded_as"] for s in course["sections"] for ss in s["subsections"]
              if any("quiz" in c and "tes-" in c["quiz"] for u in ss["units"] for c in u["components"])}
    assert graded == {"Tes awal dan akhir"}
    first, last = course["sections"][0]["subsections"][0], course["sections"][-1]["subsections"][0]
    assert (first["id"], last["id"]) == ("tes-awal", "tes-akhir")


def test_the_ktp_el_reflection_has_one_definition():
    course = yaml.safe_load((SOURCES / "reflections" / "refleksi-loket.yaml").read_text(encoding="utf-8"))
    xml = etree.parse(str(ROOT / "rubric_xblock" / "scenarios" / "refleksi_ktp_el.xml"))
    xml_criteria = [(c.get("id"), c.get("label"), [(lv.get("id"), int(lv.get("points"))) for lv in c.findall("level")])
                    for c in xml.iter("criterion")]
    course_criteria = [(c["id"], c["label"], [(lv["id"], lv["points"]) for lv in c.get("levels", [])])
                       for c in course["rubric"]["criteria"]]
    assert course_criteria == xml_criteria
    scenario = (ROOT / "complaint_sim_xblock" / "scenarios" / "ktp_el_terlambat.yaml").read_text(encoding="utf-8")
    assert "empat bulan" in scenario
    for text in (course["prompt"], xml.findtext("prompt")):
        assert "empat bulan" in text and not re.search(r"tiga bulan", text)


def test_one_term_per_thing():
    """The course says fasilitator (not pelatih) and bermain peran (not simulasi peran)."""
    texts = [p.read_text(encoding="utf-8") for p in SOURCES.rglob("*") if p.suffix in {".md", ".yaml"}]
    texts.append((ROOT / "rubric_xblock" / "scenarios" / "refleksi_ktp_el.xml").read_text(encoding="utf-8"))
    for text in texts:
        assert not re.search(r"\bpelatih\b|simulasi peran", text, re.IGNORECASE)


def test_pages_render_on_many_threads_at_once():
    """The demo renders pages on several request threads; the sanitiser must not share parser state."""
    import threading

    from course_export.pages import render_markdown
    render = render_markdown.__wrapped__  # the rendering itself, not the per-text memo in front of it
    texts = [p.read_text(encoding="utf-8") for p in (SOURCES / "pages").rglob("*.md")]
    errors = []

    def render_all():
        try:
            for _ in range(3):
                for text in texts:
                    render(text)
        except Exception as error:  # noqa: BLE001 - collected and asserted below
            errors.append(repr(error))

    threads = [threading.Thread(target=render_all) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
