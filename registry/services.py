"""Writes of the register (HackSoft style): keyword-only, validated, audited, in a transaction.

Only these functions write organizations and their records, so the columns a list of a million rows
filters on (former names, current grade, list membership) are kept here, in the same transaction.
"""

from __future__ import annotations

import datetime
import os

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone

from portal.audit import record_change, record_changes, snapshot
from portal.models import AuditAction, Authority
from portal.scoping import object_in_scope
from portal.services import ApplicationError
from registry.choices import GRADE_VALID_YEARS, ImportStatus
from registry.commendation import verdicts_refresh
from registry.models import (
    AnnualInspection,
    Branch,
    CreditListEntry,
    Evaluation,
    FormerName,
    Organization,
    OrganizationImport,
    Penalty,
    add_years,
)
from registry.text import SEPARATOR

RECORD_MODELS = {
    "inspection": AnnualInspection,
    "evaluation": Evaluation,
    "penalty": Penalty,
    "listentry": CreditListEntry,
    "branch": Branch,
    "formername": FormerName,
}


def _full_clean(obj, exclude=None):
    try:
        obj.full_clean(exclude=exclude)
    except ValidationError as exc:
        messages = "；".join(str(m) for msgs in exc.message_dict.values() for m in msgs)
        raise ApplicationError(messages or "数据不完整。", extra=exc.message_dict) from exc


def _check_writable(organization: Organization, actor) -> None:
    """A province writes its own authority's organizations; the ministry all (issue 10, point 9)."""
    if actor is not None and not object_in_scope(organization, actor, "change"):
        raise ApplicationError("该社会组织不由您所在的登记管理机关登记，不能修改。")


def refresh_summary(organization: Organization, *, today: datetime.date | None = None) -> None:
    """Recompute the stored former names, current grade and list membership of one organization."""
    org = organization
    org.former_names = SEPARATOR.join(org.formernames.order_by("-used_until", "id").values_list("name", flat=True))
    latest = org.evaluations.order_by("-rated_on", "-id").first()
    org.grade, org.grade_expires_on = (latest.grade, latest.expires_on) if latest else (None, None)
    open_lists = set(org.creditlistentrys.filter(removed_on__isnull=True).values_list("list_kind", flat=True))
    org.on_abnormal_list = "abnormal" in open_lists
    org.on_dishonest_list = "dishonest" in open_lists
    Organization.objects.filter(pk=org.pk).update(
        former_names=org.former_names, grade=org.grade, grade_expires_on=org.grade_expires_on,
        on_abnormal_list=org.on_abnormal_list, on_dishonest_list=org.on_dishonest_list)


@transaction.atomic
def organization_create(*, actor, **fields) -> Organization:
    org = Organization(**fields)
    _full_clean(org)
    if actor is not None:
        _may_register(actor, org)
    org.save()
    verdicts_refresh([org.pk])
    record_change(actor=actor, action=AuditAction.CREATE, obj=org, after=snapshot(org))
    return org


def _may_register(actor, org) -> None:
    """An authority registers organizations for itself or the authorities below it."""
    if actor.authority is None or not org.authority.is_within(actor.authority):
        raise ApplicationError("只能登记由本机关或下级机关登记管理的社会组织。",
                               extra={"authority": ["只能选择本机关或下级机关。"]})


@transaction.atomic
def organization_update(*, actor, organization: Organization, renamed_on: datetime.date | None = None,
                        **fields) -> Organization:
    """Change an organization; a new name keeps the old one as a former name (名称变更登记)."""
    org = Organization.objects.select_for_update().get(pk=organization.pk)
    _check_writable(org, actor)
    before = snapshot(org)
    old_name = org.name
    for key, value in fields.items():
        setattr(org, key, value)
    _full_clean(org)
    if "authority" in fields and actor is not None:
        _may_register(actor, org)
    org.save()
    if org.name != old_name:
        FormerName.objects.create(organization=org, name=old_name, used_until=renamed_on or timezone.localdate())
        refresh_summary(org)
    verdicts_refresh([org.pk])  # status, dates, name or authority may have changed
    record_change(actor=actor, action=AuditAction.UPDATE, obj=org, before=before, after=snapshot(org))
    return org


