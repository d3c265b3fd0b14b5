"""JSON handlers with one error shape: ``{"error": {"code": ..., "message": ...}}``.

``XBlock.json_handler`` answers bad JSON with its own body and offers no error code, so the
block's handlers use :func:`json_endpoint` instead: POST only (405), a JSON object body of at
most 4 MB without lone surrogates (400 ``BAD_JSON`` / ``REQUEST_TOO_LARGE``), and
:class:`HandlerError` for every refusal, optionally with the learner's current state so a
stale page can catch up (409).
"""
import functools
import json

from webob import Response
from xblock.core import XBlock

# The editor posts whole scenarios (a 1,000-node one is about 1 MB of JSON).
MAX_BODY_BYTES = 4 * 1024 * 1024


class HandlerError(Exception):
    """A refusal: HTTP status, stable code, English message template, optional extra body."""

    def __init__(self, status, code, message, **extra):
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.extra = extra


def json_response(body, status=200):
    """A JSON webob response."""
    return Response(json.dumps(body), status=status, content_type="application/json", charset="utf-8")


def json_endpoint(method):
    """Turn ``method(self, data) -> dict`` into an XBlock handler with our error shape.

    The handler translates error messages with the block's ``gettext``.
    """
    @XBlock.handler
    @functools.wraps(method)
    def wrapper(self, request, suffix=""):
        if request.method != "POST":
            return json_response({"error": {"code": "METHOD_NOT_ALLOWED",
                                            "message": self.gettext("Use POST.")}}, 405)
        if (request.content_length or 0) > MAX_BODY_BYTES or len(request.body) > MAX_BODY_BYTES:
            return json_response({"error": {"code": "REQUEST_TOO_LARGE",
                                            "message": self.gettext("The request is too large.")}}, 400)
        try:
            data = json.loads(request.body.decode("utf-8") or "{}")
            if not isinstance(data, dict):
                raise ValueError("not an object")
            # Lone surrogates ("\ud800") parse but cannot be stored or shown: refuse them here.
            json.dumps(data, ensure_ascii=False).encode("utf-8")
        except (ValueError, UnicodeError, RecursionError):
            return json_response({"error": {"code": "BAD_JSON",
                                            "message": self.gettext("The request is not valid JSON.")}}, 400)
        try:
            return json_response(method(self, data))
        except HandlerError as error:
            body = {"error": {"code": error.code, "message": self.gettext(error.message)}, **error.extra}
            return json_response(body, error.status)
    return wrapper
