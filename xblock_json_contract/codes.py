"""The error codes both blocks answer with, one spelling each (the README's table lists them).

A block-specific refusal (``NO_ATTEMPTS_LEFT``, ``ALREADY_SUBMITTED``, …) keeps its own code
in its block; a situation both blocks meet uses the code below and nothing else.
"""

METHOD_NOT_ALLOWED = "METHOD_NOT_ALLOWED"  # 405: a handler was called with another method than POST
BAD_JSON = "BAD_JSON"  # 400: the body is not a JSON object (or holds lone surrogates, or nests too deep)
REQUEST_TOO_LARGE = "REQUEST_TOO_LARGE"  # 400: the body is over the block's limit
BAD_REQUEST = "BAD_REQUEST"  # 400: a required member is missing or of the wrong type
TEXT_TOO_LONG = "TEXT_TOO_LONG"  # 400: a text member is longer than its limit
NOT_SIGNED_IN = "NOT_SIGNED_IN"  # 403: the handler needs a signed-in learner
STAFF_ONLY = "STAFF_ONLY"  # 403: the handler needs course staff (or, for an editor, a Studio author)
INVALID = "INVALID"  # 400: an editor save was refused; the body's ``problems`` say why

SHARED_CODES = (METHOD_NOT_ALLOWED, BAD_JSON, REQUEST_TOO_LARGE, BAD_REQUEST, TEXT_TOO_LONG,
                NOT_SIGNED_IN, STAFF_ONLY, INVALID)

# Codes retired when the two blocks' vocabularies were unified: old → new. Neither block's
# Python or JavaScript may use an old one again (tests/test_contract.py).
RENAMED = {
    "FORBIDDEN": STAFF_ONLY,  # complaint_sim editor handlers
    "ANONYMOUS": NOT_SIGNED_IN,  # complaint_sim learner handlers
    "TOO_LARGE": TEXT_TOO_LONG,  # complaint_sim editor_import_twee / editor_import_text
    "INVALID_REFLECTION": INVALID,  # rubric_reflection editor_save
    "INVALID_RUBRIC": "RUBRIC_INVALID",  # rubric_reflection rubric problems (as SCENARIO_INVALID)
}
