"""The audit log as a person reads it: the changed fields only, by their Chinese names, with values as
the pages show them (choices by label, related objects by name, amounts as amounts, Beijing time)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from portal.models import AuditAction, AuditEntry

EMPTY = "—"
HIDDEN_FIELDS = {"id"}


@dataclass(frozen=True)
class ChangeRow:
    name: str
    label: str
    before: str
    after: str


def _field(model, name):
    if model is None:
        return None
    try:
        return model._meta.get_field(name)
    except FieldDoesNotExist:  # a field since removed from the model: shown by its stored name
        return None


def format_datetime(value) -> str:
    """``YYYY-MM-DD HH:MM:SS`` in Beijing time (the portal's TIME_ZONE), from a datetime or an ISO string."""
    if isinstance(value, str):
        parsed = parse_datetime(value)
        if parsed is None:
            return value
        value = parsed
    if timezone.is_naive(value):
        value = timezone.make_aware(value, timezone.get_default_timezone())
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M:%S")


def format_amount(value) -> str:
    try:
        return f"{Decimal(str(value)):,.2f}"
    except (InvalidOperation, ValueError):
        return str(value)


def display_value(field, value, related_names: dict | None = None) -> str:
    """One stored (JSON) value as the pages show it."""
    if value is None or value == "" or value == []:
        return EMPTY
    if field is None:
        return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    if field.choices:
        labels = dict(field.flatchoices)
        if isinstance(value, list):
            return "、".join(str(labels.get(v, v)) for v in value)
        return str(labels.get(value, value))
    if isinstance(field, models.BooleanField):
        return "是" if value else "否"
    if field.is_relation:
        names = (related_names or {}).get(field.name, {})
        if isinstance(value, list):
            return "、".join(names.get(v, f"#{v}") for v in value)
        return names.get(value, f"#{value}")
    if isinstance(field, models.DecimalField):
        return format_amount(value)
    if isinstance(field, models.DateTimeField):
        return format_datetime(value)
    if isinstance(field, models.DateField):
        parsed = value if isinstance(value, date) else parse_date(str(value))
        return parsed.strftime("%Y-%m-%d") if parsed else str(value)
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def _related_names(model, names, before, after) -> dict:
    """{field name: {pk: str(obj)}}: one query per related field."""
    result = {}
    for name in names:
        field = _field(model, name)
        if field is None or not field.is_relation or field.related_model is None:
            continue
        ids = set()
        for image in (before, after):
            value = image.get(name)
            if isinstance(value, list):
                ids.update(value)
            elif value is not None and value != "":
                ids.add(value)
        if ids:
            objs = field.related_model._base_manager.in_bulk(list(ids))
            result[name] = {pk: str(obj) for pk, obj in objs.items()}
            result[name].update({str(pk): str(obj) for pk, obj in objs.items()})
    return result


def change_rows(entry: AuditEntry) -> list[ChangeRow]:
    """The rows of an entry's change table: for an update only the fields whose value changed."""
    before = entry.before or {}
    after = entry.after or {}
    if not before and not after:
        return []
    model = entry.content_type.model_class() if entry.content_type_id else None
    order = [f.name for f in model._meta.get_fields()] if model is not None else []
    keys = list(dict.fromkeys([k for k in order if k in before or k in after] + list(before) + list(after)))
    if entry.before is not None and entry.after is not None:
        keys = [k for k in keys if before.get(k) != after.get(k)]
    else:  # a creation or a deletion: the filled fields of the one image there is
        keys = [k for k in keys if (after or before).get(k) not in (None, "", [])]
    keys = [k for k in keys if k not in HIDDEN_FIELDS]
    names = _related_names(model, keys, before, after) if model is not None else {}
    rows = []
    for key in keys:
        field = _field(model, key)
        label = str(field.verbose_name) if field is not None and hasattr(field, "verbose_name") else key
        rows.append(ChangeRow(
            name=key, label=label,
            before=display_value(field, before.get(key), names) if entry.before is not None else EMPTY,
            after=display_value(field, after.get(key), names) if entry.after is not None else EMPTY,
        ))
    return rows


def changes_text(entry: AuditEntry) -> str:
    """The change table as one line of text (the Excel export's 变更 column)."""
    rows = change_rows(entry)
    if entry.action == AuditAction.CREATE or entry.before is None:
        return "；".join(f"{r.label}：{r.after}" for r in rows)
    if entry.after is None:
        return "；".join(f"{r.label}：{r.before}" for r in rows)
    return "；".join(f"{r.label}：{r.before} → {r.after}" for r in rows)
