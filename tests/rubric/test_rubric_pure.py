"""Pure rubric logic: no Django, no XBlock, milliseconds."""

import pytest
from rubric_support import RUBRIC

from rubric_xblock.rubric import (
    RubricError,
    assess,
    check_text,
    count_words,
    counted_attempt,
    final_score,
    find_personal_data,
    gaps,
    mask_personal_data,
    parse_rubric,
    summarise_run,
    validate_settings,
)
from rubric_xblock.sanitize import sanitize_prompt


def test_totals_and_feedback_only_criteria():
    rubric = parse_rubric(RUBRIC)
    assert rubric.points_possible == 6
    assert [c.id for c in rubric.scored_criteria] == ["empati", "integritas"]
    assert rubric.criterion("catatan").feedback_only and rubric.criterion("catatan").max_points == 0
    result = assess(rubric, {"empati": "cukup", "integritas": "baik"}, {"catatan": "  Bagus  "}, "ok")
    assert (result.points_earned, result.points_possible) == (4, 6)
    assert result.part("catatan").level_id is None and result.part("catatan").points is None
    assert result.part("catatan").comment == "Bagus"
    assert result.rubric_version == rubric.version


def test_feedback_only_criteria_add_no_points_and_need_no_level():
    rubric = parse_rubric(RUBRIC)
    assert assess(rubric, {"empati": "belum", "integritas": "belum"}).points_earned == 0
    with pytest.raises(RubricError) as err:
        assess(rubric, {"empati": "belum", "integritas": "belum", "catatan": "baik"})
    assert err.value.code == "UNKNOWN_LEVEL"


@pytest.mark.parametrize(("selections", "code"), [
    ({"empati": "baik"}, "MISSING_CRITERION"),
    ({"empati": "baik", "integritas": "nope"}, "UNKNOWN_LEVEL"),
    ({"empati": "baik", "integritas": "baik", "x": "baik"}, "UNKNOWN_CRITERION"),
    (["baik"], "BAD_ASSESSMENT"),
])
def test_assessment_errors(selections, code):
    with pytest.raises(RubricError) as err:
        assess(parse_rubric(RUBRIC), selections)
    assert err.value.code == code and err.value.status == 400


def test_version_changes_with_points_only_when_content_changes():
    one = parse_rubric(RUBRIC)
    assert parse_rubric(one.to_dict()).version == one.version
    changed = one.to_dict()
    changed["criteria"][0]["levels"][2]["points"] = 5
    assert parse_rubric(changed).version != one.version


def test_gaps_self_minus_staff():
    rubric = parse_rubric(RUBRIC)
    mine = assess(rubric, {"empati": "baik", "integritas": "belum"})
    staff = assess(rubric, {"empati": "cukup", "integritas": "baik"})
    rows = {row["criterion_id"]: row for row in gaps(rubric, mine, staff)}
    assert set(rows) == {"empati", "integritas"}
    assert rows["empati"]["gap"] == 2 and rows["integritas"]["gap"] == -2
    assert [row["gap"] for row in gaps(rubric, None, staff)] == [None, None]


@pytest.mark.parametrize(("earned", "possible", "weight", "expected"), [
    (4, 6, None, (4, 6)), (0, 6, None, (0, 6)), (4, 6, 10, (7, 10)), (6, 6, 10.0, (10, 10)),
    (1, 12, 100, (8, 100)), (9, 6, None, (6, 6)),
])
def test_final_score_is_integer_and_scaled_by_weight(earned, possible, weight, expected):
    assert final_score(earned, possible, weight) == expected


@pytest.mark.parametrize(("mutate", "where"), [
    (lambda r: r["criteria"].clear(), "1 to"),
    (lambda r: r["criteria"][0].update(id="Bad Id"), "criteria[0].id"),
    (lambda r: r["criteria"][1].update(id="empati"), "repeats"),
    (lambda r: r["criteria"][0]["levels"].pop(), None),
    (lambda r: r["criteria"][0]["levels"][0].update(points=-1), "points"),
    (lambda r: r["criteria"][0]["levels"][0].update(points=1.5), "points"),
    (lambda r: r["criteria"][0]["levels"][0].update(points=True), "points"),
    (lambda r: r["criteria"][0]["levels"][1].update(id="belum"), "repeats"),
    (lambda r: r["criteria"][0].update(label=""), "label"),
    (lambda r: r["criteria"][0].update(label="x" * 201), "label"),
    (lambda r: [c.update(levels=[]) for c in r["criteria"]], "carry points"),
    (lambda r: r["criteria"][1]["levels"][1].update(points=0), "no level worth"),
])
def test_invalid_rubrics_are_refused(mutate, where):
    import copy
    raw = copy.deepcopy(RUBRIC)
    raw["criteria"][0]["levels"] = raw["criteria"][0]["levels"][:2] if where is None else raw["criteria"][0]["levels"]
    mutate(raw)
    with pytest.raises(RubricError) as err:
        parse_rubric(raw)
    assert err.value.code == "RUBRIC_INVALID"
    if where:
        assert where in str(err.value)


