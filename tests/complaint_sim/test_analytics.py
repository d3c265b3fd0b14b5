"""Issue 11 in the role-play: units, aggregates recorded once per ending, staff analytics with
k-anonymity, the debrief's colleague shares, and the ending event's new fields."""
import pytest

from complaint_sim_xblock.aggregates import ALL_DAYS
from complaint_sim_xblock.models import RoleplayCounter
from tests.complaint_sim.test_run_table import GOOD_RECORD, Learner

GOOD = [("datang", "sapa"), ("tanya", "catat"), ("rekam", None), ("tutup", "nomor")]
FAIR = [("datang", "sapa"), ("tanya", "catat"), ("rekam", None), ("tutup", "pulang")]
POOR = [("datang", "ketus"), ("tanya", "usir")]


class Person(Learner):
    """One user of the block (a learner, or staff), each request a fresh block as in the LMS."""

    def play(self, route, attempt=1):
        assert self.post("start", {"attempt": attempt})[0] == 200
        body = None
        for step, (node, choice) in enumerate(route):
            if choice is None:
                status, body = self.post("record", {"node": node, "step": step, "record": GOOD_RECORD})
            else:
                status, body = self.post("choose", {"node": node, "step": step, "choice": choice})
            assert status == 200, body
        return body["state"]


@pytest.fixture
def k3(settings):
    settings.TANGERANG_K_ANONYMITY = 3
    return 3


@pytest.fixture
def staff(db, mini_data):
    return Person(mini_data, "staff_bkpsdm", staff=True)


def roster(staff, text):
    return staff.post("roster_upload", {"csv": text})


def counter(metric, item="", **where):
    """The all-time count; the day rows must add up to the same."""
    rows = RoleplayCounter.objects.filter(metric=metric, item=item, **where)
    total = sum(rows.filter(day=ALL_DAYS).values_list("n", flat=True))
    assert sum(rows.exclude(day=ALL_DAYS).values_list("n", flat=True)) == total
    return total


def test_an_ending_is_recorded_once_with_its_unit_and_the_event_carries_the_contract_fields(staff, mini_data):
    assert roster(staff, "username,unit\nasn_1,Kecamatan Ciledug\n")[0] == 200
    learner = Person(mini_data, "asn_1")
    learner.play(GOOD)
    [ending] = learner.events("edx.complaint_sim.ending")
    assert ending["unit"] == "Kecamatan Ciledug"
    assert ending["scenario_version"] == learner.request().compiled().digest
    assert ending["duties"] == {"sapa": "met", "nomor": "met"}
    assert ending["competencies"] == {"empati": [2, 2], "prosedur": [1, 1]}
    assert counter("attempts", unit="Kecamatan Ciledug") == 1
    assert counter("choice", "tutup|nomor") == 1 and counter("ending", "baik") == 1
    assert counter("record", "rekam|summary") == 1
    # A repeated final choice (a second tab) is a 409 and adds nothing.
    status, _body = learner.post("choose", {"node": "tutup", "step": 3, "choice": "nomor"})
    assert status == 409
    assert counter("attempts") == 1 and len(learner.events("edx.complaint_sim.ending")) == 1


def test_a_learner_in_no_roster_is_tanpa_unit(staff, mini_data):
    learner = Person(mini_data, "asn_9")
    learner.play(POOR)
    assert learner.events("edx.complaint_sim.ending")[0]["unit"] == ""
    assert counter("attempts", unit="") == 1


def test_first_and_best_attempts(staff, mini_data, k3):
    for name in ("a", "b", "c"):
        person = Person(mini_data, name)
        person.play(POOR)
        person.play(GOOD, attempt=2)
    status, body = staff.post("analytics", {})
    assert status == 200, body
    [first_best] = [t for t in body["report"]["tables"] if t["id"] == "first_best"]
    learners, first, best, every = first_best["rows"][0]
    assert learners == 3 and first == "0.0 %" and best == "100.0 %" and every == "50.0 %"


def test_analytics_are_for_staff_only(staff, mini_data):
    learner = Person(mini_data, "asn_1")
    for handler in ("analytics", "roster_upload", "roster_info"):
        status, body = learner.post(handler, {"csv": "a,b"})
        assert (status, body["error"]["code"]) == (403, "STAFF_ONLY"), handler


