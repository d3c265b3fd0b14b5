"""The rubric_reflection block in Chromium: write, autosave, reload, submit, self-assess;
staff grade (and release, where the course holds grades back); the learner sees the result
and the gap between their self assessment and the staff's.
"""
import re
import uuid

import pytest

pytestmark = pytest.mark.browser
VIEWPORTS = ["mobile", "desktop"]
DEMO_REFLECTION = "/scenario/rubric_reflection.0/"          # grade_release="immediate"
COURSE_FINAL_REFLECTION = "/scenario/course.unit-refleksi-akhir/"  # grade_release: staff

SENTENCES = [
    "Saat Pak Darto datang dengan marah, saya mempersilakan beliau duduk dan mendengarkan keluhannya sampai selesai.",
    "Saya mengakui bahwa menunggu empat bulan itu berat, tanpa membenarkan atau membantah semua faktanya.",
    "Ketika beliau menyodorkan uang rokok, saya menolak dengan sopan dan menjelaskan bahwa layanan ini gratis.",
    "Pencetakan KTP-el adalah kewenangan Disdukcapil, jadi saya mencatat pengaduannya dan meneruskannya hari itu juga.",
    "Saya memberi tanda terima bernomor dan berjanji mengabari paling lambat lima hari kerja.",
    "Lain kali saya akan lebih cepat memeriksa register berkas dan menyampaikan statusnya dengan jujur.",
    "Saya juga akan memantau berkas yang diteruskan ke dinas lain secara berkala agar warga tidak dipingpong.",
]


def reflection_text(min_words):
    """An Indonesian reflection of at least ``min_words`` words, without personal data."""
    words, text = 0, []
    while words < min_words + 5:
        sentence = SENTENCES[len(text) % len(SENTENCES)]
        text.append(sentence)
        words += len(sentence.split())
    return " ".join(text)


def name(prefix):
    return f"{prefix}_{uuid.uuid4().hex[:8]}"


class Reflection:
    """One user's view of a rubric_reflection page."""

    def __init__(self, page, path, student, shot, scan):
        self.page, self.path, self.student, self.shot, self.scan = page, path, student, shot, scan
        self.root = page.locator(".rr-block")

    def open(self, label):
        self.page.goto(f"{self.page.server.url}{self.path}?student={self.student}")
        self.root.wait_for()
        self.page.wait_for_load_state("networkidle")
        self.step(label)
        return self

    def step(self, label):
        self.shot(self.page, f"{self.student.split('_')[0]}-{label}")
        self.scan(self.page, label)

    def handler(self, name, act):
        """Run ``act`` and wait for the POST to handler ``name``; return the response."""
        with self.page.expect_response(lambda r: f"/{name}/" in r.url and r.request.method == "POST") as info:
            act()
        response = info.value
        assert response.status == 200, response.text()
        return response

    def choose_levels(self, form, levels):
        """Pick the n-th level (by position) of each criterion that has levels."""
        fieldsets = form.locator("fieldset.rr-fs")
        picked = 0
        for index in range(fieldsets.count()):
            radios = fieldsets.nth(index).locator("input[type=radio]")
            if radios.count():
                level = levels[picked % len(levels)]
                radios.nth(min(level, radios.count() - 1)).check()
                picked += 1
        return picked


def write_and_submit(learner, min_words):
    """Write (autosaved), reload (draft kept), submit, self-assess with the top levels."""
    page = learner.page
    box = learner.root.locator(".rr-step textarea")
    text = reflection_text(min_words)
    assert learner.root.locator(".rr-step button.rr-primary").first.is_disabled()
    learner.handler("save_draft", lambda: box.fill(text))
    page.wait_for_function("() => /\\d/.test(document.querySelector('.rr-status').textContent)")
    learner.step("draft-autosaved")
    learner.open("reloaded")
    assert learner.root.locator(".rr-step textarea").input_value() == text
    submit = learner.root.locator(".rr-step button.rr-primary").first
    assert submit.is_enabled()
    submit.click()
    confirm = learner.root.locator(".rr-confirm")
    confirm.wait_for()
    learner.step("confirm")
    learner.handler("submit", lambda: confirm.locator("button.rr-primary").click())
    form = learner.root.locator(".rr-step form.rr-form")
    form.wait_for()
    learner.step("self-assessment")
    criteria = learner.choose_levels(form, levels=[3])
    assert criteria >= 2
    learner.handler("self_assess", lambda: form.locator("button[type=submit]").click())
    learner.root.locator(".rr-step .rr-note").wait_for()
    learner.step("waiting")
    return text


