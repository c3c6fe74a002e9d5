"""How names are compared and searched: one normalisation, in Python and in SQL alike.

A name's search key is its NFKC form (full-width letters, digits and spaces become half-width),
lower-cased, without whitespace; former names follow the current one after a ``|``.  The SQL
functions of the same names (migration 0002) compute the stored columns the indexes are built on.
"""

from __future__ import annotations

import re
import unicodedata

SEPARATOR = "|"
_SPACE = re.compile(r"\s+")


def name_key(name: str) -> str:
    return _SPACE.sub("", unicodedata.normalize("NFKC", name or "")).lower().replace(SEPARATOR, "")


def bigrams(key: str) -> list[str]:
    """The distinct character pairs of a normalised key (what ``search_bigrams`` stores)."""
    return sorted({key[i:i + 2] for i in range(len(key) - 1) if SEPARATOR not in key[i:i + 2]})


SQL_FUNCTIONS = r"""
CREATE OR REPLACE FUNCTION registry_search_key(name text, former text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT AS $$
  SELECT lower(regexp_replace(normalize(replace(name, '|', '')
         || CASE WHEN former = '' THEN '' ELSE '|' || former END, NFKC), '\s+', '', 'g'))
$$;
CREATE OR REPLACE FUNCTION registry_bigrams(key text) RETURNS text[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT AS $$
  SELECT coalesce(array_agg(DISTINCT g ORDER BY g), '{}'::text[])
  FROM (SELECT substr(key, i, 2) AS g FROM generate_series(1, char_length(key) - 1) AS i) pairs
  WHERE strpos(g, '|') = 0
$$;
"""
DROP_SQL_FUNCTIONS = ("DROP FUNCTION IF EXISTS registry_bigrams(text); "
                      "DROP FUNCTION IF EXISTS registry_search_key(text, text);")
