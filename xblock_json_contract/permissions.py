"""Who may call a handler: course staff, and Studio authors.

The LMS's user service sets ``edx-platform.user_is_staff``. **Studio's does not**:
``load_services_for_studio`` builds ``DjangoXBlockUserService(user)`` without
``user_is_staff``, so that attribute is always ``False`` in Studio's edit modal
(openedx-platform ``cms/djangoapps/contentstore/utils.py``,
``common/djangoapps/xblock_django/user_service.py``). Studio instead offers the
``studio_user_permissions`` service (``can_write(course_key)``), so an author is a user for
whom either ``user_is_staff`` is true or that service says they can write the course. With
neither (no user service, a learner in the LMS, an anonymous user) the answer is 403
``STAFF_ONLY``. A block that uses :func:`can_author` declares
``@XBlock.wants("studio_user_permissions")``.
"""
import logging

from .codes import STAFF_ONLY
from .handlers import HandlerError

log = logging.getLogger(__name__)


def user_attrs(block):
    """The current user's ``opt_attrs`` from the runtime's user service (``{}`` without one)."""
    service = block.runtime.service(block, "user")
    if service is None:
        return {}
    return getattr(service.get_current_user(), "opt_attrs", None) or {}


def is_course_staff(block):
    """True when the user service says the current user is course staff."""
    return user_attrs(block).get("edx-platform.user_is_staff") is True


def can_author(block):
    """Course staff (LMS) or a user who may write the course (Studio); see the module doc."""
    if is_course_staff(block):
        return True
    permissions = block.runtime.service(block, "studio_user_permissions")
    course_key = getattr(block.scope_ids.usage_id, "context_key", None)
    if permissions is None or course_key is None:
        return False
    try:
        return bool(permissions.can_write(course_key))
    except Exception:  # noqa: BLE001  (a broken permission check must refuse, not 500)
        log.exception("studio_user_permissions.can_write failed")
        return False


def require_staff(block, message):
    """403 ``STAFF_ONLY`` with ``message`` (a msgid) unless the user is course staff."""
    if not is_course_staff(block):
        raise HandlerError(403, STAFF_ONLY, message)


def require_author(block, message):
    """403 ``STAFF_ONLY`` with ``message`` (a msgid) unless the user may edit the block."""
    if not can_author(block):
        raise HandlerError(403, STAFF_ONLY, message)