def staff_grade(staff, learner_name, levels):
    """Open the learner's submission from the queue and grade it."""
    panel = staff.root.locator(".rr-staff")
    entry = panel.get_by_role("button", name=re.compile(re.escape(learner_name)))
    entry.wait_for()
    staff.step("queue")
    staff.handler("staff_submission", entry.click)
    form = panel.locator("form.rr-form")
    form.wait_for()
    staff.step("submission")
    staff.choose_levels(form, levels)
    comment = "Penolakan gratifikasi sudah baik; jelaskan juga cara memantau tindak lanjutnya."
    form.locator("textarea").first.fill(comment)
    staff.handler("staff_grade", lambda: form.locator("button[type=submit]").click())
    panel.locator("ul.rr-small li").first.wait_for()  # the change history appears once graded
    staff.step("graded")


def assert_result_with_gap(learner):
    result = learner.root.locator(".rr-step .rr-total")
    result.wait_for()
    assert re.search(r"\d", result.inner_text())
    gaps = learner.root.locator(".rr-step .rr-dl dd")
    texts = gaps.all_inner_texts()
    # Self assessment at the top level, staff lower: a positive gap is shown.
    assert any(t.startswith("+") for t in texts), texts
    assert learner.root.locator(".rr-step .rr-card").count() >= 2


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_reflection_write_submit_self_assess_staff_grade(open_page, shot, scan, viewport):
    learner_name, staff_name = name("learner"), name("staff")
    learner = Reflection(open_page(viewport), DEMO_REFLECTION, learner_name, shot, scan).open("open")
    assert learner.root.locator(".rr-rubric .rr-criterion").count() >= 2  # the rubric shows before writing
    write_and_submit(learner, min_words=80)

    staff = Reflection(open_page(viewport), DEMO_REFLECTION, staff_name, shot, scan).open("staff-open")
    staff_grade(staff, learner_name, levels=[1])

    learner.open("result")  # grade_release="immediate": visible at once
    assert_result_with_gap(learner)
    learner.step("result-shown")


@pytest.mark.parametrize("viewport", ["desktop"])
def test_staff_release_holds_the_grade_until_released(open_page, shot, scan, viewport):
    learner_name, staff_name = name("learnerrel"), name("staffrel")
    learner = Reflection(open_page(viewport), COURSE_FINAL_REFLECTION, learner_name, shot, scan).open("open")
    write_and_submit(learner, min_words=150)

    staff = Reflection(open_page(viewport), COURSE_FINAL_REFLECTION, staff_name, shot, scan).open("staff-open")
    staff_grade(staff, learner_name, levels=[1])

    learner.open("graded-not-released")
    assert learner.root.locator(".rr-step .rr-total").count() == 0
    assert learner.root.locator(".rr-step .rr-note").count() == 1

    staff.open("staff-before-release")
    release = staff.root.locator(".rr-staff button.rr-release-all")
    assert release.is_enabled()
    staff.handler("release_grades", release.click)  # how many would go out: the confirmation says
    confirm = staff.root.locator(".rr-staff .rr-confirm")
    confirm.wait_for()
    assert re.search(r"\b1 nilai", confirm.inner_text())
    staff.step("release-confirm")
    staff.handler("release_grades", confirm.locator("button.rr-primary").click)
    staff.step("released")

    learner.open("released")
    assert_result_with_gap(learner)
