"""Author HTML (the prompt) cleaned with an allow-list. No ``xblock`` or ``django`` here."""
import re

import bleach

ALLOWED_TAGS = frozenset({
    "a", "abbr", "b", "blockquote", "br", "code", "em", "h3", "h4", "h5", "i", "li", "ol", "p",
    "pre", "small", "span", "strong", "sub", "sup", "table", "tbody", "td", "th", "thead", "tr",
    "u", "ul",
})
ALLOWED_ATTRIBUTES = {
    "a": ["href", "title"],
    "abbr": ["title"],
    "td": ["colspan", "rowspan"],
    "th": ["colspan", "rowspan", "scope"],
}
ALLOWED_PROTOCOLS = frozenset({"http", "https", "mailto"})
_SCRIPT_STYLE = re.compile(r"<(script|style)\b[^>]*>.*?</\1\s*>", re.IGNORECASE | re.DOTALL)


def sanitize_prompt(html):
    """``html`` with every tag, attribute and URL scheme outside the allow-list removed.

    Disallowed tags are stripped (their text kept), except ``script`` and ``style``
    whose content is dropped with them.
    """
    if not isinstance(html, str):
        return ""
    cleaner = bleach.sanitizer.Cleaner(
        tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES, protocols=ALLOWED_PROTOCOLS, strip=True,
        strip_comments=True,
    )
    # bleach keeps the text of stripped elements; script/style text must not survive as prose.
    html = _SCRIPT_STYLE.sub("", html)
    return cleaner.clean(html).strip()


def mask_learner_text(value):
    """``value`` (text, or lists and dicts of it) with personal data masked in every string,
    for staff views of learner text: comments, summaries, reports (reveal is audited apart)."""
    from .rubric import mask_personal_data

    if isinstance(value, str):
        return mask_personal_data(value)
    if isinstance(value, list):
        return [mask_learner_text(item) for item in value]
    if isinstance(value, dict):
        return {key: mask_learner_text(item) for key, item in value.items()}
    return value
