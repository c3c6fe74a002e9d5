"""A detail URL for many rows, reversed once (issue 17).

``reverse(name, args=[pk])`` walks the URL resolver's patterns each time: tens of µs for every row of a
table or a home panel.  A pattern with one ``<int:pk>`` writes the key as ``str(pk)``, so the URL is the
same text around the key whatever the row: it is reversed once with a key no row has, and each row's key
put in its place.  A name whose reversed URL holds the marker more than once, or a key that is not an
int, is reversed as before.
"""

from __future__ import annotations

from django.urls import reverse

_KEY_MARK = 918273645546372819  # a key no row holds: where the key goes in the reversed URL


def detail_urls(name: str):
    """A function ``pk → reverse(name, args=[pk])``, the URL reversed once (on its first call: a panel or a
    table without rows reverses nothing)."""
    around = []

    def url(pk) -> str:
        if not around:
            marked = reverse(name, args=[_KEY_MARK])
            around.append(tuple(marked.split(str(_KEY_MARK))) if marked.count(str(_KEY_MARK)) == 1 else None)
        if around[0] is None or not isinstance(pk, int):
            return reverse(name, args=[pk])
        return f"{around[0][0]}{pk}{around[0][1]}"

    return url
