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
