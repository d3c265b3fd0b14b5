"""Extract, update and compile the blocks' gettext catalogs (``make translations``).

For each block package the English source strings are extracted with Babel from

* Python: ``_()``, ``N_()``, ``gettext()`` / ``self.gettext()`` and the other Babel keywords;
* Django templates (``templates/*.html``): ``{% trans %}`` / ``{% blocktrans %}``, through
  Django's own ``templatize`` (which turns a template into gettext calls);
* the shared handler contract (``xblock_json_contract``), whose messages each block shows;
* JavaScript (``public/*.js``): ``gettext()`` calls, should a script ever use one (today
  every browser string is translated in Python and passed to the script).

then merged into ``<package>/translations/<locale>/LC_MESSAGES/text.po`` for each locale
(new msgids get an empty translation, vanished ones are dropped, existing translations are
kept) and compiled to ``text.mo`` beside it, which is where the LMS's ``XBlockI18nService``
and the demo look. Files are rewritten only when their content changes (dates aside), so a
second run leaves git clean.

Usage: ``python -m tests.i18n_catalogs`` (update and compile) or ``--check`` (exit 1 if a
catalog is stale or an Indonesian translation is missing).
"""
import io
import re
import sys
from datetime import UTC, datetime
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.extract import extract_python as _extract_python
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("complaint_sim_xblock", "rubric_xblock")
# The shared handler contract's messages are shown through each block's gettext, so they
# are extracted into both blocks' catalogs.
SHARED = ("xblock_json_contract", "tangerang_units")
LOCALES = ("id", "en")
FIRST_LOCALE = "id"  # must be complete
DOMAIN = "text"
PO_WIDTH = 100
HEADER = ("# {locale} translations of the {package} XBlock.\n"
          "# Copyright (C) the project contributors. AGPL-3.0.\n"
          "# Source strings are English; update with `make translations`.\n#")


def extract_django(fileobj, keywords, comment_tags, options):
    """Babel extractor for Django templates: ``templatize`` them, then read them as Python."""
    from django.conf import settings

    if not settings.configured:
        settings.configure()
    from django.utils.translation.template import templatize

    source = fileobj.read().decode(options.get("encoding", "utf-8"))
    python = templatize(source)
    yield from _extract_python(io.BytesIO(python.encode("utf-8")), keywords, comment_tags,
                               {**options, "encoding": "utf-8"})


METHOD_MAP = [
    ("migrations/**", "ignore"),
    ("translations/**", "ignore"),
    ("**.py", "python"),
    ("templates/**.html", extract_django),
    ("public/**.js", "javascript"),
]


def package_dir(package):
    """The source folder of ``package``."""
    return ROOT / package


def catalog_path(package, locale, ext="po"):
    """``<package>/translations/<locale>/LC_MESSAGES/text.<ext>``."""
    return package_dir(package) / "translations" / locale / "LC_MESSAGES" / f"{DOMAIN}.{ext}"


def extract(package):
    """A template catalog of every source string of ``package`` (msgids, locations, flags)."""
    template = Catalog(project=package, version="0.1.0", charset="utf-8", fuzzy=False)
    keywords = {**DEFAULT_KEYWORDS, "N_": None}
    for folder in (package, *SHARED):
        found = extract_from_dir(str(package_dir(folder)), METHOD_MAP, keywords=keywords,
                                 comment_tags=("Translators:",), strip_comment_tags=True)
        prefix = "" if folder == package else f"../{folder}/"
        _add_messages(template, found, prefix)
    return template


def _add_messages(template, found, prefix):
    for filename, lineno, message, comments, context in found:
        if not message or (isinstance(message, tuple) and not all(message)):
            continue
        flags = set()
        text = message if isinstance(message, str) else message[0]
        if re.search(r"%\(\w+\)[sd]", text):
            flags.add("python-format")
        elif re.search(r"\{\w+\}", text):
            flags.add("python-brace-format")
        template.add(message, None, [(prefix + filename.replace("\\", "/"), lineno)], auto_comments=comments,
                     context=context, flags=flags)


