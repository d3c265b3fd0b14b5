"""The roster handlers and the learner's unit, mixed into both blocks (``complaint_sim``,
``rubric_reflection``): staff upload the course's roster from either block's staff view.
"""
from xblock_json_contract import BAD_REQUEST, TEXT_TOO_LONG, HandlerError, json_endpoint, package_text, require_staff

from . import roster, units
from .roster import N_

MAX_ROSTER_CHARS = 2_000_000
ROSTER_INVALID = "ROSTER_INVALID"


def course_key_of(block):
    """The block's course key (a CourseKey in the LMS), or ``""`` where usage ids are plain strings."""
    key = getattr(block.scope_ids.usage_id, "course_key", None)
    return key if key is not None else getattr(block.runtime, "course_id", None) or ""


class UnitRosterMixin:
    """``learner_unit()`` and the staff handlers ``roster_upload`` / ``roster_info``.

    The block provides ``gettext`` and a ``user`` service (``xblock_json_contract.user_attrs``).
    """

    def learner_unit(self):
        """The current learner's unit (cohort, roster, else ``""``)."""
        from xblock_json_contract import user_attrs

        attrs = user_attrs(self)
        service = self.runtime.service(self, "user")
        user = service.get_current_user() if service is not None else None
        emails = list(getattr(user, "emails", None) or ())
        return units.unit_of(course_key_of(self), attrs.get("edx-platform.user_id"),
                             attrs.get("edx-platform.username"), emails)

    @json_endpoint
    def roster_upload(self, data):
        """Replace the course's unit roster with ``{"csv": text}`` (course staff only).

        Errors: 400 BAD_REQUEST, TEXT_TOO_LONG, ROSTER_INVALID (``problems``: ``[{line, message}]``,
        nothing stored); 403 STAFF_ONLY.
        """
        require_staff(self, N_("Only course staff may upload the unit roster."))
        text = data.get("csv")
        if not isinstance(text, str):
            raise HandlerError(400, BAD_REQUEST, N_("The request is missing the roster (csv)."))
        if len(text) > MAX_ROSTER_CHARS:
            raise HandlerError(400, TEXT_TOO_LONG, N_("The roster is too long."))
        entries, problems = roster.parse(text)
        if problems:
            raise HandlerError(400, ROSTER_INVALID, N_("The roster was not saved: %(count)s rows have errors."),
                               {"count": len(problems)},
                               problems=[{"line": p.line, "message": p.text(self.gettext)} for p in problems[:200]])
        units.replace_roster(course_key_of(self), entries)
        return {"roster": units.roster_summary(course_key_of(self))}

    @json_endpoint
    def roster_info(self, data):
        """``{"roster": {"entries", "units": {unit: n}}}`` of the course (course staff only). 403 STAFF_ONLY."""
        require_staff(self, N_("Only course staff may see the unit roster."))
        return {"roster": units.roster_summary(course_key_of(self))}


def add_analytics(frag, label):
    """Add the staff analytics' container, stylesheet and script to a block's fragment
    (the block's own script mounts ``TangerangAnalytics`` on the container)."""
    from django.utils.html import format_html

    frag.add_css(package_text(__package__, "public/analytics.css"))
    frag.add_javascript(package_text(__package__, "public/analytics.js"))
    frag.add_content(format_html('<section class="tgr-analytics" aria-label="{}"></section>', label))
