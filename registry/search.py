"""The register's search: any part of a Chinese name (two characters and up), a former name, a credit code.

- a credit code (18 characters of the code's alphabet) → exact match on the unique index;
- two characters → the GIN index on ``search_bigrams`` (the name's character pairs): ``@> {term}``;
- three and more → the pg_trgm GIN index on ``search_key`` (``LIKE '%term%'``);
- one character → a plain ``LIKE`` (no index can narrow a single character usefully).

Names and terms are normalised alike (``registry.text.name_key``), so full-width letters, digits and
spaces do not hide a match.  Former names are part of ``search_key``, so they are found the same way.
"""

from __future__ import annotations

import re

from django.db.models import Q

from registry.text import name_key

CREDIT_CODE = re.compile(r"^[0-9A-HJ-NPQRTUWXY]{18}$")


def normalise_code(term: str) -> str:
    return name_key(term).upper()


def search_q(term: str) -> Q:
    """The condition that finds ``term`` in the register (an empty term finds everything)."""
    term = (term or "").strip()
    if not term:
        return Q()
    code = normalise_code(term)
    if CREDIT_CODE.match(code):
        return Q(credit_code=code)
    return name_q(term)


def name_q(term: str, *, key: str = "search_key", pairs: str = "search_bigrams") -> Q:
    """Any part of a name: two characters on the character-pair GIN index, three and more on pg_trgm.

    ``key`` and ``pairs`` name a model's generated columns built with the SQL functions of
    ``registry.text`` (the register's; crackdown's leads and cases have the same two columns).
    """
    normalised = name_key(term)
    if not normalised:
        return Q()
    if len(normalised) == 2:
        return Q(**{f"{pairs}__contains": [normalised]})
    return Q(**{f"{key}__contains": normalised})
