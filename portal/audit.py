"""Explicit audit: services and generic edit views call ``record_change`` with the actor passed in.

The request (IP, request id) is taken from a context variable that ``RequestContextMiddleware``
sets, so a service called from a view needs no request argument, and one called from a Celery job
or an import simply records no IP.
"""

from __future__ import annotations

import contextlib
import contextvars
import ipaddress
import json
from dataclasses import dataclass
from datetime import UTC, datetime

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, models, transaction
from django.utils.crypto import salted_hmac

from portal.crypto import keyed_hash
from portal.models import AuditAction, AuditEntry


@dataclass(frozen=True)
class RequestInfo:
    ip: str | None
    request_id: str


current_request: contextvars.ContextVar[RequestInfo | None] = contextvars.ContextVar("current_request", default=None)

@contextlib.contextmanager
def without_ip():
    """Audit rows written inside keep the request id but not the address (an anonymous report)."""
    info = current_request.get()
    token = current_request.set(RequestInfo(ip=None, request_id=info.request_id) if info else None)
    try:
        yield
    finally:
        current_request.reset(token)


# Fields never copied into the audit log (secrets, or noise).
REDACTED_FIELDS = {"password", "last_login"}


def snapshot(obj: models.Model | None) -> dict | None:
    """A JSON-able dict of a model instance's concrete fields (before/after of a change)."""
    if obj is None:
        return None
    data = {}
    for field in obj._meta.concrete_fields:
        # a generated column (a search key) is derived from the fields beside it: not a change of its own
        if field.name in REDACTED_FIELDS or isinstance(field, models.GeneratedField):
            continue
        value = field.value_from_object(obj)
        if isinstance(field, models.FileField):
            value = value.name if value else ""
        elif getattr(field, "encrypted", False) and value:
            # personal data stays out of the log in clear: a keyed fingerprint shows that it changed
            value = "已加密·" + keyed_hash("audit", value)[:12]
        data[field.name] = value
    if obj.pk is not None:
        for field in obj._meta.many_to_many:
            data[field.name] = sorted(getattr(obj, field.name).values_list("pk", flat=True))
    return data


def stored_snapshot(obj: models.Model | None) -> dict | None:
    """The before-image of a change: the row as the database holds it, not the instance in hand.

    A ModelForm (or a service's caller) has often already copied the new values onto the instance,
    so ``snapshot(instance)`` taken before ``save()`` would show the new values as the old ones.
    None when the object is new (no pk, or no row yet).
    """
    if obj is None or obj.pk is None:
        return None
    stored = type(obj)._base_manager.filter(pk=obj.pk).first()
    return snapshot(stored)


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
    entry = _new_entry(actor=actor, action=action, obj=obj, before=before, after=after, note=note, username=username)
    entry.save()
    return entry


def _new_entry(*, actor, action: str, obj=None, before=None, after=None, note: str = "",
               username: str = "") -> AuditEntry:
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
        pk = obj.pk
        if pk is None and before:  # a deleted object: Django has cleared its pk, the before-image keeps it
            pk = before.get(obj._meta.pk.name)
        entry.object_id = str(pk) if pk is not None else ""
        entry.object_repr = str(obj)[:200]
    return entry


def record_changes(*, actor, action: str, changes, batch_size: int = 1000) -> int:
    """Append one audit row per ``(obj, after, note)`` — each the row ``record_change`` would write — in one
    chained bulk insert (a bulk import's thousands of rows: one lock and one read of the chain's head instead
    of one each per row).  The rows keep the hash chain: under the chain lock no other row is inserted, so
    their ids follow one another and each row's ``prev_hash`` is the hash of the row before it."""
    entries = [_new_entry(actor=actor, action=action, obj=obj, after=after, note=note) for obj, after, note in changes]
    if not entries:
        return 0
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [CHAIN_LOCK])
        prev_hash = AuditEntry.objects.order_by("-id").values_list("hash", flat=True).first() or ""
        for entry in entries:
            _normalise(entry)
            entry.prev_hash = prev_hash
            entry.hash = prev_hash = chain_hash(prev_hash, {name: getattr(entry, name) for name in CHAINED_FIELDS})
        AuditEntry.objects.bulk_create(entries, batch_size=batch_size)
    return len(entries)


def record_download(*, actor, obj=None, filename: str, action: str = AuditAction.DOWNLOAD) -> AuditEntry:
    return record_change(actor=actor, action=action, obj=obj, note=filename)


# --- the hash chain ---------------------------------------------------------------------------------
# Each row's ``hash`` is an HMAC (key: AUDIT_CHAIN_KEY, not stored in the database) over the previous
# row's hash and the row's own content, so a row changed, removed or slipped in breaks the chain at
# that row.  Rows are chained in id order under a transaction-level advisory lock: the next writer
# waits until this row's transaction ends, and reads the hash of the row before it as committed.
CHAINED_FIELDS = ("time", "user_id", "username", "authority_id", "ip", "request_id", "action",
                  "content_type_id", "object_id", "object_repr", "before", "after", "note")
