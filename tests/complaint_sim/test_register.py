"""The law register: entries, citations, successors, the register page."""
import copy
import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from lxml import etree

from complaint_sim_xblock import register
from complaint_sim_xblock.olx import scenario_from_xml, scenario_to_xml
from complaint_sim_xblock.scenario import compile_scenario, normalize_scenario, read_register, validate_scenario
from tests.conftest import DATA, load_yaml


@pytest.fixture
def suap():
    data = load_yaml(DATA / "suap.yaml")
    data["duties"][0].pop("critical")  # these tests are about citations only
    return data


def cite(data, *citations):
    data = copy.deepcopy(data)
    data["duties"][0]["basis"] = list(citations)
    return data


def test_the_packaged_register_is_valid_and_holds_the_replaced_ones():
    reg, problems = read_register(register.package_register())
    assert problems == []
    laws = register.laws_by_id()
    for old, new in (("permenpanrb-62-2018", "permenpanrb-5-2025"), ("uu-5-2014", "uu-20-2023"),
                     ("perombudsman-26-2017", "perombudsman-58-2023"), ("perpres-87-2016", "perpres-49-2025")):
        assert laws[old]["replaced_by"] == new and new in laws
    for law in reg["laws"]:
        assert law["title"] and law["status"] in ("berlaku", "diubah", "diganti", "dicabut")
        for other in law.get("amended_by", ()):
            assert other in laws
    assert "2026-03-20" in register.cuti_bersama()
    assert "permintaan-imbalan" in register.maladministration()


def test_a_citation_of_a_known_law_is_valid_and_becomes_a_full_citation(suap):
    scenario = compile_scenario(cite(suap, {"law": "uu-25-2009", "article": "Pasal 34"}, {"note": "Kode etik"}))
    [law, note] = scenario.duties[0]["citations"]
    assert law["title"] == "Undang-Undang Nomor 25 Tahun 2009 tentang Pelayanan Publik"
    assert law["text"] == "Undang-Undang Nomor 25 Tahun 2009, Pasal 34" and law["status"] == "berlaku"
    assert note == {"note": "Kode etik", "text": "Kode etik"}


def test_an_unknown_id_is_located(suap):
    problems = validate_scenario(cite(suap, {"law": "uu-99-2099", "article": "Pasal 1"}))
    assert [(p.code, p.path) for p in problems] == [("unknown_law", "duties[0].basis[0].law")]


def test_a_replaced_law_names_its_successor(suap):
    [problem] = validate_scenario(cite(suap, {"law": "permenpanrb-62-2018"}))
    assert problem.code == "law_replaced" and dict(problem.params)["successor"] == "permenpanrb-5-2025"
    assert "permenpanrb-5-2025" in problem.message


def test_a_revoked_law_is_refused(suap):
    [problem] = validate_scenario(cite(suap, {"law": "perpres-87-2016"}))
    assert problem.code == "law_revoked" and "perpres-49-2025" in problem.message


def test_an_amended_law_may_be_cited(suap):
    assert validate_scenario(cite(suap, {"law": "uu-31-1999", "article": "Pasal 12"})) == []


def test_a_legacy_text_basis_is_a_note(suap):
    scenario = compile_scenario(suap)
    assert scenario.duties[1]["citations"] == [{"note": "UU 25/2009 Pasal 34", "text": "UU 25/2009 Pasal 34"}]
    assert normalize_scenario(suap)["duties"][1]["basis"] == "UU 25/2009 Pasal 34", "stored unchanged"


def test_a_malformed_citation_is_located(suap):
    problems = validate_scenario(cite(suap, {"law": "uu-25-2009", "pasal": "34"}))
    assert [(p.code, p.path) for p in problems] == [("bad_citation", "duties[0].basis[0]")]


