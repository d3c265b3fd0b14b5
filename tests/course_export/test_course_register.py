"""course_export and the law register: the course's own entries, the rujukan page, refusals."""
import re
import shutil

import pytest
import yaml

from complaint_sim_xblock.block import packaged_scenario
from course_export import CourseBuildError
from course_export.source import load_course

PERWAL = {"id": "perwal-tangerang-7-2017", "kind": "perwal", "number": "7", "year": 2017,
          "title": "Peraturan Wali Kota Tangerang Nomor 7 Tahun 2017 tentang Kode Etik Aparatur Sipil Negara",
          "status": "berlaku", "url": "", "note": "Exists (review [S23]); content not read."}


def use_own_scenario(sources, change):
    """The course plays its own copy of uang_pelicin.yaml, changed by ``change(data)``."""
    data = packaged_scenario("uang_pelicin.yaml")
    change(data)
    (sources / "roleplays").mkdir(exist_ok=True)
    (sources / "roleplays" / "uang.yaml").write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False),
                                                     encoding="utf-8")
    course = sources / "course.yaml"
    course.write_text(course.read_text(encoding="utf-8").replace("roleplay: uang_pelicin.yaml",
                                                                 "roleplay: roleplays/uang.yaml"), encoding="utf-8")


def duty(data, duty_id):
    return next(d for d in data["duties"] if d["id"] == duty_id)


def roleplays(course):
    return [c for s in course.sections for sub in s.subsections for u in sub.units for c in u.components
            if c.kind == "roleplay"]


def test_course_laws_go_into_the_scenario_and_the_register_page(sources):
    (sources / "law-register.yaml").write_text(yaml.safe_dump({"laws": [PERWAL]}), encoding="utf-8")
    use_own_scenario(sources, lambda d: duty(d, "tolak-gratifikasi").update(
        basis=[{"law": "uu-20-2001", "article": "Pasal 12B"}, {"law": "perwal-tangerang-7-2017"}]))
    page = sources / "pages" / "rujukan.md"
    page.write_text(page.read_text(encoding="utf-8") + "\n## Daftar peraturan\n\n[[register]]\n", encoding="utf-8")
    course = load_course(sources)
    [uang] = [r for r in roleplays(course) if r.scenario["id"] == "uang-pelicin" or "uang" in r.source]
    assert [law["id"] for law in uang.scenario["laws"]] == ["perwal-tangerang-7-2017"], "self-contained"
    assert "Undang-Undang Nomor 20 Tahun 2001 tentang Perubahan" in course.handouts_html
    assert "Peraturan Wali Kota Tangerang Nomor 7 Tahun 2017" in course.handouts_html
    assert "[[register]]" not in course.handouts_html and "law-register" not in course.handouts_html


def test_a_replaced_law_in_a_scenario_refuses_the_build_at_its_line(sources):
    use_own_scenario(sources, lambda d: duty(d, "tolak-gratifikasi").update(basis=[{"law": "uu-5-2014"}]))
    with pytest.raises(CourseBuildError) as error:
        load_course(sources)
    text = str(error.value)
    assert "roleplays/uang.yaml:" in text and "law_replaced" in text and "uu-20-2023" in text


def test_a_breach_that_reaches_a_good_ending_refuses_the_build(sources):
    # the course review (§3.2) found the kept bribe reaching "Bersih dan tetap melayani"; the shipped
    # scenario now ends such routes poor, so an author who marks one of those endings good is refused
    def regrade(data):
        next(n for n in data["nodes"] if n["id"] == "akhir-pungli")["quality"] = "good"
    use_own_scenario(sources, regrade)
    with pytest.raises(CourseBuildError) as error:
        load_course(sources)
    assert "breach_reaches_good_ending" in str(error.value) and "tolak-gratifikasi" in str(error.value)


def test_a_broken_course_register_is_located(sources):
    (sources / "law-register.yaml").write_text(yaml.safe_dump({"laws": [{**PERWAL, "status": "kedaluwarsa"}]}),
                                               encoding="utf-8")
    with pytest.raises(CourseBuildError) as error:
        load_course(sources)
    assert "law-register.yaml:" in str(error.value) and "laws[0].status" in str(error.value)


def test_the_shipped_course_still_builds(sources):
    shutil.rmtree(sources / "roleplays", ignore_errors=True)
    assert load_course(sources).title


def test_the_shipped_rujukan_page_is_the_register_of_what_the_course_cites(sources):
    """handouts (pages/rujukan.md) lists, from the register, every regulation a duty of the course's
    role-plays cites, then the course's own entries; the page's notes and channels follow."""
    from complaint_sim_xblock import register

    course = load_course(sources)
    html = course.handouts_html
    scenarios = [r.scenario for r in roleplays(course)]
    laws = register.laws_by_id([law for scenario in scenarios for law in scenario.get("laws") or ()])
    cited = register.cited_ids([duty for scenario in scenarios for duty in scenario["duties"]])
    assert len(cited) >= 20, cited
    listing = html[html.index("<ul>"):html.index("Yang perlu diingat")]
    for law_id in cited:
        assert laws[law_id]["title"] in listing, law_id
    assert "Peraturan Wali Kota Tangerang Nomor 7 Tahun 2017" in listing  # the course's own entry
    # what each check rested on, in Indonesian, with dates as Indonesians write them
    assert "Catatan: Ada menurut tinjauan kursus [S23]" in listing
    assert "diperiksa 1 Desember 2026" in listing and not re.search(r"\b\d{4}-\d{2}-\d{2}\b", listing)
    assert "[[register]]" not in html and "law-register" not in html
    assert "Saber Pungli" in html and "LAKSA" in html  # what the register does not say stays on the page
