"""The learner page does per request only what depends on the learner.

The prompt's sanitising, the rubric's parsing, the template's compiling and the page's HTML
are memoised per process by content; these tests count the calls behind them, and check
that the memo never carries one user's or one block's page to another.
"""
from unittest import mock

from rubric_support import RUBRIC, Course

from rubric_xblock import block as block_module


def _page(course, username, staff=False):
    return course.block(username, staff=staff).student_view().content


def test_second_learner_reuses_prompt_rubric_and_template(db):
    course = Course(prompt="<p>Ceritakan <b>satu</b> pengaduan yang Anda tangani.</p><script>x()</script>")
    first = _page(course, "budi")
    with mock.patch.object(block_module, "sanitize_prompt", wraps=block_module.sanitize_prompt) as sanitize, \
            mock.patch.object(block_module, "parse_rubric", wraps=block_module.parse_rubric) as parse, \
            mock.patch.object(block_module, "Engine", wraps=block_module.Engine) as engine:
        second = _page(course, "sari")
    assert second == first
    assert "<b>satu</b>" in second and "x()" not in second
    assert sanitize.call_count == 0 and parse.call_count == 0 and engine.call_count == 0


def test_changed_content_renders_anew(db):
    course = Course(prompt="<p>Versi satu</p>")
    assert "Versi satu" in _page(course, "budi")
    author = course.block(None)
    author.prompt = "<p>Versi dua</p>"
    author.rubric = {"criteria": [{**RUBRIC["criteria"][0], "label": "Empati yang ditulis ulang"},
                                  *RUBRIC["criteria"][1:]]}
    author.save()
    page = _page(course, "budi")
    assert "Versi dua" in page and "Versi satu" not in page
    assert "Empati yang ditulis ulang" in page


def test_staff_and_learner_pages_stay_apart(db):
    course = Course()
    staff_page = _page(course, "guru", staff=True)
    learner_page = _page(course, "budi")
    assert 'class="rr-staff"' in staff_page
    assert 'class="rr-staff"' not in learner_page
    assert 'class="rr-staff"' in _page(course, "guru", staff=True)


def test_the_language_is_part_of_the_key(db):
    course = Course()
    english = course.block("budi").student_view().content
    learner = course.block("budi")

    class Tagged:  # another language's catalog, through the runtime's i18n service
        def gettext(self, text):
            return f"[id] {text}"

    service = learner.runtime.service
    with mock.patch.object(learner.runtime, "service",
                           lambda block, name: Tagged() if name == "i18n" else service(block, name)):
        translated = learner.student_view().content
    assert "[id] Rubric" in translated
    assert "[id] Rubric" not in english
    assert course.block("budi").student_view().content == english  # each language's page kept apart


def test_browser_strings_are_translated_once_per_language(db):
    course = Course()
    calls = []

    class Counting:
        def gettext(self, text):
            calls.append(text)
            return text

    block_module._STRINGS.clear()
    for name in ("budi", "sari"):
        learner = course.block(name)
        service = learner.runtime.service
        with mock.patch.object(learner.runtime, "service",
                               lambda block, kind, service=service: Counting() if kind == "i18n"
                               else service(block, kind)):
            learner.student_view()
        if name == "budi":
            first = len(calls)
    from rubric_xblock.strings import BROWSER_STRINGS  # noqa: PLC0415

    assert first >= len(BROWSER_STRINGS)
    assert len(calls) - first < len(BROWSER_STRINGS)  # the second learner's page reused the table


def test_an_invalid_rubric_shows_the_error_and_is_not_memoised(db):
    course = Course()
    author = course.block(None)
    author.rubric = {"criteria": "not a list"}
    author.save()
    with mock.patch.object(block_module, "parse_rubric", wraps=block_module.parse_rubric) as parse:
        for name in ("budi", "sari"):
            page = _page(course, name)
            assert 'class="rr-error"' in page
    assert parse.call_count == 2  # an invalid rubric is parsed again, never kept