@transaction.atomic
def record_add(*, actor, organization: Organization, kind: str, **fields):
    """Add one credit or supervision record (or a branch, or a former name) to an organization."""
    model = RECORD_MODELS[kind]
    _check_writable(organization, actor)
    if kind == "listentry":
        fields.pop("removed_on", None)
        fields.pop("removal_reason", None)
    record = model(organization=organization, **fields)
    if kind == "evaluation" and record.rated_on:
        record.expires_on = add_years(record.rated_on, GRADE_VALID_YEARS)
    if kind == "listentry" and CreditListEntry.objects.filter(
            organization=organization, list_kind=fields.get("list_kind"), removed_on__isnull=True).exists():
        raise ApplicationError("该社会组织已在此名录中，须先移出才能再次列入。")
    _full_clean(record)
    record.save()
    refresh_summary(organization)
    verdicts_refresh([organization.pk], record_kind=kind)
    record_change(actor=actor, action=AuditAction.CREATE, obj=record, after=snapshot(record),
                  note=f"{organization.name}：{model._meta.verbose_name}")
    return record


@transaction.atomic
def list_entry_remove(*, actor, entry: CreditListEntry, removed_on: datetime.date, reason: str) -> CreditListEntry:
    """移出名录: the entry stays in the history with its removal date and reason."""
    entry = CreditListEntry.objects.select_for_update().select_related("organization").get(pk=entry.pk)
    _check_writable(entry.organization, actor)
    if entry.removed_on is not None:
        raise ApplicationError("该记录已移出名录。")
    before = snapshot(entry)
    entry.removed_on, entry.removal_reason = removed_on, (reason or "").strip()
    if not entry.removal_reason:
        raise ApplicationError("请填写移出事由。", extra={"removal_reason": ["请填写移出事由。"]})
    if removed_on < entry.entered_on:
        raise ApplicationError("移出日期不能早于列入日期。", extra={"removed_on": ["移出日期不能早于列入日期。"]})
    _full_clean(entry)
    entry.save()
    refresh_summary(entry.organization)
    verdicts_refresh([entry.organization_id])
    record_change(actor=actor, action=AuditAction.UPDATE, obj=entry, before=before, after=snapshot(entry),
                  note=f"{entry.organization.name}：移出{entry.get_list_kind_display()}")
    return entry


# --- bulk import: preview, then commit all-or-nothing (the aid uploads' pattern) ----------------------
def _check_upload(*, actor, fileobj, filename: str, size: int, kind: str) -> tuple[bool, str]:
    """The quick checks of an upload (kind, importer, extension, container, the same file committed before):
    whether it holds formulas, and its digest."""
    from registry.importer import UploadRefused, check_container, sha256_of
    from registry.sheets import SPECS

    if kind not in SPECS:
        raise ApplicationError("没有这种导入内容。")
    if actor.authority is None:
        raise ApplicationError("您的账号没有所属登记管理机关，不能导入。")
    if not filename.lower().endswith(".xlsx"):
        raise ApplicationError("请上传 .xlsx 格式的文件")
    try:
        has_formulas = check_container(fileobj, size)
        digest = sha256_of(fileobj)
    except UploadRefused as exc:
        raise ApplicationError(str(exc)) from None
    already = OrganizationImport.objects.filter(sha256=digest, status=ImportStatus.COMMITTED).first()
    if already is not None:
        raise ApplicationError(f"同一文件已于 {timezone.localtime(already.committed_at):%Y-%m-%d %H:%M} 导入，"
                               "未重复添加。")
    return has_formulas, digest


def _parse_rows(*, actor, fileobj, kind: str, has_formulas: bool, progress=None) -> list:
    from registry.importer import UploadRefused, parse_workbook
    from registry.sheets import SPECS

    try:
        rows = parse_workbook(fileobj, spec=SPECS[kind], actor=actor, has_formulas=has_formulas, progress=progress)
    except UploadRefused as exc:
        raise ApplicationError(str(exc)) from None
    if not rows:
        raise ApplicationError("文件中表头下面没有任何数据行")
    return rows


