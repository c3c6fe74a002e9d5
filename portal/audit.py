"""Explicit audit: services and generic edit views call ``record_change`` with the actor passed in.

The request (IP, request id) is taken from a context variable that ``RequestContextMiddleware``
sets, so a service called from a view needs no request argument, and one called from a Celery job
or an import simply records no IP.
"""

from __future__ import annotations

import contextvars
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.db import models

from portal.models import AuditAction, AuditEntry


@dataclass(frozen=True)
class RequestInfo:
    ip: str | None
    request_id: str


current_request: contextvars.ContextVar[RequestInfo | None] = contextvars.ContextVar("current_request", default=None)

# Fields never copied into the audit log (secrets, or noise).
REDACTED_FIELDS = {"password", "last_login"}


def snapshot(obj: models.Model | None) -> dict | None:
    """A JSON-able dict of a model instance's concrete fields (before/after of a change)."""
    if obj is None:
        return None
    data = {}
    for field in obj._meta.concrete_fields:
        if field.name in REDACTED_FIELDS:
            continue
        value = field.value_from_object(obj)
        if isinstance(field, models.FileField):
            value = value.name if value else ""
        data[field.name] = value
    if obj.pk is not None:
        for field in obj._meta.many_to_many:
            data[field.name] = sorted(getattr(obj, field.name).values_list("pk", flat=True))
    return data


def record_change(
    *,
    actor,
    action: str,
    obj: models.Model | None = None,
    before: dict | None = None,
    after: dict | None = None,
    note: str = "",
    username: str = "",
) -> AuditEntry:
    """Append one audit row.  ``actor`` may be None (a job run by the system, an anonymous reporter)."""
    info = current_request.get()
    authenticated = actor is not None and getattr(actor, "is_authenticated", False)
    entry = AuditEntry(
        user=actor if authenticated else None,
        username=(actor.get_username() if authenticated else username)[:150],
        authority_id=getattr(actor, "authority_id", None) if authenticated else None,
        ip=info.ip if info else None,
        request_id=info.request_id if info else "",
        action=action,
        before=before,
        after=after,
        note=note,
    )
    if obj is not None:
        entry.content_type = ContentType.objects.get_for_model(obj, for_concrete_model=False)
        entry.object_id = str(obj.pk) if obj.pk is not None else ""
        entry.object_repr = str(obj)[:200]
    entry.save()
    return entry


def record_download(*, actor, obj=None, filename: str, action: str = AuditAction.DOWNLOAD) -> AuditEntry:
    return record_change(actor=actor, action=action, obj=obj, note=filename)
