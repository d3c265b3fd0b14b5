"""Strings the browser shows, translated on the server and passed to the page's script."""


def _(text):
    """Mark a string for extraction; it is translated where it is shown (used across the package)."""
    return text


BROWSER_STRINGS = {
    "start": _("Start the role-play"),
    "restart": _("Try again"),
    "attempt": _("Attempt {used} of {max}"),
    "attempt_unlimited": _("Attempt {used}"),
    "no_attempts_left": _("You have used all your attempts."),
    "step": _("Step {step}"),
    "citizen_says": _("{name} says:"),
    "narrator": _("Situation"),
    "your_reply": _("What do you say or do?"),
    "mood": _("Citizen's mood"),
    "mood_levels": [_("Very angry"), _("Annoyed"), _("Uneasy"), _("Calmer"), _("Satisfied")],
    "mood_rose": _("rose: {before} → {after}"),
    "mood_fell": _("fell: {before} → {after}"),
    "mood_rose_within": _("rose a little, still {after}"),
    "mood_fell_within": _("fell a little, still {after}"),
    "mood_same": _("unchanged"),
    "mood_note": _("The mood shows how the citizen feels, not whether your choice was right: "
                   "a citizen can be pleased by a wrong choice, such as accepting a bribe."),
    "record_saved": _("Record saved"),
    "record_checked_later": _("Whether it is right is shown in the debrief at the end."),
    "feedback": _("Comment on your last choice"),
    "your_choice": _("You chose"),
    "record_title": _("Complaint record"),
    "category": _("Category"),
    "urgency": _("Urgency"),
    "referral": _("Handled by / referred to"),
    "deadline_days": _("Follow-up deadline (working days)"),
    "summary": _("Summary of the complaint"),
    "summary_hint": _("What happened, where, when, who is involved, and what the citizen asks for."),
    "choose": _("Choose…"),
    "submit_record": _("Save the record"),
    "debrief": _("Debrief"),
    "ending": _("Ending"),
    "score": _("Score of this attempt"),
    # One wording for scores in both blocks (the reflection uses the same msgids).
    "points_line": _("{points} of {max} points ({percent}%)"),
    "counted_best": _("Counted for your grade: your best attempt, {score}."),
    "counted_last": _("Counted for your grade: your last attempt, {score}."),
    "path_compare": _("Your path beside the recommended one, turn by turn"),
    "basis_title": _("Legal basis of each duty"),
    "competencies": _("Competencies"),
    "duties": _("Procedural duties"),
    "status_met": _("Met"),
    "status_missed": _("Missed"),
    "status_breached": _("Breached"),
    "basis": _("Legal basis"),
    "your_path": _("Your path"),
    "model_path": _("Recommended path"),
    "model_choice": _("Recommended"),
    "good_choice": _("This was the recommended choice."),
    "expected": _("Expected"),
    "correct": _("Correct"),
    "incorrect": _("Not as expected"),
    "quality_good": _("Good outcome"),
    "quality_fair": _("Partial outcome"),
    "quality_poor": _("Poor outcome"),
    "scenario_changed": _("This role-play was updated by the course team, so your attempt starts again. "
                          "Your attempt count and best score are kept."),
    "error": _("Something went wrong. Please try again."),
    "offline": _("Could not reach the server. Check your connection and try again."),
    "working": _("Saving…"),
    # Narration steps
    "next": _("Continue"),
    # Working-day deadlines
    "deadline_date": _("Follow-up deadline (date)"),
    "deadline_date_hint": _("Counted in working days from {date}: weekends, national holidays and cuti bersama "
                            "days do not count."),
    "deadline_yours": _("Your deadline: {date} ({days} working days)"),
    "deadline_right": _("Right deadline: {date} ({expected} working days, ± {tolerance})"),
    "deadline_skipped": _("Days not counted"),
    # Dates in the learner's text: "10 Februari 2026" (the date input itself follows the browser).
    "date_long": _("{day} {month} {year}"),
    "months": [_("January"), _("February"), _("March"), _("April"), _("May"), _("June"), _("July"),
               _("August"), _("September"), _("October"), _("November"), _("December")],
    "deadline_closed": _("Offices are closed on the day you picked ({why})."),
    "kind_weekend": _("weekend"),
    "kind_holiday": _("national holiday"),
    "kind_cuti_bersama": _("cuti bersama"),
    # Critical duties
    "breach_title": _("Integrity breach"),
    "breach_turn": _("Turn {turn}: {label}"),
    "breach_model": _("The recommended route instead"),
    "capped_zero": _("Because of this breach the attempt scores 0, whatever ending it reached."),
    # Worded so that no "%" is followed by " o", " d"…: Babel would read a %-format there.
    "capped": _("Because of this breach the attempt's score is capped at {percent}%."),
    "critical": _("critical"),
    "law_berlaku": _("in force"),
    "law_diubah": _("amended"),
    "law_diganti": _("replaced"),
    "law_dicabut": _("revoked"),
    # Colleagues' choices in the debrief (issue 11)
    "peers": _("Colleagues who chose the same: {same}% · chose the recommended answer: {model}% "
               "(of {attempts} choices made here)"),
    "peers_same": _("Colleagues who chose the same: {same}% (of {attempts} choices made here)"),
}


def browser_strings(gettext):
    """BROWSER_STRINGS translated with ``gettext``."""
    return {key: [gettext(v) for v in value] if isinstance(value, list) else gettext(value)
            for key, value in BROWSER_STRINGS.items()}
