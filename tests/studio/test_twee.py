"""Twee 3 import on stories written for Harlowe, SugarCube and Snowman."""
import pytest

from complaint_sim_xblock.scenario import compile_scenario, validate_scenario
from complaint_sim_xblock.twee import TweeError, import_twee, parse_link, parse_passages, report_messages, slugify
from tests.studio.conftest import DATA


def load(name):
    result = import_twee((DATA / name).read_text(encoding="utf-8"))
    nodes = {n["id"]: n for n in result["scenario"]["nodes"]}
    report = report_messages(result["report"])
    return result, nodes, report


def codes(report, passage):
    return [r["code"] for r in report if r["passage"] == passage]


def test_every_passage_becomes_a_node_or_is_reported():
    for name in ("harlowe.twee", "sugarcube.twee", "clean.twee"):
        text = (DATA / name).read_text(encoding="utf-8")
        result, nodes, report = load(name)
        special = {"StoryTitle", "StoryData"}
        for passage in parse_passages(text):
            if passage["name"] in special:
                continue
            imported = any(n.get("title") == passage["name"] for n in nodes.values()) or slugify(
                passage["name"]) in nodes
            skipped = any(r["passage"] == passage["name"] and r["code"].startswith("skipped") for r in report)
            assert imported != skipped, passage["name"]


def test_harlowe_story_links_macros_and_special_passages():
    result, nodes, report = load("harlowe.twee")
    scenario = result["scenario"]
    assert scenario["title"] == "Loket Kelurahan: Antrean Panjang"
    assert scenario["id"] == "loket-kelurahan-antrean-panjang"
    assert scenario["start"] == "lobby"  # StoryData.start
    assert result["story"]["ifid"] == "D674C58C-DEFA-4F70-B7A2-27742230C0FC"
    # script and stylesheet passages are skipped, with a report line each
    assert codes(report, "UserScript") == ["skipped_script"]
    assert codes(report, "UserStylesheet") == ["skipped_stylesheet"]
    assert "userscript" not in nodes and "userstylesheet" not in nodes
    # all link forms: [[text->target]], [[text|target]], [[target<-text]], [[target]]
    lobby = nodes["lobby"]
    assert [(c["text"], c["target"]) for c in lobby["choices"]] == [
        ("Sapa dengan hormat", "dengar"), ("Suruh antre", "antre"), ("Abaikan saja", "marah-draft")]
    assert [(c["text"], c["target"]) for c in nodes["dengar"]["choices"]] == [("Dengar", "dengar"), ("Catat", "catat")]
    # macros removed and reported; the hook's text kept
    assert "(set:" not in lobby["text"] and "(if:" not in lobby["text"]
    assert "Ia tampak sangat marah." in lobby["text"]
    assert "macro" in codes(report, "Lobby")
    # tags: narrator speaker, ending qualities
    assert lobby["speaker"] == "narrator" and nodes["dengar"]["speaker"] == "citizen"
    assert nodes["catat"]["type"] == "ending" and nodes["catat"]["quality"] == "good"
    assert nodes["marah-draft"]["title"] == "Marah {draft}" and nodes["marah-draft"]["quality"] == "poor"
    assert nodes["b"]["quality"] == "fair" and "ending_quality" in codes(report, "B")
    # external link: not a choice, text kept, reported; $variable reported
    assert "Baca juga panduan." in nodes["dengar"]["text"]
    assert set(codes(report, "Dengar")) >= {"external_link", "variable"}
    # link counts the engine does not allow are kept (the validator flags them) and reported
    assert len(nodes["antre"]["choices"]) == 6 and "too_many_links" in codes(report, "Antre")
    # one link: a narration step moving on to the linked passage, no "add a choice" problem
    assert nodes["a"]["type"] == "narration" and nodes["a"]["next"] == "catat" and "choices" not in nodes["a"]
    assert "too_few_links" not in codes(report, "A")
    # escapes in a header: \[ \] \\ decode; tags and metadata after the name
    archive = next(n for n in nodes.values() if n.get("title", "").startswith("Arsip"))
    assert archive["title"] == "Arsip [lama] \\ catatan" and archive["quality"] == "fair"
    assert "story_format" in codes(report, "StoryData")
    problem_codes = {p.code for p in validate_scenario(scenario)}
    assert {"missing", "no_competencies", "choice_count"} <= problem_codes


def test_sugarcube_story_setters_html_and_start_passage():
    result, nodes, report = load("sugarcube.twee")
    assert result["scenario"]["start"] == "start"  # no StoryData.start: the passage named Start
    start = nodes["start"]
    assert [(c["text"], c["target"]) for c in start["choices"]] == [
        ("Tolak dengan sopan", "tolak"), ("Terima", "terima")]
    assert set(codes(report, "Start")) >= {"setter", "macro", "html", "variable"}
    assert "<<" not in start["text"] and "<b>" not in start["text"] and "Apa yang Anda lakukan?" in start["text"]
    assert "(Note: ini bukan makro Harlowe.)" in start["text"]  # Harlowe syntax is left alone in SugarCube
    assert codes(report, "StoryData")[0] == "bad_metadata"
    assert codes(report, "StoryInit") == ["skipped_script"]
    assert nodes["terima"]["text"].startswith(":: Ini bukan header.")  # Twine's \:: escape


def test_a_clean_story_only_needs_the_role_play_fields():
    result, nodes, report = load("clean.twee")
    assert [r["code"] for r in report] == ["story_format"]
    scenario = result["scenario"]
    scenario.update({"situation": "Printer rusak.", "persona": {"name": "Bu Sari"},
                     "competencies": [{"id": "empati", "label": "Empati", "weight": 1}]})
    assert validate_scenario(scenario) == []
    assert compile_scenario(scenario).start == "datang"


@pytest.mark.parametrize(("inner", "expected"), [
    ("Target", ("Target", "Target")),
    ("Go|Target", ("Go", "Target")),
    ("Go->Target", ("Go", "Target")),
    ("a->b->Target", ("a->b", "Target")),  # rightmost -> wins
    ("Target<-Go", ("Go", "Target")),
    ("Target<-a<-b", ("a<-b", "Target")),  # leftmost <- wins
])
def test_link_forms(inner, expected):
    assert parse_link(inner) == expected


def test_slugify():
    assert slugify("Café Ärger!") == "cafe-arger"
    assert slugify("Lobby", {"lobby"}) == "lobby-2"
    assert slugify("", fallback="node") == "node"
    assert len(slugify("x" * 200)) == 64


def test_text_without_passages_is_not_twee():
    with pytest.raises(TweeError):
        import_twee("no header here")


def test_duplicate_names_and_missing_targets_are_reported():
    result = import_twee(":: A\n[[B]] [[Nowhere]]\n:: B\nend\n:: B\nagain\n")
    report = report_messages(result["report"])
    assert ("B", "duplicate_passage") in {(r["passage"], r["code"]) for r in report}
    assert ("A", "missing_passage") in {(r["passage"], r["code"]) for r in report}
    assert [n["id"] for n in result["scenario"]["nodes"]] == ["a", "b", "b-2"]


def test_deeply_nested_metadata_and_story_data_are_reported_not_raised():
    source = (':: StoryData\n' + '[' * 100_000 + '\n\n'
              ':: Start {"position":' + '[' * 100_000 + '}\nHalo. [[Lanjut]]\n\n:: Lanjut\nSelesai.\n')
    result = import_twee(source)
    found = {item["code"] for item in result["report"]}
    assert {"bad_story_data", "bad_metadata"} <= found
    assert "start" in [n["id"] for n in result["scenario"]["nodes"]]
