"""Translations: complete Indonesian catalogs, fresh against the source, compiled, and used.

* Stale: the source strings are re-extracted with Babel into a temporary folder and their
  msgids compared with each shipped .po (``make translations`` fixes a difference).
* Complete: every msgid has a non-fuzzy Indonesian translation with the same placeholders.
* Compiled: each shipped .mo gives exactly the .po's translations.
* Used: the demo (course_export.demo.settings) shows Indonesian by default and English with
  ``DEMO_LANGUAGE=en``, through the demo i18n service, like the LMS's XBlockI18nService.
"""
import gettext
import os
import re
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import i18n_catalogs as catalogs
import pytest
from babel.messages.pofile import write_po

ROOT = Path(__file__).resolve().parents[1]
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|\{\w*\}")
CASES = [(package, locale) for package in catalogs.PACKAGES for locale in catalogs.LOCALES]


@pytest.fixture(scope="module")
def extracted(tmp_path_factory):
    """Each package's source strings, extracted afresh into a temporary .pot and read back."""
    folder = tmp_path_factory.mktemp("pot")
    found = {}
    for package in catalogs.PACKAGES:
        path = folder / f"{package}.pot"
        with path.open("wb") as handle:
            write_po(handle, catalogs.extract(package), width=catalogs.PO_WIDTH)
        found[package] = catalogs.msgids(catalogs.read_catalog(path, None))
    return found


@pytest.mark.parametrize(("package", "locale"), CASES)
def test_catalog_is_not_stale(extracted, package, locale):
    shipped = catalogs.msgids(catalogs.read_catalog(catalogs.catalog_path(package, locale), locale))
    source = extracted[package]
    assert sorted(source - shipped) == [], "strings missing from the catalog: run `make translations`"
    assert sorted(shipped - source) == [], "strings no longer in the source: run `make translations`"


@pytest.mark.parametrize("package", catalogs.PACKAGES)
def test_every_string_has_an_indonesian_translation(package):
    catalog = catalogs.read_catalog(catalogs.catalog_path(package, "id"), "id")
    untranslated = [m.id for m in catalog if m.id and (not m.string or m.fuzzy)]
    assert untranslated == []
    for message in catalog:
        if message.id:
            assert sorted(PLACEHOLDER.findall(message.id)) == sorted(PLACEHOLDER.findall(message.string)), \
                f"placeholders differ: {message.id!r} -> {message.string!r}"


@pytest.mark.skipif(shutil.which("msgfmt") is None, reason="GNU gettext's msgfmt is not installed")
@pytest.mark.parametrize(("package", "locale"), CASES)
def test_gnu_msgfmt_accepts_the_catalog(package, locale):
    """What Django's ``compilemessages`` and Open edX's translation pipeline run (``msgfmt
    --check-format``): a literal "60 % or more" in a msgid reads as a format, and a msgstr that
    does not match it makes the whole catalog fail to compile there."""
    result = subprocess.run(["msgfmt", "--check-format", "-o", os.devnull, str(catalogs.catalog_path(package, locale))],
                            capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize(("package", "locale"), CASES)
def test_babel_finds_no_format_mismatch(package, locale):
    """Babel's own checker (``Catalog.check``, what ``pybabel compile`` reports) reads a "%"
    followed by " o", " d", "s"… in a msgid as a %-format ("80% of" is "% o") and then finds the
    translation's placeholders incompatible: literal percentages are worded so that it does not."""
    catalog = catalogs.read_catalog(catalogs.catalog_path(package, locale), locale)
    found = [(message.id, [str(error) for error in errors]) for message, errors in catalog.check()]
    assert found == []


@pytest.mark.parametrize(("package", "locale"), CASES)
def test_compiled_catalog_matches_the_po(package, locale):
    catalog = catalogs.read_catalog(catalogs.catalog_path(package, locale), locale)
    with catalogs.catalog_path(package, locale, "mo").open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    for message in catalog:
        if message.id:
            assert compiled.gettext(message.id) == (message.string or message.id), message.id


def test_browser_strings_are_all_in_the_catalogs(extracted):
    """Strings the scripts show come from Python dicts; each is a msgid."""
    from complaint_sim_xblock.strings import BROWSER_STRINGS as SIM
    from rubric_xblock.strings import BROWSER_STRINGS as RUBRIC

    sim = {t for v in SIM.values() for t in (v if isinstance(v, list) else [v])}
    assert sim <= extracted["complaint_sim_xblock"]
    assert set(RUBRIC.values()) <= extracted["rubric_xblock"]


@pytest.mark.parametrize(("locale", "months", "written"), [
    ("id", ["Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September", "Oktober",
            "November", "Desember"], "10 Februari 2026"),
    ("en", ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
            "November", "December"], "10 February 2026"),
])
def test_the_record_steps_dates_are_written_as_the_language_writes_them(locale, months, written):
    """The role-play's script writes 2026-02-10 with the catalog's month names and order
    (complaint_sim.js ``longDate``), not as an ISO date."""
    from complaint_sim_xblock.strings import browser_strings

    with catalogs.catalog_path("complaint_sim_xblock", locale, "mo").open("rb") as handle:
        strings = browser_strings(gettext.GNUTranslations(handle).gettext)
    assert strings["months"] == months
    assert strings["date_long"].format(day=10, month=strings["months"][1], year=2026) == written
    script = (ROOT / "complaint_sim_xblock" / "public" / "complaint_sim.js").read_text(encoding="utf-8")
    for shown in ("dated.story_date", "d.date", "d.right_date", "day.date"):  # each date the learner reads
        assert f"longDate({shown})" in script, shown