CHAIN_LOCK = "portal_auditentry_chain"


def _json_roundtrip(value):
    """The value as it comes back from a jsonb column (dates and decimals become strings)."""
    return None if value is None else json.loads(json.dumps(value, cls=DjangoJSONEncoder))


def chain_hash(prev_hash: str, values: dict) -> str:
    data = {name: values[name] for name in CHAINED_FIELDS}
    data["time"] = values["time"].astimezone(UTC).isoformat(timespec="microseconds")
    content = json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"), cls=DjangoJSONEncoder)
    return salted_hmac("portal.audit.chain", f"{prev_hash}\n{content}", secret=settings.AUDIT_CHAIN_KEY,
                       algorithm="sha256").hexdigest()


def _normalise(entry: AuditEntry) -> None:
    """The values as the database gives them back, so the hash computed now is the one a check recomputes."""
    if entry.ip:
        entry.ip = str(ipaddress.ip_address(entry.ip))
    entry.before = _json_roundtrip(entry.before)
    entry.after = _json_roundtrip(entry.after)


def seal_entry(entry: AuditEntry) -> None:
    """Called by ``AuditEntry.save`` inside its transaction, just before the INSERT."""
    _normalise(entry)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [CHAIN_LOCK])
    entry.prev_hash = AuditEntry.objects.order_by("-id").values_list("hash", flat=True).first() or ""
    entry.hash = chain_hash(entry.prev_hash, {name: getattr(entry, name) for name in CHAINED_FIELDS})


@dataclass
class ChainReport:
    checked: int = 0
    unchained: int = 0  # rows written before the chain existed (at the start of the log)
    broken_id: int | None = None
    broken_time: datetime | None = None
    reason: str = ""

    @property
    def ok(self) -> bool:
        return self.broken_id is None

    def summary(self) -> str:
        if self.ok:
            text = f"哈希链完整：校验 {self.checked} 条记录。"
            return text + (f"（另有 {self.unchained} 条早于哈希链的记录）" if self.unchained else "")
        return (f"哈希链在第 {self.broken_id} 号记录（{self.broken_time:%Y-%m-%d %H:%M:%S}）断裂：{self.reason}"
                f"此前 {self.checked} 条记录完好。")


def verify_chain() -> ChainReport:
    """Walk the log in id order; the first row whose link or content does not match is reported.

    The oldest remaining row anchors the walk (older rows may have been purged after 183 days)."""
    report = ChainReport()
    previous = None
    rows = AuditEntry.objects.order_by("id").values("id", "prev_hash", "hash", *CHAINED_FIELDS)
    for row in rows.iterator(chunk_size=5000):
        if previous is None and not row["hash"]:
            report.unchained += 1
            continue
        if previous is not None and row["prev_hash"] != previous:
            reason = "与前一条记录的哈希不衔接（其间有记录被删除或插入）。"
        elif chain_hash(row["prev_hash"], row) != row["hash"]:
            reason = "记录内容与其哈希不符（记录被修改）。"
        else:
            previous = row["hash"]
            report.checked += 1
            continue
        report.broken_id, report.broken_time, report.reason = row["id"], row["time"], reason
        break
    return report


def audit_chain_check(*, actor=None) -> ChainReport:
    """Verify the chain and write the result to the log itself (the nightly task and the page)."""
    report = verify_chain()
    record_change(actor=actor, action=AuditAction.CHAIN_VERIFY, username="" if actor else "系统",
                  after={"ok": report.ok, "checked": report.checked, "broken_id": report.broken_id},
                  note=report.summary())
    return report


def audit_purge(*, keep_days: int | None = None) -> int:
    """Delete the rows older than the retention period (at least 183 days: 等保 2.0 8.1.3.5 / 网络安全法
    第二十一条, logs kept no less than six months) and record the purge in the log.

    The deletion is done by a database function that refuses fewer than 183 days and deletes only the
    oldest rows up to the first row still to be kept, so the remaining chain has no gap; the purge
    and its own audit row are one transaction."""
    keep_days = settings.AUDIT_RETENTION_DAYS if keep_days is None else keep_days
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SELECT portal_audit_purge(%s)", [keep_days])
            deleted = cursor.fetchone()[0]
        first = AuditEntry.objects.order_by("id").values_list("id", "prev_hash").first()
        record_change(actor=None, action=AuditAction.PURGE, username="系统",
                      after={"deleted": deleted, "keep_days": keep_days,
                             "anchor_id": first[0] if first else None, "anchor_prev_hash": first[1] if first else ""},
                      note=f"清理了 {deleted} 条超过 {keep_days} 天的审计日志。")
    return deleted
