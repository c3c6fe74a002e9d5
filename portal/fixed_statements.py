"""Rows read by a statement written once, for the reads every request makes (issue 17).

The session row (``portal/session_store.py``), the user with its authority (``portal/access.py``) and the
TOTP device (``portal/otp_middleware.py``) are read on every request; compiling the ORM's ``SELECT`` cost
more CPU than PostgreSQL's answer.  A loader reads the model's concrete columns with a fixed statement and
builds the instance with ``Model.from_db``, as the ORM does — only when no column's value is converted by the
ORM (``from_db_value`` or a database converter), which a raw row would skip; else its caller uses the ORM.
"""

from __future__ import annotations


def plain_fields(connection, parts) -> dict | None:
    """``{alias: the model's concrete fields}`` for each ``(alias, model)`` of ``parts``, or None when the ORM
    converts a value of one of them (the caller then leaves the read to the ORM)."""
    fields = {alias: list(model._meta.concrete_fields) for alias, model in parts}
    if any(hasattr(field, "from_db_value") or connection.ops.get_db_converters(field.get_col(alias))
           for alias, group in fields.items() for field in group):
        return None
    return fields


def select_list(connection, fields: dict) -> str:
    """The columns of ``plain_fields``' result, each qualified by its alias, in order."""
    quote = connection.ops.quote_name
    return ", ".join(f"{alias}.{quote(field.column)}" for alias, group in fields.items() for field in group)
