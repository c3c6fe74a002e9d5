"""How the attachments' headers are compared.

Apart from ``sheets`` (which carries the row rules) so that the rules' own modules (``places``,
``validation``) can use it without importing the column spec.  The normalisation itself is the
portal's (``portal/text.py``), shared with the gazetteer.
"""

from __future__ import annotations

import re

from portal.text import normalise_text

__all__ = ["header_key", "normalise_text"]

_REMARK = re.compile(r"\(.*?\)")


def header_key(value) -> str:
    """A header cell reduced for matching: no spaces, no bracketed remark (（填报到县级）, （万元）)."""
    text = normalise_text(value)
    return _REMARK.sub("", text)
