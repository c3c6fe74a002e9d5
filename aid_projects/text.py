"""How the attachments' texts are compared: headers, place names, duplicate project names.

Apart from ``sheets`` (which carries the row rules) so that the rules' own modules (``places``,
``validation``) can use it without importing the column spec.
"""

from __future__ import annotations

import re
import unicodedata

_SPACES = re.compile(r"\s+")
_REMARK = re.compile(r"\(.*?\)")


def normalise_text(value) -> str:
    """Full-width to half-width (NFKC), no whitespace at all: how headers are compared."""
    if value is None:
        return ""
    text = unicodedata.normalize("NFKC", str(value))
    return _SPACES.sub("", text)


def header_key(value) -> str:
    """A header cell reduced for matching: no spaces, no bracketed remark (（填报到县级）, （万元）)."""
    text = normalise_text(value)
    return _REMARK.sub("", text)
