"""Drive the complaint_sim learner view in a Playwright page.

Choices are found by the exact text the scenario file gives them (the browser never sees
choice ids or targets), so routes read as scenario ids: ``sim.choose("pembuka", "sapa-validasi")``.
"""
import datetime
import re
from pathlib import Path

import yaml

from complaint_sim_xblock import workdays

BULAN = ["Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September", "Oktober",
         "November", "Desember"]

ROOT = Path(__file__).resolve().parents[2]
KTP_EL = ROOT / "complaint_sim_xblock" / "scenarios" / "ktp_el_terlambat.yaml"
SCENARIO_PATH = "/scenario/complaint_sim.0/"

# Routes through the KTP-el scenario to each kind of ending (read off ktp_el_terlambat.yaml).
ROUTE_POOR = [("pembuka", "langsung-rujuk"), ("pingpong", "semua-online")]               # akhir-viral
ROUTE_GOOD = [("pembuka", "sapa-validasi"), ("dengar", "minta-bukti"), ("cek", "jujur-status"),
              ("rujuk", "rujuk-jelas"), ("uang-rokok", "tolak-jelas"), ("minta-catat", "catat-resmi"),
              ("catat", "RECORD"), ("serah-nomor", "nomor-dan-tenggat"), ("penerimaan", "tutup-hangat")]
ROUTE_FAIR = [*ROUTE_GOOD[:7], ("serah-nomor", "nomor-secepatnya"), ("kapan", "tergantung-dinas")]  # akhir-cukup
GOOD_RECORD = {
    "category": "Administrasi kependudukan", "urgency": "Tinggi", "referral": "Disdukcapil",
    "deadline_days": "5",
    "summary": "Pak Darto (RW 05) merekam ulang KTP-el pada bulan Maret, empat bulan lalu; berkas "
               "diteruskan kelurahan ke Disdukcapil tanpa kabar. Ia butuh KTP-el untuk pinjaman usaha.",
}


def _norm(text):
    return re.sub(r"\s+", " ", text).strip()


def type_date(page, date, year, month, day):
    """Type a date into a date input with the keyboard, in the segment order the control shows.

    Chromium orders the segments by its own UI language, not the page's (headless: usually
    month/day/year), so each order is tried: typing from the first segment overwrites it.
    """
    for order in ((month, day, year), (day, month, year), (year, month, day)):
        date.focus()
        page.keyboard.type("".join(order))
        if date.input_value() == f"{year}-{month}-{day}":
            return order
    raise AssertionError(f"the date input did not take {year}-{month}-{day} from the keyboard")


def load_scenario(path=KTP_EL):
    """Nodes of a scenario file by id, with choice texts normalised as the browser shows them."""
    data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    nodes = {node["id"]: node for node in data["nodes"]}
    return data, nodes


class Sim:
    """One learner's complaint_sim page."""

    def __init__(self, page, shot=None, scan=None, student="learner", path=SCENARIO_PATH):
        self.page = page
        self.shot = shot
        self.scan = scan
        self.student = student
        self.path = path
        self.data, self.nodes = load_scenario()
        self.root = page.locator(".csim")

    # --- navigation -------------------------------------------------------------------------
    def open(self, label="open"):
        """Load the scenario page as this learner and wait for the script to render."""
        self.page.goto(f"{self.page.server.url}{self.path}?student={self.student}")
        self.page.locator(".csim-body .csim-loading").wait_for(state="detached")
        self.step(label)
        return self

    def step(self, label, scan=True):
        """Screenshot (and axe scan) of the current view."""
        if self.shot:
            self.shot(self.page, label)
        if self.scan and scan:
            self.scan(self.page, label)

    def _after_action(self, act):
        """Run ``act`` (a click or key press), wait for the handler and the re-render."""
        with self.page.expect_response(lambda r: "/handler/" in r.url and r.request.method == "POST") as info:
            act()
        response = info.value
        self.page.wait_for_function(
            "() => document.activeElement && document.activeElement.classList.contains('csim-focus')")
        return response

    # --- learner actions --------------------------------------------------------------------
    def start_button(self):
        """The start / try-again button."""
        return self.root.locator("button.csim-primary")

    def start(self, label="start"):
        """Start (or restart) an attempt."""
        response = self._after_action(lambda: self.start_button().click())
        assert response.status == 200, response.text()
        self.step(label)

    def choice_text(self, node_id, choice_id):
        """The text the learner sees for a choice."""
        node = self.nodes[node_id]
        return _norm(next(c["text"] for c in node["choices"] if c["id"] == choice_id))

    def choice_button(self, node_id, choice_id):
        """The button of a choice, found by its exact visible text."""
        return self.root.get_by_role("button", name=self.choice_text(node_id, choice_id), exact=True)

    def current_line(self):
        """The text of the current node's line (citizen or narrator)."""
        return _norm(self.root.locator(".csim-line").inner_text())

    def assert_at(self, node_id):
        """The view shows ``node_id``."""
        expected = _norm(self.nodes[node_id]["text"])
        got = self.current_line()
        assert _norm(got.replace("\n", " ")) == expected, f"expected node {node_id}, saw: {got[:80]}"

    def choose(self, node_id, choice_id):
        """Click a choice at ``node_id``."""
        self.assert_at(node_id)
        response = self._after_action(lambda: self.choice_button(node_id, choice_id).click())
        assert response.status == 200, response.text()
        self.step(f"{node_id}--{choice_id}")

    def fill_record(self, record=GOOD_RECORD):
        """Fill the complaint record with the mouse and save it."""
        form = self.root.locator("form.csim-record")
        for name in ("category", "urgency", "referral"):
            form.locator(f"select[name={name}]").select_option(record[name])
        date_input = form.locator("input[name=deadline_date]")
        if date_input.count():  # a scenario with a story_date: the deadline is a date (a native date input)
            assert date_input.get_attribute("type") == "date"
            date_input.fill(record.get("deadline_date") or self.deadline_date(record["deadline_days"]))
        else:
            form.locator("input[name=deadline_days]").fill(record["deadline_days"])
        form.locator("textarea[name=summary]").fill(record["summary"])
        self.step("record-filled")
        response = self._after_action(lambda: form.locator("button[type=submit]").click())
        assert response.status == 200, response.text()
        self.step("record-saved")

    def deadline_date(self, days):
        """The date ``days`` working days after the scenario's story date, as the date input takes it."""
        story = self.data["story_date"]
        story = story if isinstance(story, datetime.date) else datetime.date.fromisoformat(str(story))
        return workdays.add_working_days(story, int(days)).isoformat()

    @staticmethod
    def long_date(iso):
        """An ISO date as an Indonesian page writes it: '2026-02-10' -> '10 Februari 2026'."""
        day = datetime.date.fromisoformat(iso)
        return f"{day.day} {BULAN[day.month - 1]} {day.year}"

    def play(self, route):
        """Follow ``route`` (pairs of node id and choice id; ``RECORD`` fills the record)."""
        for node_id, choice_id in route:
            if choice_id == "RECORD":
                self.fill_record()
            else:
                self.choose(node_id, choice_id)

    # --- what the learner sees --------------------------------------------------------------
    def debrief(self):
        """The ending heading and quality class of the debrief on screen."""
        box = self.root.locator(".csim-debrief")
        box.wait_for()
        quality = box.locator(".csim-quality").get_attribute("class")
        # the ending's own heading (a critical breach puts a section with its heading before it)
        return box.locator(":scope > h3").inner_text(), quality.split("csim-quality-")[-1]

    def ending_title(self, ending_id):
        """The title the scenario gives an ending."""
        return self.nodes[ending_id]["title"]
