"""The JSON handler decorator and its error class.

``XBlock.json_handler`` answers bad JSON with its own body and its ``JsonHandlerError``
carries only a message, so both blocks use :func:`json_endpoint` instead.
"""
import functools
import json

from webob import Response
from xblock.core import XBlock

from .codes import BAD_JSON, METHOD_NOT_ALLOWED, REQUEST_TOO_LARGE


def _(text):
    """Mark ``text`` for extraction; the block's ``gettext`` translates it when it is shown."""
    return text


# The default body limit; a block that takes larger bodies sets ``max_body_bytes`` on its
# class (the role-play's editor posts whole scenarios: a 1,000-node one is about 1 MB).
MAX_BODY_BYTES = 256 * 1024


class HandlerError(Exception):
    """A refusal: HTTP ``status``, stable ``code``, ``message`` and extra body members.

    ``message`` is an English msgid that the handler translates with the block's
    ``gettext`` and then fills with ``params`` (``%(name)s``), or a function of ``gettext``
    that returns the message already translated (an engine error that formats itself).
    ``extra`` members sit beside ``error`` in the body (``problems``, ``state``…).
    """

    def __init__(self, status, code, message, params=None, **extra):
        super().__init__(message if isinstance(message, str) else code)
        self.status = status
        self.code = code
        self.message = message
        self.params = params or {}
        self.extra = extra

    def text(self, gettext):
        """The message in the user's language, parameters filled in."""
        if callable(self.message):
            return self.message(gettext)
        text = gettext(self.message)
        if self.params:
            try:
                return text % self.params
            except (KeyError, TypeError, ValueError):  # a broken translation: show the English
                return self.message % self.params
        return text


def json_response(body, status=200):
    """A JSON webob response."""
    return Response(json.dumps(body).encode("utf-8"), status=status, content_type="application/json",
                    charset="utf-8")


def _refusal(block, error):
    body = {"error": {"code": error.code, "message": error.text(block.gettext)}, **error.extra}
    return json_response(body, error.status)


def _read_body(block, request, reads_only=False):
    """The request's JSON object; raises :class:`HandlerError` for anything else.

    A handler that ``reads_only`` also answers GET, whose body is not read: ``{}``.
    """
    if reads_only and request.method == "GET":
        return {}
    if request.method != "POST":
        if reads_only:
            raise HandlerError(405, METHOD_NOT_ALLOWED, _("Use GET or POST for this request."))
        raise HandlerError(405, METHOD_NOT_ALLOWED, _("Use POST for this request."))
    limit = getattr(block, "max_body_bytes", MAX_BODY_BYTES)
    if (request.content_length or 0) > limit or len(request.body) > limit:
        raise HandlerError(400, REQUEST_TOO_LARGE, _("The request is too large."))
    try:
        body = request.body.decode("utf-8")
        data = json.loads(body) if body.strip() else {}
        if not isinstance(data, dict):
            raise ValueError("not an object")
        if getattr(block, "refuse_lone_surrogates", True):
            # Lone surrogates ("\ud800") parse but cannot be stored or shown: refuse them here,
            # unless the block checks each text member itself and answers that member's code.
            json.dumps(data, ensure_ascii=False).encode("utf-8")
    except (ValueError, UnicodeError, RecursionError):
        raise HandlerError(400, BAD_JSON, _("The request must be a JSON object.")) from None
    return data


def json_endpoint(method):
    """Turn ``method(self, data) -> dict`` into an XBlock handler with the one error shape.

    POST only (405 ``METHOD_NOT_ALLOWED``); a JSON object body (an empty body is ``{}``) of at
    most the block's ``max_body_bytes`` (400 ``BAD_JSON`` / ``REQUEST_TOO_LARGE``), without
    lone surrogates unless the block sets ``refuse_lone_surrogates = False`` (400 ``BAD_JSON``). A
    ``method`` returns a dict (sent as JSON) or a webob ``Response`` (sent as it is: a streamed
    file after the same checks). A
    :class:`HandlerError`, or an error of a class the block lists in ``handler_refusals``
    (each with ``status``, ``code``, ``message`` and ``params``), becomes the error response,
    its message translated once with the block's ``gettext``.
    """
    return _endpoint(method, reads_only=False)


def json_reader(method):
    """:func:`json_endpoint` for a handler that writes nothing and takes no arguments: it also
    answers GET (``data`` is then ``{}``; any other method but POST is 405), so that a page can ask
    for it before its scripts run (``<link rel="preload" as="fetch">``). Its answers are never
    reused from a cache without asking again (``Cache-Control: private, no-cache``).
    """
    return _endpoint(method, reads_only=True)


def _endpoint(method, reads_only):
    @XBlock.handler
    @functools.wraps(method)
    def wrapper(self, request, suffix=""):
        refusals = getattr(self, "handler_refusals", ())
        try:
            result = method(self, _read_body(self, request, reads_only))
            # A handler that answers with a file (a streamed CSV) returns its own Response.
            response = result if isinstance(result, Response) else json_response(result)
        except HandlerError as error:
            response = _refusal(self, error)
        except refusals as error:
            response = _refusal(self, HandlerError(error.status, error.code, error.message, error.params))
        if reads_only:
            response.cache_control = "private, no-cache"
        return response
    wrapper.reads_only = reads_only
    return wrapper