def _fill_preview(run: OrganizationImport, rows: list) -> None:
    run.rows = [r.as_json() for r in rows]
    run.row_count = len(rows)
    run.error_count = sum(len(r.errors) for r in rows)
    run.skipped_count = sum(1 for r in rows if "registered" in r.warnings)


def import_preview(*, actor, fileobj, filename: str, size: int, kind: str = "organization",
                   defer: bool = False) -> OrganizationImport:
    """Check and read the file, keep it and its rows as a preview.  Nothing is registered yet.

    ``kind``: organizations, or one kind of credit record (``registry.sheets.SPECS``).  ``defer``: only the
    quick checks here; the file is kept as 检查中 and ``import_parse`` (the preview job) reads its rows."""
    from registry.sheets import SPECS

    has_formulas, digest = _check_upload(actor=actor, fileobj=fileobj, filename=filename, size=size, kind=kind)
    rows = [] if defer else _parse_rows(actor=actor, fileobj=fileobj, kind=kind, has_formulas=has_formulas)
    fileobj.seek(0)
    with transaction.atomic():
        run = OrganizationImport(
            authority=actor.authority, kind=kind, filename=os.path.basename(filename)[:200], sha256=digest, size=size,
            uploaded_by=actor, status=ImportStatus.PARSING if defer else ImportStatus.PREVIEW)
        _fill_preview(run, rows)
        run.file.save(f"{digest[:16]}.xlsx", ContentFile(fileobj.read()), save=False)
        run.save()
        note = "，待后台检查" if defer else f"，{run.row_count} 行，错误 {run.error_count} 处"
        record_change(actor=actor, action=AuditAction.CREATE, obj=run,
                      note=f"上传导入文件（{SPECS[kind].title}）：{run.filename}{note}")
    return run


def import_parse(*, actor, run: OrganizationImport, progress=None) -> OrganizationImport:
    """The preview job's work: read the kept file of an import 检查中 into its preview (nothing registered).
    A file that cannot be read leaves the import 已放弃 and raises the reason."""
    import io

    from registry.importer import UploadRefused, check_container

    run = OrganizationImport.objects.get(pk=run.pk)
    if not object_in_scope(run, actor, "view"):
        raise ApplicationError("该导入不属于您所在的登记管理机关。")
    if run.status != ImportStatus.PARSING:
        raise ApplicationError(f"该导入已{run.get_status_display()}，不能再次检查")
    with run.file.open("rb") as fh:
        fileobj = io.BytesIO(fh.read())
    try:
        try:
            has_formulas = check_container(fileobj, run.size)
        except UploadRefused as exc:
            raise ApplicationError(str(exc)) from None
        rows = _parse_rows(actor=actor, fileobj=fileobj, kind=run.kind, has_formulas=has_formulas, progress=progress)
    except ApplicationError as exc:
        with transaction.atomic():
            OrganizationImport.objects.filter(pk=run.pk, status=ImportStatus.PARSING).update(
                status=ImportStatus.DISCARDED)
            record_change(actor=actor, action=AuditAction.UPDATE, obj=run, note=f"导入文件未通过检查：{exc.message}")
        raise
    with transaction.atomic():
        locked = OrganizationImport.objects.select_for_update().get(pk=run.pk)
        if locked.status != ImportStatus.PARSING:  # discarded meanwhile
            raise ApplicationError(f"该导入已{locked.get_status_display()}")
        _fill_preview(locked, rows)
        locked.status = ImportStatus.PREVIEW
        locked.save(update_fields=["rows", "row_count", "error_count", "skipped_count", "status"])
        record_change(actor=actor, action=AuditAction.UPDATE, obj=locked,
                      note=f"导入文件检查完毕：{locked.row_count} 行，错误 {locked.error_count} 处")
    return locked