@pytest.mark.parametrize(("args", "ok"), [
    ((0, 1000, True, True, "immediate", None), True),
    ((100, 50, True, True, "immediate", None), False),
    ((0, 0, True, True, "immediate", None), False),
    ((0, 10, False, False, "immediate", None), False),
    ((0, 10, True, False, "later", None), False),
    ((0, 10, True, True, "staff", 10), True),
    ((0, 10, True, True, "staff", 2.5), False),
    ((0, 10, True, True, "staff", 0), False),
    ((-1, 10, True, True, "staff", None), False),
])
def test_settings_validation(args, ok):
    if ok:
        validate_settings(*args)
    else:
        with pytest.raises(RubricError):
            validate_settings(*args)


def test_word_count_matches_the_browser_rule():
    assert count_words("") == 0
    assert count_words("  satu\tdua\n\ntiga  ") == 3
    assert count_words("KTP-el, Disdukcapil.") == 2


def test_check_text_limits():
    assert check_text("a b c", 5, 10, final=False).words == 3
    for text, code in [("", "EMPTY_TEXT"), ("a b", "TOO_FEW_WORDS"), ("a " * 11, "TOO_MANY_WORDS"),
                       ("x" * 30001, "TEXT_TOO_LONG"), (b"bytes", "BAD_TEXT")]:
        with pytest.raises(RubricError) as err:
            check_text(text, 3, 10, final=True)
        assert err.value.code == code


@pytest.mark.parametrize(("text", "kinds"), [
    ("NIK saya 3671012345678901", ["nik"]),
    ("NIK 3671 0123 4567 8901.", ["nik"]),
    ("hubungi 081234567890", ["phone"]),
    ("HP: 0812-3456-7890 atau +62 812 3456 7890", ["phone"]),
    ("kantor (021) 5551234", ["phone"]),
    ("NIK 3671012345678901 dan WA 6281234567890", ["nik", "phone"]),
    ("Tiga bulan, Rp300.000, tanggal 12-05-2024, pukul 08.30, RW 05", []),
    ("nomor pengaduan 2024/KEL/0153", []),
    ("angka 12345678901234567 (17 digit)", []),
])
def test_personal_data_detection(text, kinds):
    assert find_personal_data(text) == kinds


def test_masking_hides_digits_only_of_personal_data():
    masked = mask_personal_data("NIK 3671012345678901, HP 0812-3456-7890, RW 05")
    assert masked == "NIK ••••••••••••••••, HP ••••-••••-••••, RW 05"


def test_prompt_sanitising_keeps_allowed_html_only():
    html = ('<p class="x" onclick="evil()">Halo <strong>ASN</strong><script>alert(1)</script></p>'
            '<a href="javascript:alert(1)">a</a><a href="https://lapor.go.id" target="_blank">b</a>'
            '<img src="x" onerror="y"><iframe src="z"></iframe><style>p{}</style>')
    clean = sanitize_prompt(html)
    assert clean == '<p>Halo <strong>ASN</strong></p><a>a</a><a href="https://lapor.go.id">b</a>'
    assert sanitize_prompt(clean) == clean
    assert sanitize_prompt(None) == ""


def test_run_summary_is_defensive():
    assert summarise_run(None) is None and summarise_run([]) is None and summarise_run(["x"]) is None
    run = summarise_run([{"attempt": 1}, {"attempt": 2, "quality": "fair", "points": 7, "max_points": True,
                                           "ending_title": "x" * 1000, "duties": {"a": {"status": "met"}},
                                           "competencies": {"c": "junk"}, "path": [{"text": 1}]}])
    assert run["attempt"] == 2 and run["attempts"] == 2 and run["quality"] == "fair"
    assert run["max_points"] is None and len(run["ending_title"]) == 300
    assert run["duties"] == [{"id": "a", "label": "", "status": "met"}] and run["competencies"] == []
    assert run["path"] == [{"text": "", "choice_text": ""}]


def test_counted_attempt_follows_the_role_plays_grading_policy():
    # The case: a 44/44 run, then a 0/44 retry. "best" counts the first, "last" the retry.
    history = [{"attempt": 1, "points": 44, "max_points": 44}, {"attempt": 2, "points": 0, "max_points": 44}]
    assert counted_attempt(history)["attempt"] == 1 and counted_attempt(history, "best")["attempt"] == 1
    assert counted_attempt(history, "last")["attempt"] == 2
    # Shares, not raw points, and the first on ties (complaint_sim's flow.counted_entry).
    shares = [{"attempt": 1, "points": 8, "max_points": 16}, {"attempt": 2, "points": 6, "max_points": 8},
              {"attempt": 3, "points": 3, "max_points": 4}]
    assert counted_attempt(shares)["attempt"] == 2
    # Junk entries never compete; without any scored entry the newest dict is shown.
    assert counted_attempt(["x", {"attempt": 1, "points": True, "max_points": 4},
                            {"attempt": 2, "points": 1, "max_points": 4}])["attempt"] == 2
    assert counted_attempt([{"attempt": 1}, {"attempt": 2}, "x"])["attempt"] == 2
    assert counted_attempt(None) is None and counted_attempt(["x"]) is None
    run = summarise_run(history, "last")
    assert (run["attempt"], run["points"], run["attempts"], run["counted_by"]) == (2, 0, 2, "last")
    assert summarise_run(history, "anything")["counted_by"] == "best"
