"""Grouped reads whose SQL the ORM compiles once per shape, run with each request's values (issue 17).

The statistics page runs eight aggregate queries whose text depends only on the user's scope and the
chosen province; the period's dates are parameters.  Building and compiling them took more of the
page's CPU than PostgreSQL took to answer them.  ``kept_values(key, build, values)``:

- ``build(**values)`` returns the ``values().annotate()`` querysets of one read;
- once per ``key`` and process they are built with a marker (a date no data holds, 0001-01-0n) in
  place of each value and compiled by the ORM; each marker's place among the parameters is noted;
- the first time, the statements with the request's values put in those places are checked against
  what the ORM compiles from ``build(**values)`` itself — text and parameters equal, or the key is
  not kept and the ORM runs every time (a value that shaped the SQL, a marker folded into the text);
- each call runs the kept text with the values in their places and returns the rows as ``values()``
  gives them (the ORM's converters applied): the same statements the ORM would have sent.

``key`` must name everything the SQL depends on besides ``values``: the statistics give the scope's
``Q`` of each model and the province's prefix.  Kept in process memory; a deploy restarts the
processes, a migration that changes a table restarts them too.  Only values whose SQL does not depend
on them belong in ``values`` (dates compared with ``gte``/``lte``, never ``None``).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import date

from django.core.exceptions import EmptyResultSet
from django.db import connections

_MAX_ENTRIES = 512  # distinct shapes (scopes × provinces) kept per process
_kept: dict[tuple, list | None] = {}
_lock = threading.Lock()


@dataclass(frozen=True)
class _Statement:
    using: str
    sql: str
    params: tuple
    slots: tuple  # (index in params, name of the value)
    names: tuple  # the columns, as ValuesIterable names them
    converters: dict  # position → (converters, expression): the ORM's, from the compiler

    def run(self, values: dict) -> list[dict]:
        params = list(self.params)
        for index, name in self.slots:
            params[index] = values[name]
        connection = connections[self.using]
        with connection.cursor() as cursor:
            cursor.execute(self.sql, params)
            rows = cursor.fetchall()
        out = []
        for row in rows:
            if self.converters:
                row = list(row)
                for position, (converters, expression) in self.converters.items():
                    value = row[position]
                    for converter in converters:
                        value = converter(value, expression, connection)
                    row[position] = value
            out.append(dict(zip(self.names, row, strict=True)))
        return out


def _compiled(queryset):
    query = queryset.query
    compiler = query.get_compiler(queryset.db)
    sql, params = compiler.as_sql()
    fields = [select[0] for select in compiler.select[: compiler.col_count]]
    names = (*query.extra_select, *query.values_select, *query.annotation_select)
    return sql, tuple(params), names, compiler.get_converters(fields)


def _statements(build, values: dict) -> list[_Statement] | None:
    """The kept statements of ``build``, checked against the ORM's for ``values``; None when they cannot be kept."""
    markers = {name: date(1, 1, 1 + n) for n, name in enumerate(values)}
    if len(markers) > 28 or not all(type(value) is date for value in values.values()):
        return None
    statements = []
    try:
        for marked, real in zip(build(**markers), build(**values), strict=True):
            sql, params, names, converters = _compiled(marked)
            slots = tuple((index, name) for index, param in enumerate(params)
                          for name, marker in markers.items() if type(param) is date and param == marker)
            statement = _Statement(marked.db, sql, params, slots, names, converters)
            real_sql, real_params, real_names, _ = _compiled(real)
            filled = list(params)
            for index, name in slots:
                filled[index] = values[name]
            if (real.db, real_sql, real_params, real_names) != (marked.db, sql, tuple(filled), names):
                return None
            statements.append(statement)
    except EmptyResultSet:  # a read that matches nothing (no scope): the ORM answers it without a query
        return None
    return statements


def kept_values(key: tuple, build, values: dict) -> list[list[dict]]:
    """The rows of each queryset ``build(**values)`` returns, by statements kept per ``key`` (see the module)."""
    try:
        statements = _kept.get(key, False)
    except TypeError:  # a part of the key that cannot be compared (not kept)
        return [list(queryset) for queryset in build(**values)]
    if statements is False:
        statements = _statements(build, values)
        with _lock:
            if len(_kept) >= _MAX_ENTRIES:
                _kept.clear()
            _kept[key] = statements
    if statements is None:
        return [list(queryset) for queryset in build(**values)]
    return [statement.run(values) for statement in statements]


def forget() -> None:
    with _lock:
        _kept.clear()