def _lock_import(run: OrganizationImport, actor, statuses=(ImportStatus.PREVIEW,)) -> OrganizationImport:
    run = OrganizationImport.objects.select_for_update().get(pk=run.pk)
    if not object_in_scope(run, actor, "view"):
        raise ApplicationError("该导入不属于您所在的登记管理机关。")
    if run.status not in statuses:
        raise ApplicationError(f"该导入已{run.get_status_display()}，不能再次操作")
    return run


def import_commit_start(*, actor, run: OrganizationImport):
    """Hand the commit of a checked import to the commit job (registry.import_jobs); the import is 导入中
    until the job ends (registered all, or back to 待确认 with nothing registered)."""
    from portal.jobs import job_start
    from registry.import_jobs import COMMIT_KIND

    with transaction.atomic():
        run = _lock_import(run, actor)
        if run.error_count:
            raise ApplicationError(f"文件中还有 {run.error_count} 处错误，请修改文件后重新上传，本次未导入任何数据")
        run.status = ImportStatus.COMMITTING
        run.save(update_fields=["status"])
        return job_start(kind=COMMIT_KIND, user=actor, authority=run.authority, params={"import": run.pk},
                         title=f"导入：{run.filename}")


@transaction.atomic
def import_commit(*, actor, run: OrganizationImport, progress=None, statuses=(ImportStatus.PREVIEW,)) -> int:
    """Register the previewed organizations — all of them or none.  Returns the number added.

    Each row is checked again by the page's form at commit (the register or the importer's area may have
    changed since the preview); one failing row rolls the whole file back.  ``progress(done, total)`` is
    called as rows are checked (the commit job passes one writing outside this transaction).
    """
    from registry.importer import ImportRowForm

    run = _lock_import(run, actor, statuses)
    if run.error_count:
        raise ApplicationError(f"文件中还有 {run.error_count} 处错误，请修改文件后重新上传，本次未导入任何数据")
    pending = [r for r in run.rows if "registered" not in r["warnings"]]
    if run.kind != "organization":
        return _commit_records(actor=actor, run=run, pending=pending, progress=progress)
    codes = [r["values"]["credit_code"] for r in pending]
    taken = set(Organization.objects.filter(credit_code__in=codes).values_list("credit_code", flat=True))
    if taken:
        late = "、".join(str(r["row"]) for r in pending if r["values"]["credit_code"] in taken)
        raise ApplicationError(f"预览之后，第{late}行的统一社会信用代码已被登记，请重新上传文件核对，"
                               "本次未导入任何数据")
    authorities = {a.code: a for a in Authority.objects.filter(code__in={r["values"]["authority"] for r in pending})}
    by_pk = {str(a.pk): a for a in authorities.values()}
    organizations, fields = [], ImportRowForm.fields_for_a_file()
    for done, row in enumerate(pending, start=1):
        if progress is not None:
            progress(done, len(pending))
        data = dict(row["values"])
        authority = authorities.get(data["authority"])
        data["authority"] = str(authority.pk) if authority else ""
        data.setdefault("status", "normal")
        form = ImportRowForm(data=data, user=actor, authorities=by_pk, fields=fields)
        if not form.is_valid() or (authority and not authority.is_within(actor.authority)):
            raise ApplicationError(f"第{row['row']}行已不能通过检查，请重新上传文件，本次未导入任何数据")
        org = form.save(commit=False)
        org.province_code = org.authority.code[:2]  # what save() sets; bulk_create does not call it
        organizations.append(org)
    try:
        with transaction.atomic():
            Organization.objects.bulk_create(organizations, batch_size=2000)
    except IntegrityError:  # a database rule the rows broke after all: the whole file stays out
        raise ApplicationError("文件中的数据与登记库的规则冲突，本次未导入任何数据；请重新上传文件核对") from None
    verdicts_refresh([org.pk for org in organizations])
    # one audit row per organization, as a page's 新增 writes, chained in one insert (portal.audit.record_changes)
    record_changes(actor=actor, action=AuditAction.CREATE,
                   changes=((org, snapshot(org), f"批量导入（{run.filename}）") for org in organizations))
    run.status, run.committed_at, run.added_count = ImportStatus.COMMITTED, timezone.now(), len(organizations)
    try:
        with transaction.atomic():
            run.save(update_fields=["status", "committed_at", "added_count"])
    except IntegrityError:
        raise ApplicationError("同一文件已导入，未重复添加") from None
    record_change(actor=actor, action=AuditAction.UPDATE, obj=run,
                  note=f"导入社会组织 {len(organizations)} 个，已登记不再导入 {run.skipped_count} 个")
    return len(organizations)