def _po_bytes(catalog):
    out = io.BytesIO()
    write_po(out, catalog, width=PO_WIDTH, include_lineno=False, ignore_obsolete=True,
             include_previous=False, sort_output=True)
    return out.getvalue()


def _mo_bytes(catalog):
    out = io.BytesIO()
    write_mo(out, catalog, use_fuzzy=False)
    return out.getvalue()


_DATE_LINE = re.compile(rb'^"(POT-Creation-Date|PO-Revision-Date): .*\\n"\n', re.M)


def _write_if_changed(path, data, ignore_dates=False):
    """Write ``data`` unless the file already holds it (header dates aside). True if written."""
    if path.exists():
        old = path.read_bytes()
        if old == data or (ignore_dates and _DATE_LINE.sub(b"", old) == _DATE_LINE.sub(b"", data)):
            return False
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return True


def read_catalog(path, locale):
    """The catalog in a .po file."""
    with path.open("rb") as handle:
        return read_po(handle, locale=locale, domain=DOMAIN)


def update(package, locale, template):
    """Merge ``template`` into the package's .po for ``locale``; return the merged catalog."""
    path = catalog_path(package, locale)
    if path.exists():
        catalog = read_catalog(path, locale)
        catalog.update(template, no_fuzzy_matching=True, update_header_comment=False)
        catalog.obsolete.clear()
    else:
        catalog = Catalog(locale=locale, domain=DOMAIN, project=package, version="0.1.0",
                          charset="utf-8", fuzzy=False, creation_date=datetime.now(UTC))
        catalog.update(template, no_fuzzy_matching=True)
    catalog.header_comment = HEADER.format(locale=locale, package=package)
    catalog.fuzzy = False
    return catalog


def update_all(verbose=True):
    """Extract, merge and compile every package and locale; list the files written."""
    written = []
    for package in PACKAGES:
        template = extract(package)
        for locale in LOCALES:
            catalog = update(package, locale, template)
            po_path, mo_path = catalog_path(package, locale), catalog_path(package, locale, "mo")
            if _write_if_changed(po_path, _po_bytes(catalog), ignore_dates=True):
                written.append(po_path)
            # Compile from the file on disk so the .mo always matches the committed .po.
            if _write_if_changed(mo_path, _mo_bytes(read_catalog(po_path, locale))):
                written.append(mo_path)
    if verbose:
        for path in written:
            print(f"wrote {path.relative_to(ROOT)}")
        print(f"{len(written)} file(s) changed")
    return written


def msgids(catalog):
    """The msgids of a catalog (plural entries by their singular)."""
    return {m.id if isinstance(m.id, str) else m.id[0] for m in catalog if m.id}


def problems():
    """Stale catalogs and missing Indonesian translations, as readable lines."""
    found = []
    for package in PACKAGES:
        source = msgids(extract(package))
        for locale in LOCALES:
            path = catalog_path(package, locale)
            if not path.exists():
                found.append(f"{path.relative_to(ROOT)} is missing")
                continue
            catalog = read_catalog(path, locale)
            have = msgids(catalog)
            for msgid in sorted(source - have):
                found.append(f"{package} {locale}: not in the catalog (run make translations): {msgid!r}")
            for msgid in sorted(have - source):
                found.append(f"{package} {locale}: no longer in the source (run make translations): {msgid!r}")
            if locale == FIRST_LOCALE:
                for message in catalog:
                    if message.id and (not message.string or message.fuzzy or (
                            isinstance(message.string, tuple) and not all(message.string))):
                        found.append(f"{package} {locale}: untranslated or fuzzy: {message.id!r}")
    return found


def main(argv):
    """``make translations`` entry point."""
    if "--check" in argv:
        issues = problems()
        print("\n".join(issues) or "catalogs are complete and up to date")
        return 1 if issues else 0
    update_all()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
