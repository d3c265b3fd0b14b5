"""Units (issue 11, item 1): the roster's located report, nothing stored from a bad roster,
cohort before roster before "tanpa unit"."""
import pytest

from tangerang_units import compat, roster, units
from tangerang_units.models import RosterEntry
from tests.complaint_sim.test_analytics import Person


def test_a_good_roster_with_header_semicolons_and_emails():
    entries, problems = roster.parse(
        "\ufeffUsername;Unit\nASN_1; Kecamatan  Ciledug \n\nsiti@tangerangkota.go.id;OPD DPMPTSP\n")
    assert problems == []
    assert entries == {"asn_1": "Kecamatan Ciledug", "siti@tangerangkota.go.id": "OPD DPMPTSP"}


def test_every_bad_row_is_located_and_nothing_is_returned():
    text = "\n".join(["username,unit", "asn_1,Kelurahan Sudimara", "asn_2", "asn_3,", ",Kelurahan X",
                      "asn_1,Kelurahan Y", "bukan nama!,Kelurahan Z", "asn_4," + "x" * 101, "asn_5,a,b"])
    entries, problems = roster.parse(text)
    assert entries == {}
    assert [(p.line, p.message.split(" ")[0]) for p in problems] == [
        (3, "expected"), (4, "the"), (5, "the"), (6, '"%(user)s"'), (7, '"%(user)s"'), (8, "the"), (9, "expected")]
    assert problems[3].text(str) == 'Line 6: "asn_1" is already on line 2.'


def test_the_roster_report_is_indonesian_and_nothing_is_stored(db, mini_data, monkeypatch):
    import gettext
    from pathlib import Path

    catalog = gettext.translation("text", Path(__file__).parents[2] / "complaint_sim_xblock" / "translations", ["id"])
    staff = Person(mini_data, "staff_1", staff=True)
    monkeypatch.setattr(type(staff.request()), "gettext", lambda self, text: catalog.gettext(text))
    status, body = staff.post("roster_upload", {"csv": "asn_1,Kelurahan A\nasn_2\n"})
    assert (status, body["error"]["code"]) == (400, "ROSTER_INVALID")
    assert body["error"]["message"] == "Daftar unit tidak disimpan: 1 baris bermasalah."
    assert body["problems"] == [{"line": 2, "message": "baris 2: diharapkan 2 kolom (nama pengguna atau surel, unit), "
                                                       "ditemukan 1."}]
    assert RosterEntry.objects.count() == 0  # nothing stored


def test_an_upload_replaces_the_course_roster(db, mini_data):
    staff = Person(mini_data, "staff_1", staff=True)
    assert staff.post("roster_upload", {"csv": "a,Unit A\nb,Unit B\n"})[0] == 200
    status, body = staff.post("roster_upload", {"csv": "a,Unit C\n"})
    assert status == 200 and body["roster"] == {"entries": 1, "units": {"Unit C": 1}}
    assert staff.post("roster_info", {})[1]["roster"]["units"] == {"Unit C": 1}
    for payload in ({}, {"csv": 3}):
        assert staff.post("roster_upload", payload)[1]["error"]["code"] == "BAD_REQUEST"
    assert staff.post("roster_upload", {"csv": ""})[1]["error"]["code"] == "ROSTER_INVALID"


@pytest.mark.django_db
def test_cohort_first_then_roster_then_no_unit(monkeypatch):
    units.replace_roster("course-v1:X+Y+Z", {"asn_1": "Roster unit", "b@x.id": "Email unit"})
    assert units.unit_of("course-v1:X+Y+Z", 1, "ASN_1") == "Roster unit"
    assert units.unit_of("course-v1:X+Y+Z", 2, "other", ["B@x.id"]) == "Email unit"
    assert units.unit_of("course-v1:X+Y+Z", 3, "nobody") == units.NO_UNIT
    assert units.unit_of("course-v1:OTHER+Y+Z", 1, "asn_1") == units.NO_UNIT  # per course
    monkeypatch.setattr(compat, "cohort_name", lambda course, user: "Kecamatan Karawaci" if user == 1 else None)
    assert units.unit_of("course-v1:X+Y+Z", 1, "asn_1") == "Kecamatan Karawaci"


def test_no_lms_means_no_cohort_and_default_k(settings):
    assert compat.cohort_name("course-v1:X+Y+Z", 1) is None
    assert compat.course_k("course-v1:X+Y+Z") == 10
    settings.TANGERANG_K_ANONYMITY = 1  # below 2: ignored
    assert compat.course_k("course-v1:X+Y+Z") == 10