def test_scenario_local_laws_extend_the_register_and_survive_olx(suap):
    local = {"id": "perwal-tangerang-7-2017", "kind": "perwal", "number": "7", "year": 2017,
             "title": "Peraturan Wali Kota Tangerang Nomor 7 Tahun 2017 tentang Kode Etik ASN",
             "status": "berlaku", "url": "https://example.org/perwal", "checked": "2026-12-01"}
    data = cite({**suap, "laws": [local]}, {"law": "perwal-tangerang-7-2017", "article": "Pasal 5"})
    canon = normalize_scenario(data)
    assert canon["laws"][0]["id"] == "perwal-tangerang-7-2017"
    again = scenario_from_xml(etree.fromstring(etree.tostring(scenario_to_xml(canon))))
    assert normalize_scenario(again) == canon
    problems = validate_scenario({**data, "laws": [{**local, "year": "dulu"}]})
    assert [(p.code, p.path) for p in problems] == [("not_integer", "laws[0].year")]


def test_maladministration_must_be_a_register_category(suap):
    data = copy.deepcopy(suap)
    data["duties"][0]["maladministration"] = "permintaan-imbalan"
    assert validate_scenario(data) == []
    data["duties"][0]["maladministration"] = "korupsi-kecil"
    assert [p.code for p in validate_scenario(data)] == ["unknown_maladministration"]


def test_the_register_page_lists_full_citations_with_status_and_check():
    laws = register.laws_by_id()
    page = register.register_html(["uu-25-2009", "uu-5-2014", "perpres-76-2013"], laws)
    root = etree.fromstring(page)
    items = ["".join(li.itertext()) for li in root.iter("li")]
    assert items[0].startswith("Undang-Undang Nomor 25 Tahun 2009 tentang Pelayanan Publik — berlaku")
    assert "diganti oleh Undang-Undang Nomor 20 Tahun 2023" in items[1]
    assert "belum diperiksa" in items[2] and "diperiksa 1 Desember 2026" in items[0]  # not 2026-12-01
    # each entry's note, in Indonesian, after what was checked
    assert "Catatan: Pasal 36-42 dan 51-54 dibaca pada salinan tidak resmi" in items[0]
    assert "Catatan: Batas 60 hari" in items[2]


COURSE_REGISTER = Path(__file__).resolve().parents[2] / "course_export" / "sources" / "penanganan-pengaduan" \
    / "law-register.yaml"
ENGLISH = re.compile(r"\b(the|and|of|is|not|only|read|on|its|was|which|from|checked|verified|general|knowledge|"
                     r"title|wording|replaced|decided|news|reports|exists|content|review|per|check)\b", re.I)


def all_laws():
    course = register.parse_register(COURSE_REGISTER.read_text(encoding="utf-8"))["laws"]
    return [*register.package_register()["laws"], *course]


def test_every_register_note_is_in_indonesian():
    """The notes are shown on the course's rujukan page (Indonesian first); English stays in comments."""
    english = {law["id"]: ENGLISH.findall(law["note"]) for law in all_laws() if ENGLISH.search(law.get("note", ""))}
    assert english == {}


NAMED = re.compile(r"(?:^|[/_-])(?:no|nomor)[-_](\d+)[-_](?:tahun[-_])?(\d{4})(?:\D|$)", re.I)


def test_every_register_url_is_a_page_about_that_regulation():
    """A source is a page, not a site's home page; where its address names a regulation by number
    and year, it names this one (or, for a replaced or amended one, the act that says so)."""
    laws = {law["id"]: law for law in all_laws()}
    wrong = []
    for law in laws.values():
        if not law.get("url"):
            continue
        url = urlsplit(law["url"])
        if url.scheme != "https" or not (url.path.strip("/") or url.query):
            wrong.append((law["id"], law["url"]))
            continue
        related = [law, *(laws[i] for i in [law.get("replaced_by"), *law.get("amended_by", ())] if i in laws)]
        named = NAMED.findall(url.path)
        if named and not any((n.lstrip("0"), int(y)) == (str(r["number"]), r["year"]) for n, y in named
                             for r in related):
            wrong.append((law["id"], law["url"]))
    assert wrong == []
