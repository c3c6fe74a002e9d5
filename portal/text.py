"""Text as compared, not as stored: one normalisation for headers, place names and other typed keys."""

from __future__ import annotations

import re
import unicodedata

_SPACES = re.compile(r"\s+")


def normalise_text(value) -> str:
    """Full-width to half-width (NFKC), no whitespace at all: how headers and place names are compared."""
    if value is None:
        return ""
    text = unicodedata.normalize("NFKC", str(value))
    return _SPACES.sub("", text)
