"""Every kind of broken source gives its own clear error, with file:line, and writes nothing."""
import shutil
import subprocess
import sys

import pytest

from course_export import CourseBuildError, build
from course_export.cli import main


def edit(path, old, new):
    """Replace ``old`` (which must be there) by ``new`` in ``path``."""
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path.name}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def line_of(path, marker, occurrence=1):
    """1-based line of the ``occurrence``-th line containing ``marker``."""
    lines = [n for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1) if marker in line]
    assert len(lines) >= occurrence, marker
    return lines[occurrence - 1]


def break_yaml(src):
    edit(src / "course.yaml", "language: id", "language: [id")
    return "course.yaml", None, "invalid YAML"


def missing_page(src):
    edit(src / "course.yaml", "pages/01-dasar-hukum/maladministrasi.md", "pages/01-dasar-hukum/tidak-ada.md")
    return "course.yaml", "tidak-ada.md", "file not found: pages/01-dasar-hukum/tidak-ada.md"


def missing_scenario(src):
    edit(src / "course.yaml", "roleplay: banjir_drainase.yaml", "roleplay: banjir_tidak_ada.yaml")
    return "course.yaml", "banjir_tidak_ada.yaml", "scenario not found: banjir_tidak_ada.yaml"


def unknown_link_target(src):
    edit(src / "reflections" / "refleksi-loket.yaml", "linked_roleplay: rp-ktp-el", "linked_roleplay: rp-tidak-ada")
    return "reflections/refleksi-loket.yaml", "linked_roleplay", "linked_roleplay 'rp-tidak-ada' names no role-play"


def weights_not_one(src):
    edit(src / "course.yaml", "weight: 0.15}", "weight: 0.25}")
    return "course.yaml", "  types:", "grading weights must sum to 1, they sum to 1.1"


def duplicate_id(src):
    edit(src / "course.yaml", "- id: maladministrasi", "- id: uu-pelayanan-publik")
    return "course.yaml", ("- id: uu-pelayanan-publik", 2), "duplicate id 'uu-pelayanan-publik'"


def missing_grader(src):
    edit(src / "course.yaml", "title: Kuis Bagian 2\n        graded_as: Kuis",
         "title: Kuis Bagian 2\n        graded_as: Ujian")
    return "course.yaml", "graded_as: Ujian", "graded_as 'Ujian' has no grader"


def invalid_scenario(src):
    (src / "scenarios").mkdir()
    scenario = src / "scenarios" / "rusak.yaml"
    shutil.copy(SCENARIOS / "ktp_el_terlambat.yaml", scenario)
    text = scenario.read_text(encoding="utf-8")
    first_target = next(line for line in text.splitlines() if line.strip().startswith("target:"))
    scenario.write_text(text.replace(first_target, first_target.split(":")[0] + ": simpul-hilang", 1),
                        encoding="utf-8")
    edit(src / "course.yaml", "roleplay: ktp_el_terlambat.yaml", "roleplay: scenarios/rusak.yaml")
    return "scenarios/rusak.yaml", "simpul-hilang", "invalid scenario"


def invalid_rubric(src):
    path = src / "reflections" / "refleksi-akhir.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("points: 4", "points: 400", 1), encoding="utf-8")
    return "reflections/refleksi-akhir.yaml", "points: 400", "invalid rubric"


def unknown_key(src):
    edit(src / "course.yaml", "self_paced: true", "self_pacd: true")
    return "course.yaml", "self_pacd", "unknown key 'self_pacd'"


def two_correct_answers(src):
    edit(src / "quizzes" / "01-dasar-hukum.yaml",
         "      - text: Pasal 34, karena pelaksana wajib bersikap ramah dan tidak memaksa",
         "      - text: Pasal 34, karena pelaksana wajib bersikap ramah dan tidak memaksa\n        correct: true")
    return "quizzes/01-dasar-hukum.yaml", "choices:", "exactly one choice must be marked"


def min_count_too_high(src):
    edit(src / "course.yaml", "KU, min_count: 5", "KU, min_count: 7")
    return "course.yaml", "min_count: 7", "expects min_count 7 but only 5 subsection(s)"


def graded_without_scores(src):
    edit(src / "course.yaml", "      - id: bermain-peran-pengantar\n        title: Cara bermain peran\n",
         "      - id: bermain-peran-pengantar\n        title: Cara bermain peran\n        graded_as: Kuis\n")
    return "course.yaml", "- id: bermain-peran-pengantar", "is graded but has no scored component"


def roleplay_negative_attempts(src):
    edit(src / "course.yaml", "id: rp-warga-mengancam\n                max_attempts: 3",
         "id: rp-warga-mengancam\n                max_attempts: -1")
    return "course.yaml", "max_attempts: -1", "invalid role-play setting: 'max_attempts' must be between 0 and 1000"


def roleplay_attempts_over_the_blocks_limit(src):
    # Accepted by course_export's own rules before; the block's OLX import refused it.
    edit(src / "course.yaml", "id: rp-warga-mengancam\n                max_attempts: 3",
         "id: rp-warga-mengancam\n                max_attempts: 5000")
    return "course.yaml", "max_attempts: 5000", "'max_attempts' must be between 0 and 1000"


def roleplay_weight_not_a_number(src):
    edit(src / "course.yaml", "id: rp-warga-mengancam\n                max_attempts: 3",
         "id: rp-warga-mengancam\n                max_attempts: 3\n                weight: banyak")
    return "course.yaml", "weight: banyak", "invalid role-play setting: 'weight' must be between 0 and 1000"


def roleplay_unknown_grading_policy(src):
    edit(src / "course.yaml", "id: rp-warga-mengancam\n                max_attempts: 3",
         "id: rp-warga-mengancam\n                max_attempts: 3\n                grading_policy: worst")
    return "course.yaml", "grading_policy: worst", "'grading_policy' must be one of: best, last"


