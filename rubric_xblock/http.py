"""One JSON handler convention for the block: POST a JSON object, get JSON back.

Errors always have the body ``{"error": {"code": "STABLE_CODE", "message": "translated"}}``
and a 4xx status. ``XBlock.json_handler``'s ``JsonHandlerError`` carries only a message, so
this module builds the webob response itself.
"""
import functools
import json

from webob import Response
from xblock.core import XBlock

from .rubric import N_, RubricError

MAX_BODY_BYTES = 256 * 1024


class ApiError(Exception):
    """A handler refusing a request: HTTP ``status``, stable ``code``, msgid ``message``."""

    def __init__(self, status, code, message, extra=None, **params):
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.params = params
        self.extra = extra or {}


def json_response(payload, status=200):
    """A webob JSON response."""
    return Response(body=json.dumps(payload).encode("utf-8"), status=status,
                    content_type="application/json", charset="utf-8")


def error_response(status, code, message, extra=None):
    """The one error shape, with ``message`` already translated; ``extra`` keys (such as an
    editor's located ``problems``) sit beside ``error``."""
    return json_response({"error": {"code": code, "message": message}, **(extra or {})}, status=status)


def json_api(func):
    """Decorate ``func(self, data, suffix)`` (``data`` a dict) into an XBlock handler.

    Only POST with a JSON object body is accepted (405 ``METHOD_NOT_ALLOWED``, 400
    ``BAD_JSON``, 400 ``REQUEST_TOO_LARGE``). ``ApiError`` and ``RubricError`` become error
    responses; their messages are translated with ``self.gettext``.
    """

    @functools.wraps(func)
    def wrapper(self, request, suffix=""):
        def fail(status, code, message, params=None, extra=None):
            text = self.gettext(message)
            if params:
                try:
                    text = text % params
                except (KeyError, TypeError, ValueError):
                    text = message % params
            return error_response(status, code, text, extra)

        if request.method != "POST":
            return fail(405, "METHOD_NOT_ALLOWED", N_("Use POST for this request."))
        if (request.content_length or 0) > MAX_BODY_BYTES:
            return fail(400, "REQUEST_TOO_LARGE", N_("The request is too large."))
        body = request.body
        if len(body) > MAX_BODY_BYTES:
            return fail(400, "REQUEST_TOO_LARGE", N_("The request is too large."))
        try:
            data = json.loads(body.decode("utf-8")) if body.strip() else {}
        except (UnicodeDecodeError, ValueError, RecursionError):
            data = None
        if not isinstance(data, dict):
            return fail(400, "BAD_JSON", N_("The request must be a JSON object."))
        try:
            return json_response(func(self, data, suffix))
        except (ApiError, RubricError) as err:
            return fail(err.status, err.code, err.message, err.params, getattr(err, "extra", None))

    return XBlock.handler(wrapper)