def english_literals(script_text):
    """String literals in a script that read as prose: two or more plain words.

    Class lists ("csim-line csim-good"), selectors and "use strict" are not prose.
    """
    code = re.sub(r"/\*.*?\*/|^\s*//[^\n]*", "", script_text, flags=re.S | re.M)
    literals = [a or b for a, b in re.findall(r"\"([^\"\\\n]*)\"|'([^'\\\n]*)'", code)]
    plain_word = re.compile(r"[A-Za-z]{2,}[.,:;!?…]?")

    def selector_list(text):  # "input, select, textarea": one token between commas
        return "," in text and all(len(part.split()) == 1 for part in text.split(","))

    return [text for text in literals
            if text != "use strict" and not selector_list(text)
            and sum(bool(plain_word.fullmatch(w)) for w in text.split()) >= 2]


def test_prose_check_finds_english():
    script = 'el("p", {text: "Start the role-play"}); q(".csim-body .x"); q("input, select"); "Yes, submit it"'
    assert english_literals(script) == ["Start the role-play", "Yes, submit it"]


def test_scripts_have_no_untranslated_words():
    """The blocks' scripts build text only from translated strings (no English literals)."""
    scripts = [*ROOT.glob("complaint_sim_xblock/public/*.js"), *ROOT.glob("rubric_xblock/public/*.js"),
               *ROOT.glob("xblock_json_contract/public/*.js")]
    assert scripts
    for script in scripts:
        prose = english_literals(script.read_text(encoding="utf-8"))
        assert prose == [], f"{script.name} has English text outside the translated strings: {prose}"


RENDER = textwrap.dedent("""
    import sys
    import django
    django.setup()
    from django.core.management import call_command
    from django.test import Client
    call_command("migrate", verbosity=0, interactive=False)
    client = Client()
    for path in sys.argv[1:]:
        response = client.get(path)
        assert response.status_code == 200, (path, response.status_code)
        sys.stdout.write(response.content.decode("utf-8"))
""")


def render_demo(language, *paths):
    """HTML of workbench pages rendered by a fresh demo process in ``language`` (None: default)."""
    # An in-memory database (one connection in that process): migrating and the workbench's
    # first page, which stores every scenario block, write thousands of rows; on disk each
    # commit waits for the disk, which made this test take 20-60 s on a busy machine.
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "course_export.demo.settings", "DEMO_DATABASE": ":memory:"}
    env.pop("DEMO_LANGUAGE", None)
    if language:
        env["DEMO_LANGUAGE"] = language
    result = subprocess.run([sys.executable, "-c", RENDER, *paths], env=env, cwd=ROOT,
                            capture_output=True, text=True, timeout=180, check=False)
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout


SIM_PAGE = "/scenario/complaint_sim.0/?student=lang_check"
RUBRIC_PAGE = "/scenario/rubric_reflection.0/?student=lang_check"


@pytest.mark.integration  # a child demo process: migrations and every workbench scenario
def test_demo_is_indonesian_by_default():
    html = render_demo(None, SIM_PAGE, RUBRIC_PAGE)
    assert '"start": "Mulai bermain peran"' in html
    assert '"your_reply": "Apa yang Anda katakan atau lakukan?"' in html
    assert "Memuat bermain peran" in html
    assert "Start the role-play" not in html
    assert "Rubrik" in html


@pytest.mark.integration
def test_demo_follows_demo_language_en():
    html = render_demo("en", SIM_PAGE, RUBRIC_PAGE)
    assert '"start": "Start the role-play"' in html
    assert "Loading the role-play" in html
    assert "Mulai bermain peran" not in html
    assert ">Rubric<" in html