def reflection_peer_count_out_of_range(src):
    edit(src / "reflections" / "refleksi-akhir.yaml", "weight: 10", "weight: 10\ngrading_mode: peer\npeer_count: 0")
    return ("reflections/refleksi-akhir.yaml", "peer_count: 0",
            "invalid grading setting 'peer_count': Enter a whole number from 1 to 10.")


def reflection_unknown_grading_mode(src):
    edit(src / "reflections" / "refleksi-akhir.yaml", "weight: 10", "weight: 10\ngrading_mode: robot")
    return "reflections/refleksi-akhir.yaml", "grading_mode: robot", "invalid grading setting 'grading_mode'"


from pathlib import Path  # noqa: E402

SCENARIOS = Path(__file__).resolve().parents[2] / "complaint_sim_xblock" / "scenarios"

CASES = [break_yaml, missing_page, missing_scenario, unknown_link_target, weights_not_one, duplicate_id,
         missing_grader, invalid_scenario, invalid_rubric, unknown_key, two_correct_answers,
         min_count_too_high, graded_without_scores, roleplay_negative_attempts,
         roleplay_attempts_over_the_blocks_limit, roleplay_weight_not_a_number, roleplay_unknown_grading_policy,
         reflection_peer_count_out_of_range, reflection_unknown_grading_mode]


@pytest.mark.parametrize("breaker", CASES, ids=[case.__name__ for case in CASES])
def test_broken_source_gives_a_located_error_and_writes_nothing(sources, tmp_path, breaker):
    file, marker, message = breaker(sources)
    out_dir = tmp_path / "dist"
    out = out_dir / "course.tar.gz"
    with pytest.raises(CourseBuildError) as raised:
        build(sources, out)
    text = str(raised.value)
    assert message in text, text
    problems = [p for p in raised.value.problems if message in p.message]
    assert problems, text
    assert problems[0].file == file
    if marker is not None:
        expected = line_of(sources / file, *(marker if isinstance(marker, tuple) else (marker,)))
        assert problems[0].line == expected, text
        assert f"{file}:{expected}: " in text
    else:
        assert problems[0].line is not None
    assert not out.exists()
    assert not out_dir.exists() or list(out_dir.iterdir()) == []


def test_every_problem_is_reported_at_once(sources, tmp_path):
    weights_not_one(sources)
    duplicate_id(sources)
    missing_page(sources)
    with pytest.raises(CourseBuildError) as raised:
        build(sources, tmp_path / "x.tar.gz")
    assert len(raised.value.problems) >= 3


def test_a_failed_build_keeps_the_previous_tarball(sources, tmp_path):
    out = tmp_path / "course.tar.gz"
    out.write_bytes(b"previous")
    weights_not_one(sources)
    with pytest.raises(CourseBuildError):
        build(sources, out)
    assert out.read_bytes() == b"previous"
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_missing_course_file(tmp_path):
    with pytest.raises(CourseBuildError, match="course.yaml: file not found"):
        build(tmp_path, tmp_path / "x.tar.gz")


def test_cli_builds_and_reports(sources, tmp_path, capsys):
    out = tmp_path / "dist" / "kursus.tar.gz"
    assert main(["build", str(sources), "-o", str(out)]) == 0
    assert out.is_file()
    weights_not_one(sources)
    broken = tmp_path / "dist" / "rusak.tar.gz"
    assert main(["build", str(sources), "-o", str(broken)]) == 1
    err = capsys.readouterr().err
    assert "nothing written" in err and "course.yaml:" in err and "must sum to 1" in err
    assert not broken.exists()


def test_cli_usage_errors(tmp_path):
    with pytest.raises(SystemExit) as raised:
        main(["build", "-o", str(tmp_path / "x.zip")])
    assert raised.value.code == 2


def test_roleplay_defaults_are_the_blocks_field_defaults():
    from complaint_sim_xblock.block import ComplaintSimBlock  # noqa: PLC0415
    from course_export.source import ROLEPLAY_DEFAULTS, ROLEPLAY_SETTINGS  # noqa: PLC0415

    assert ROLEPLAY_DEFAULTS == {key: ComplaintSimBlock.fields[key].default for key in ROLEPLAY_SETTINGS}


@pytest.mark.integration  # a child Python process
def test_python_dash_m_course_export(tmp_path):
    out = tmp_path / "c.tar.gz"
    result = subprocess.run([sys.executable, "-m", "course_export", "build", "-o", str(out)],
                            capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    assert out.is_file() and "wrote" in result.stdout


def test_reflection_grading_settings_reach_the_block(sources):
    from course_export.render import custom_block_element
    from course_export.source import load_course

    edit(sources / "reflections" / "refleksi-akhir.yaml", "weight: 10",
         "weight: 10\ngrading_mode: peer_staff\npeer_count: 2\npeer_training: false\nappeal_days: 10\n"
         "peer_expiry_hours: 48")
    course = load_course(sources)
    reflection = next(c for _s, _ss, unit in course.units() for c in unit.components
                      if c.kind == "reflection" and c.settings.get("grading_mode"))
    assert {k: reflection.settings[k] for k in ("grading_mode", "peer_count", "peer_training", "appeal_days",
                                                 "peer_expiry_hours")} == {
        "grading_mode": "peer_staff", "peer_count": 2, "peer_training": False, "appeal_days": 10,
        "peer_expiry_hours": 48}
    element = custom_block_element(course, reflection)
    assert (element.get("grading_mode"), element.get("peer_count"), element.get("appeal_days")) == (
        "peer_staff", "2", "10")
