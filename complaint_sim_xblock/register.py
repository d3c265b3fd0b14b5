"""The register of the law the role-plays cite, and the citations built from it.

Pure Python: imports neither Django nor XBlock. The register ships in the package
(``law/register.yaml``); a course adds entries in ``course_export/sources/<course>/law-register.yaml``
and a scenario in its own ``laws:`` list (same shape). :mod:`complaint_sim_xblock.scenario` reads
and validates the entries with the schema's ``LAW`` fields; this module looks them up, turns a
duty's ``basis`` into full citations, lists the *cuti bersama* days and renders the register as
HTML for a course page. The package register is read once per process: it is package data and
never changes while the process runs.
"""
import datetime
import functools
import html
import json
from importlib import resources

from . import bounded_yaml

REGISTER_FILE = "law/register.yaml"
STATUS_TEXT = {  # Indonesian: the register page is course content, in the course's language
    "berlaku": "berlaku", "diubah": "diubah oleh {others}", "diganti": "diganti oleh {others}",
    "dicabut": "dicabut", "dicabut_by": "dicabut oleh {others}",
}


BULAN = ("Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September", "Oktober",
         "November", "Desember")


def tanggal(iso):
    """An ISO date as Indonesians write it: '2026-12-01' -> '1 Desember 2026' (other text unchanged)."""
    try:
        day = datetime.date.fromisoformat(str(iso))
    except ValueError:
        return str(iso)
    return f"{day.day} {BULAN[day.month - 1]} {day.year}"


def _plain(data):
    """YAML data as plain JSON data (dates become ISO text)."""
    return json.loads(json.dumps(data, default=str))


def parse_register(text):
    """Register data from YAML text (not yet validated)."""
    data = bounded_yaml.safe_load(text) or {}
    return _plain(data) if isinstance(data, dict) else data


@functools.cache
def package_register():
    """The register shipped in the package, as plain data ``{laws, cuti_bersama, maladministration}``."""
    text = resources.files(__package__).joinpath(REGISTER_FILE).read_text(encoding="utf-8")
    return parse_register(text)


@functools.cache
def _package_laws():
    return {law["id"]: law for law in package_register().get("laws", ())}


def laws_by_id(extra=()):
    """Register entries by id: the package's, then ``extra`` (a scenario's or course's ``laws``)."""
    laws = dict(_package_laws())
    for law in extra or ():
        if isinstance(law, dict) and isinstance(law.get("id"), str):
            laws[law["id"]] = law
    return laws


def maladministration():
    """Ombudsman maladministration categories by id: their labels."""
    return {m["id"]: m["label"] for m in package_register().get("maladministration", ())}


@functools.cache
def cuti_bersama():
    """Joint leave days by ISO date: their labels."""
    return {str(day["date"]): day["label"] for day in package_register().get("cuti_bersama", ())}


def name(law):
    """The regulation's name without its subject: 'Undang-Undang Nomor 25 Tahun 2009'."""
    return law["title"].split(" tentang ", 1)[0].split(" (", 1)[0]


def successor(law, laws):
    """The entry that replaces or revokes ``law``, or None."""
    return laws.get(law.get("replaced_by")) if law.get("replaced_by") else None


def cite(citation, laws):
    """A full citation: the entry's title, status and source beside the article."""
    if "note" in citation:
        return {"note": citation["note"], "text": citation["note"]}
    law = laws.get(citation.get("law"))
    if law is None:
        return {"law": citation.get("law"), "article": citation.get("article", ""), "text": citation.get("law", "")}
    article = citation.get("article", "")
    return {"law": law["id"], "article": article, "title": law["title"], "name": name(law),
            "status": law["status"], "replaced_by": law.get("replaced_by"), "url": law.get("url", ""),
            "text": f"{name(law)}{', ' + article if article else ''}"}


def citations(basis, laws):
    """A duty's ``basis`` as full citations; a legacy text basis is one note."""
    if isinstance(basis, str):
        return [{"note": basis, "text": basis}] if basis else []
    return [cite(c, laws) for c in basis or ()]


def cited_ids(duties):
    """Ids of the register entries that ``duties`` cite, in order of first citation."""
    seen = []
    for duty in duties:
        basis = duty.get("basis")
        for citation in basis if isinstance(basis, list) else ():
            if isinstance(citation, dict) and citation.get("law") and citation["law"] not in seen:
                seen.append(citation["law"])
    return seen


def status_text(law, laws):
    """The status in words: 'diganti oleh Undang-Undang Nomor 20 Tahun 2023'."""
    status = law["status"]
    if status == "diubah":
        others = ", ".join(name(laws[i]) if i in laws else i for i in law.get("amended_by", ()))
        return STATUS_TEXT["diubah"].format(others=others) if others else "diubah"
    if status in ("diganti", "dicabut") and law.get("replaced_by"):
        other = laws.get(law["replaced_by"])
        key = "diganti" if status == "diganti" else "dicabut_by"
        return STATUS_TEXT[key].format(others=name(other) if other else law["replaced_by"])
    return STATUS_TEXT.get(status, status)


def register_html(ids, laws):
    """An HTML list of the register entries ``ids`` (title, status, source, last checked, then the
    entry's note: what the check rested on)."""
    items = []
    for law_id in ids:
        law = laws.get(law_id)
        if law is None:
            continue
        parts = [f"<strong>{html.escape(law['title'])}</strong>", f"<em>{html.escape(status_text(law, laws))}</em>"]
        if law.get("url"):
            parts.append(f'<a href="{html.escape(law["url"], quote=True)}">sumber</a>')
        parts.append(f"diperiksa {html.escape(tanggal(law['checked']))}" if law.get("checked") else "belum diperiksa")
        note = f"<br/><small>Catatan: {html.escape(law['note'])}</small>" if law.get("note") else ""
        items.append("<li>" + " — ".join(parts) + note + "</li>")
    return "<ul>" + "".join(items) + "</ul>" if items else ""
