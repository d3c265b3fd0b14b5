"""The one JSON handler contract of both blocks (``complaint_sim`` and ``rubric_reflection``).

Every handler of both blocks is a :func:`json_endpoint`: POST a JSON object, get a JSON object
back (a :func:`json_reader`, which writes nothing and takes no arguments, also answers GET);
every refusal is a 4xx with the body ``{"error": {"code": "STABLE_CODE", "message":
"translated"}}`` (plus extra keys such as ``problems`` or ``state`` beside ``error``).

This package holds only what the two blocks truly share: the error class, the decorator, the
codes both blocks answer, the permission checks (course staff; Studio author) and the body
limit, plus the browser side (``public/client.js``: the ``el()`` DOM helper and the JSON POST
to a handler, added to every fragment by :func:`add_client_script`). The engines' own problem
classes and string tables stay in the blocks.
It imports xblock and webob, so it is not one of the pure modules.
"""
from .codes import (
    BAD_JSON,
    BAD_REQUEST,
    INVALID,
    METHOD_NOT_ALLOWED,
    NOT_SIGNED_IN,
    RENAMED,
    REQUEST_TOO_LARGE,
    SHARED_CODES,
    STAFF_ONLY,
    TEXT_TOO_LONG,
)
from .handlers import MAX_BODY_BYTES, HandlerError, json_endpoint, json_reader, json_response
from .permissions import can_author, is_course_staff, require_author, require_staff, user_attrs
from .static import add_client_script, client_script, package_text

__all__ = [
    "BAD_JSON", "BAD_REQUEST", "INVALID", "MAX_BODY_BYTES", "METHOD_NOT_ALLOWED", "NOT_SIGNED_IN",
    "RENAMED", "REQUEST_TOO_LARGE", "SHARED_CODES", "STAFF_ONLY", "TEXT_TOO_LONG", "HandlerError",
    "add_client_script", "can_author", "client_script", "is_course_staff", "json_endpoint", "json_reader",
    "json_response", "package_text", "require_author", "require_staff", "user_attrs",
]