def test_k_anonymity_hides_small_populations_and_units(staff, mini_data, k3):
    assert roster(staff, "username;unit\n" + "".join(f"l{i};Kelurahan Sudimara\n" for i in range(4))
                  + "m0;Kelurahan Paninggilan\nm1;Kelurahan Paninggilan\n")[0] == 200
    for i in range(2):
        Person(mini_data, f"l{i}").play(GOOD)
    status, body = staff.post("analytics", {})
    assert body["report"]["hidden"] is True and body["report"]["tables"] == []  # 2 learners < k = 3
    for name in ("l2", "l3", "m0", "m1"):
        Person(mini_data, name).play(POOR if name.startswith("m") else FAIR)
    status, body = staff.post("analytics", {})
    report = body["report"]
    assert report["hidden"] is False and report["learners"] == 6 and report["hidden_units"] == 1
    [heat] = [t for t in report["tables"] if t["id"] == "heatmap"]
    assert [row[0] for row in heat["rows"]] == ["Kelurahan Sudimara"]  # Paninggilan has 2 < 3
    assert heat["rows"][0][1:3] == [4, 4]
    # Duties in id order (nomor, sapa): nomor met 2 of 4, sapa 4 of 4; 75 % overall: yellow.
    assert [cell["band"] for cell in heat["rows"][0][3:]] == ["yellow", "yellow", "green"]
    assert heat["rows"][0][3]["text"].startswith("75.0 %") and heat["rows"][0][4]["text"] == "50.0 %"
    # Filtered to the small unit: the whole view is hidden.
    status, body = staff.post("analytics", {"unit": "Kelurahan Paninggilan"})
    assert status == 200 and body["report"]["hidden"] is True and body["report"]["tables"] == []
    assert body["units"] == ["Kelurahan Paninggilan", "Kelurahan Sudimara"]
    [choices] = [t for t in report["tables"] if t["id"] == "choices"]
    assert ["tanya", "Silakan pulang saja.", 2, "33.3 %"] in choices["rows"]
    assert report["map"]["datang"] == {"sapa": 4, "ketus": 2}


def test_bad_filters_are_400(staff):
    for payload in ({"from": "kemarin"}, {"unit": 5}, {"version": ["x"]}, {"to": 20260101}):
        status, body = staff.post("analytics", payload)
        assert (status, body["error"]["code"]) == (400, "BAD_REQUEST"), payload


def test_date_range_filters_days(staff, mini_data, k3, monkeypatch):
    import datetime

    from complaint_sim_xblock import aggregates

    for day, names in ((datetime.date(2026, 11, 2), "abc"), (datetime.date(2026, 11, 20), "def")):
        monkeypatch.setattr(aggregates, "today", lambda day=day: day)
        for name in names:
            Person(mini_data, name).play(GOOD if day.day == 2 else POOR)
    status, body = staff.post("analytics", {"from": "2026-11-10", "to": "2026-11-30"})
    report = body["report"]
    assert report["learners"] == 3 and report["map"]["datang"] == {"ketus": 3}
    status, body = staff.post("analytics", {"to": "2026-11-02"})
    assert body["report"]["map"]["datang"] == {"sapa": 3}


def test_a_scenario_edit_starts_a_new_version_and_keeps_the_old_figures(staff, mini_data, k3):
    for name in "abc":
        Person(mini_data, name).play(GOOD)
    old = staff.post("analytics", {})[1]["version"]
    edited = {**mini_data, "title": "Antrean printer rusak (revisi)"}
    editor = Person(edited, "staff_bkpsdm", staff=True)
    body = editor.post("analytics", {})[1]
    assert body["version"] != old and body["report"]["attempts"] == 0
    assert [v["version"] for v in body["versions"]] == [old]
    again = editor.post("analytics", {"version": old})[1]
    assert again["report"]["attempts"] == 3