@transaction.atomic
def import_discard(*, actor, run: OrganizationImport) -> None:
    """Set a preview aside; also an import left 检查中/导入中 by a job that ended without finishing it (the
    worker gave up on it): nothing of it was registered (the commit is one transaction)."""
    from registry.import_jobs import import_job

    run = _lock_import(run, actor, (ImportStatus.PREVIEW, ImportStatus.PARSING, ImportStatus.COMMITTING))
    job = import_job(run)
    if run.status != ImportStatus.PREVIEW and (job is None or not job.is_finished):
        raise ApplicationError("后台任务仍在进行，请等待其结束")
    run.status = ImportStatus.DISCARDED
    run.save(update_fields=["status"])
    record_change(actor=actor, action=AuditAction.UPDATE, obj=run, note="放弃导入")


def _commit_records(*, actor, run: OrganizationImport, pending: list[dict], progress=None) -> int:
    """The previewed credit records, each checked again (form, model constraints, the importer's area,
    a repeat of a record added since the preview): one failing row and nothing is added."""
    from registry.importer import RECORD_KEYS, record_form, record_key

    model = RECORD_MODELS[run.kind]
    organizations = Organization.objects.select_related("authority").in_bulk(
        {r["values"]["organization_id"] for r in pending})
    existing = {record_key(run.kind, row[0], dict(zip(RECORD_KEYS[run.kind], row[1:], strict=True)))
                for row in model.objects.filter(organization__in=list(organizations)).values_list(
                    "organization_id", *RECORD_KEYS[run.kind])}
    records = []
    for done, row in enumerate(pending, start=1):
        if progress is not None:
            progress(done, len(pending))
        org = organizations.get(row["values"]["organization_id"])
        form = record_form(run.kind, row["values"])
        failed = org is None or not form.is_valid() or not org.authority.is_within(actor.authority)
        if not failed:
            record = form.save(commit=False)
            record.organization = org
            if run.kind == "evaluation":
                record.expires_on = add_years(record.rated_on, GRADE_VALID_YEARS)
            try:
                record.full_clean()
            except ValidationError:
                failed = True
            failed = failed or record_key(run.kind, org.pk, {f: getattr(record, f) for f in RECORD_KEYS[run.kind]}) \
                in existing
        if failed:
            raise ApplicationError(f"第{row['row']}行已不能通过检查（或该记录已在登记库中），请重新上传文件，"
                                   "本次未导入任何数据")
        records.append(record)
    try:
        with transaction.atomic():
            model.objects.bulk_create(records, batch_size=2000)
    except IntegrityError:
        raise ApplicationError("文件中的记录与登记库中的记录冲突（如同一名录未移出又列入），"
                               "本次未导入任何数据") from None
    touched = {r.organization_id: r.organization for r in records}
    for pk in sorted(touched):  # in key order, as the verdict job locks them (no deadlock between the two)
        refresh_summary(touched[pk])
    verdicts_refresh(touched, record_kind=run.kind)
    record_changes(actor=actor, action=AuditAction.CREATE, changes=(
        (record, snapshot(record), f"{record.organization.name}：{model._meta.verbose_name}（批量导入 {run.filename}）")
        for record in records))
    run.status, run.committed_at, run.added_count = ImportStatus.COMMITTED, timezone.now(), len(records)
    try:
        with transaction.atomic():
            run.save(update_fields=["status", "committed_at", "added_count"])
    except IntegrityError:
        raise ApplicationError("同一文件已导入，未重复添加") from None
    record_change(actor=actor, action=AuditAction.UPDATE, obj=run,
                  note=f"导入{model._meta.verbose_name} {len(records)} 条，已有不再导入 {run.skipped_count} 条")
    return len(records)
