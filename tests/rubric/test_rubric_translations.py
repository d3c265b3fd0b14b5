"""The Indonesian catalog: complete for every msgid, and the compiled .mo matches the .po."""
import ast
import gettext
import re
from pathlib import Path

from rubric_xblock.strings import BROWSER_STRINGS

PACKAGE = Path(__file__).resolve().parents[2] / "rubric_xblock"
LC = PACKAGE / "translations" / "id" / "LC_MESSAGES"


def po_entries(path):
    """``{msgid: msgstr}`` of a .po file (no plural forms used here)."""
    entries, current, key = {}, {}, None
    for line in path.read_text(encoding="utf-8").splitlines() + [""]:
        if line.startswith(("msgid ", "msgstr ")):
            key, _, rest = line.partition(" ")
            current[key] = ast.literal_eval(rest)
        elif line.startswith('"') and key:
            current[key] += ast.literal_eval(line)
        elif not line.strip():
            if current.get("msgid"):
                entries[current["msgid"]] = current.get("msgstr", "")
            current, key = {}, None
    return entries


def source_msgids():
    """Every string marked with ``N_(...)`` or ``_(...)`` in the package's Python code."""
    found = set()
    for path in PACKAGE.glob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in ("N_", "_")
                    and node.args and isinstance(node.args[0], ast.Constant)):
                found.add(node.args[0].value)
    return found


def test_every_msgid_is_translated():
    entries = po_entries(LC / "text.po")
    missing = sorted(msgid for msgid in source_msgids() if not entries.get(msgid))
    assert not missing, missing
    assert set(BROWSER_STRINGS.values()) <= set(entries)


def test_placeholders_survive_translation():
    for msgid, msgstr in po_entries(LC / "text.po").items():
        pattern = r"%\(\w+\)s|\{\w+\}"
        assert sorted(re.findall(pattern, msgid)) == sorted(re.findall(pattern, msgstr)), msgid


def test_compiled_catalog_matches_the_po():
    with open(LC / "text.mo", "rb") as handle:
        catalog = gettext.GNUTranslations(handle)
    for msgid, msgstr in po_entries(LC / "text.po").items():
        assert catalog.gettext(msgid) == msgstr, msgid