def test_debrief_shares_only_above_k_and_only_after_the_ending(staff, mini_data, k3):
    for name in "abc":
        Person(mini_data, name).play(GOOD)
    fourth = Person(mini_data, "d")
    state = fourth.play(POOR)
    turns = [t for t in state["debrief"]["turns"] if t["type"] == "dialogue"]
    # 3 colleagues + this attempt = 4 choices at datang (> k = 3); at tanya too.
    assert turns[0]["peers"] == {"attempts": 4, "same": 25.0, "model": 75.0}
    fifth = Person(mini_data, "e")
    assert fifth.post("start", {"attempt": 1})[0] == 200
    status, body = fifth.post("choose", {"node": "datang", "step": 0, "choice": "sapa"})
    assert body["state"]["debrief"] is None and "peers" not in str(body["state"]["view"])


def test_debrief_shares_hidden_at_or_below_k(staff, mini_data, k3):
    for name in "ab":
        Person(mini_data, name).play(GOOD)
    state = Person(mini_data, "c").play(GOOD)
    assert all(t.get("peers") is None for t in state["debrief"]["turns"] if t["type"] == "dialogue")


def test_the_view_reads_per_unit_only_what_the_units_table_needs(staff, mini_data, k3):
    """The counter read returns the units table's metrics per unit and every other figure summed
    over the units, and the report made from it is the one the per-unit rows give."""
    from django.db.models import Sum

    from complaint_sim_xblock import aggregates, register, tallies
    from tests.complaint_sim.test_run_table import USAGE

    assert roster(staff, "username,unit\n" + "".join(f"a{i},Kelurahan Gaga\nb{i},Kelurahan Kreo\n"
                                                      for i in range(3)))[0] == 200
    for i in range(3):
        Person(mini_data, f"a{i}").play(GOOD)
        Person(mini_data, f"b{i}").play(POOR if i else FAIR)
    version = staff.request().compiled().digest
    rows = aggregates.summed(USAGE, version)
    by_metric = {}
    for row in rows:
        by_metric.setdefault(row["metric"], set()).add(row["unit"])
    assert by_metric["attempts"] == by_metric["duty"] == {"Kelurahan Gaga", "Kelurahan Kreo"}
    assert by_metric["choice"] == by_metric["ending"] == by_metric["competency"] == {None}
    assert {r["item"]: r["n"] for r in rows if r["metric"] == "choice"}["datang|sapa"] == 4
    per_unit = [{"unit": u, "metric": m, "item": i, "n": n, "total": t, "total2": t2} for u, m, i, n, t, t2 in
                RoleplayCounter.objects.filter(usage_key=USAGE, scenario_version=version, day=ALL_DAYS)
                .values("unit", "metric", "item").annotate(n=Sum("n"), total=Sum("total"), total2=Sum("total2"))
                .values_list("unit", "metric", "item", "n", "total", "total2")]
    assert len(rows) < len(per_unit)
    scenario, categories = staff.request().compiled(), register.maladministration()
    assert (tallies.report(scenario, rows, 3, str, categories)
            == tallies.report(scenario, per_unit, 3, str, categories))
    status, body = staff.post("analytics", {})
    assert status == 200 and body["units"] == ["Kelurahan Gaga", "Kelurahan Kreo"]


def test_the_versions_list_has_each_versions_attempts_and_first_and_last_day(staff, mini_data, k3, monkeypatch):
    import datetime

    from complaint_sim_xblock import aggregates

    for day, names in ((datetime.date(2026, 11, 2), "ab"), (datetime.date(2026, 11, 20), "c"),
                       (datetime.date(2026, 11, 9), "d")):
        monkeypatch.setattr(aggregates, "today", lambda day=day: day)
        for name in names:
            Person(mini_data, name).play(GOOD)
    old = staff.request().compiled().digest
    monkeypatch.setattr(aggregates, "today", lambda: datetime.date(2026, 11, 25))
    Person({**mini_data, "title": "Antrean printer rusak (revisi)"}, "e").play(POOR)
    status, body = staff.post("analytics", {})
    assert status == 200
    assert [(v["version"] == old, v["attempts"], v["first_day"], v["last_day"]) for v in body["versions"]] == [
        (False, 1, "2026-11-25", "2026-11-25"), (True, 4, "2026-11-02", "2026-11-20")]
