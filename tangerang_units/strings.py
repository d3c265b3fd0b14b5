"""The staff analytics view's browser strings, shared by both blocks (translated by each block's
i18n service and passed to ``public/analytics.js``). Pure: no Django, no XBlock."""
from .roster import N_

ANALYTICS_STRINGS = {
    "title": N_("Analytics for course staff"),
    "show": N_("Show the analytics"),
    "refresh": N_("Apply the filters"),
    "loading": N_("Loading…"),
    "error": N_("The analytics could not be loaded."),
    "version": N_("Scenario version"),
    "current": N_("current"),
    "unit": N_("Unit"),
    "all_units": N_("All units"),
    "no_unit": N_("No unit"),
    "from": N_("From"),
    "to": N_("To"),
    "range": N_("Period: {from} – {to}"),
    "range_from": N_("Period: from {from}"),
    "range_to": N_("Period: up to {to}"),
    "range_all": N_("Period: all dates"),
    "range_reversed": N_("The start date is after the end date: nothing falls in this period."),
    "download": N_("Download CSV"),
    "summary": N_("{learners} learners, {attempts} attempts"),
    "hidden": N_("Fewer than {k} learners in this selection: the figures are hidden to protect their privacy."),
    "hidden_units": N_("{count} units with fewer than {k} learners are not shown."),
    "empty": N_("No data yet."),
    # No "%" followed by " o", " d"… in a msgid: Babel's checker would read a %-format there.
    "legend": N_("Attempts that met the duty — green: at least 80%; yellow: 50–79%; red: under 50%."),
    "map": N_("Scenario map: how often each choice was taken"),
    "map_note": N_("The table “Choices taken at each step” holds the same figures."),
    "roster": N_("Unit roster"),
    "roster_help": N_("Where the course has no cohorts, upload a CSV file with two columns: username or email, "
                      "unit (one learner per row; a header row is allowed). Uploading replaces the course's roster; "
                      "a file with any bad row is not saved."),
    "roster_file": N_("Roster file (CSV)"),
    "roster_upload": N_("Upload the roster"),
    "roster_saved": N_("Roster saved: {entries} learners in {units} units."),
    "roster_now": N_("Roster now: {entries} learners in {units} units."),
}


def analytics_strings(gettext):
    """ANALYTICS_STRINGS translated with ``gettext``."""
    return {key: gettext(value) for key, value in ANALYTICS_STRINGS.items()}
