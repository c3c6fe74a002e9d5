"""Writes of the aid_projects app (HackSoft style: keyword-only, validated, in a transaction, audited)."""

from __future__ import annotations

import io
import os
from decimal import Decimal

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone

from aid_projects import jobs
from aid_projects.choices import ListKind, ListStatus, MatchStatus, UploadStatus
from aid_projects.jobs import schedule_rebuild
from aid_projects.models import (
    AidItem,
    AidList,
    Campaign,
    Liaison,
    ListVersion,
    Match,
    Upload,
    paired_areas,
    paired_places_q,
)
from aid_projects.reader import UploadRefused, check_container, parse_workbook, sha256_of
from aid_projects.selectors import (
    DUPLICATE_WARNING,
    LIAISON_SNAPSHOT_FIELDS,
    MATCH_TRANSITIONS,
    NATIONAL_PERMISSIONS,
    kind_allowed,
    list_rows,
    match_steps,
    may_run_national,
    may_run_paired,
    may_take,
    previous_campaign,
    running_summary,
    upload_confirmations,
)
from aid_projects.sheets import SPECS
from aid_projects.text import normalise_text
from aid_projects.validation import amount_needs_confirmation, scan_refusal
from portal.audit import record_change, snapshot, stored_snapshot
from portal.jobs import REGISTRY, job_start
from portal.models import AuditAction, Authority, Job
from portal.scoping import within_q
from portal.services import ApplicationError, StaleVersion


# --- lists ----------------------------------------------------------------------------------------
def aid_list_open(*, campaign: Campaign, authority: Authority, kind: str, user) -> AidList:
    """The province's list of this kind for the campaign, created as a draft on first use."""
    refusal = kind_allowed(authority, kind)
    if refusal:
        raise ApplicationError(refusal)
    province = authority.province
    with transaction.atomic():
        aid_list, created = AidList.objects.get_or_create(campaign=campaign, authority=province, kind=kind)
        if created:
            record_change(actor=user, action=AuditAction.CREATE, obj=aid_list, after=snapshot(aid_list))
    return aid_list


def _require_editable(aid_list: AidList) -> None:
    if not aid_list.campaign.is_open:
        raise ApplicationError(f"{aid_list.campaign.name}已停止收集，清单不能再修改")
    if aid_list.status == ListStatus.SUBMITTED:
        raise ApplicationError("清单已报送，正在等待部里审核，不能修改")
    if aid_list.status == ListStatus.ACCEPTED:
        raise ApplicationError("清单已被接收，不能再修改")


def _lock(aid_list: AidList) -> AidList:
    return AidList.objects.select_for_update().select_related("campaign", "authority").get(pk=aid_list.pk)


def _renumber(aid_list: AidList) -> None:
    items = list(aid_list.items.order_by("seq", "id").only("pk", "seq"))
    changed = []
    for number, item in enumerate(items, start=1):
        if item.seq != number:
            item.seq = number
            changed.append(item)
    AidItem.objects.bulk_update(changed, ["seq"], batch_size=2000)


def _item_delete(item: AidItem, user) -> None:
    if item.matches_as_need.exists() or item.matches_as_supply.exists():
        raise ApplicationError(f"项目“{item.name}”已有对接记录，不能删除")
    before = stored_snapshot(item)
    item.delete()
    record_change(actor=user, action=AuditAction.DELETE, obj=item, before=before)


def _item_write(aid_list: AidList, item: AidItem | None, values: dict, user, seq: int) -> AidItem:
    """Set ``values`` (the spec's fields, already through their rules) on the row, or on a new one
    numbered ``seq``; checked, saved, audited when it changed."""
    if item is None:
        item = AidItem(aid_list=aid_list, seq=seq)
        before = None
    else:
        if item.aid_list_id != aid_list.pk:
            raise ApplicationError("项目不能移到另一份清单")
        before = stored_snapshot(item)
    for key, value in values.items():
        setattr(item, key, value)
    item.full_clean()
    item.save()
    after = snapshot(item)
    if before != after:
        record_change(actor=user, action=AuditAction.CREATE if before is None else AuditAction.UPDATE,
                      obj=item, before=before, after=after)
    return item


def _next_seq(aid_list: AidList) -> int:
    return (aid_list.items.aggregate(m=Max("seq"))["m"] or 0) + 1


def items_save(*, aid_list: AidList, forms_data: list[dict], deleted: list[AidItem], user) -> None:
    """Save the browser's table form: ``forms_data`` is [{"instance": item or None, "values": {...}}]."""
    with transaction.atomic():
        aid_list = _lock(aid_list)
        _require_editable(aid_list)
        for item in deleted:
            _item_delete(item, user)
        next_seq = _next_seq(aid_list)
        for entry in forms_data:
            item = _item_write(aid_list, entry["instance"], entry["values"], user, next_seq)
            if entry["instance"] is None:
                next_seq += 1
        _renumber(aid_list)


def item_save(*, aid_list: AidList, values: dict, user, item: AidItem | None = None) -> AidItem:
    """One row added (``item`` None, numbered last) or changed — the API's write, with the table form's
    checks: the list locked and editable, the row checked, audited."""
    with transaction.atomic():
        aid_list = _lock(aid_list)
        _require_editable(aid_list)
        return _item_write(aid_list, item, values, user, _next_seq(aid_list))


def item_delete(*, item: AidItem, user) -> None:
    """One row removed (not one with a match), the rest renumbered — as the table form does."""
    with transaction.atomic():
        aid_list = _lock(item.aid_list)
        _require_editable(aid_list)
        _item_delete(item, user)
        _renumber(aid_list)


# --- uploads: preview, then commit all-or-nothing --------------------------------------------------
def upload_preview(*, aid_list: AidList, fileobj, filename: str, size: int, user, replace: bool = False) -> Upload:
    """Check and parse the file, keep it and its rows as a preview.  Nothing is added to the list yet."""
    _require_editable(aid_list)
    if aid_list.kind not in (ListKind.NEED, ListKind.SUPPLY):
        raise ApplicationError("只有需求清单和供给清单可以上传 Excel 文件")
    if not filename.lower().endswith(".xlsx"):
        raise ApplicationError("请上传 .xlsx 格式的文件")
    try:
        has_formulas = check_container(fileobj, size)
        digest = sha256_of(fileobj)
        already = aid_list.uploads.filter(sha256=digest, status=UploadStatus.COMMITTED).first()
        if already is not None:
            raise ApplicationError(
                f"同一文件已于 {timezone.localtime(already.committed_at):%Y-%m-%d %H:%M} 导入本清单，"
                "未重复添加。如需修改，请直接编辑清单或上传修改后的文件。"
            )
        rows = parse_workbook(fileobj, kind=aid_list.kind, province_code=aid_list.authority.code,
                              has_formulas=has_formulas)
    except UploadRefused as exc:
        raise ApplicationError(str(exc)) from None
    if not rows:
        raise ApplicationError("文件中表头下面没有任何项目行")
    mark_duplicates(rows, {} if replace else existing_item_keys(aid_list))
    fileobj.seek(0)
    with transaction.atomic():
        upload = Upload(
            aid_list=aid_list, filename=os.path.basename(filename)[:200], sha256=digest, size=size,
            rows=[r.as_json() for r in rows], row_count=len(rows),
            error_count=sum(len(r.errors) for r in rows), warning_count=sum(len(r.warnings) for r in rows),
            uploaded_by=user, replace=replace,
        )
        upload.file.save(f"{digest[:16]}.xlsx", ContentFile(fileobj.read()), save=False)
        upload.save()
        record_change(actor=user, action=AuditAction.CREATE, obj=upload,
                      note=f"上传{aid_list.get_kind_display()}：{upload.filename}，{upload.row_count} 行，"
                           f"错误 {upload.error_count} 处，提醒 {upload.warning_count} 处")
    return upload


CENT = Decimal("0.01")


def item_key(name, place_id, amount) -> tuple:
    """What makes two rows the same project: 项目名称 (width and spaces aside) + 实施地 + 资金."""
    return normalise_text(name), place_id, Decimal(amount).quantize(CENT)


def existing_item_keys(aid_list: AidList) -> dict[tuple, str]:
    """{key: how to name the item} of the rows already in the list."""
    return {item_key(name, place_id, amount): f"序号{seq}“{name}”"
            for seq, name, place_id, amount in aid_list.items.values_list("seq", "name", "place_id", "amount")}


def _row_key(row: dict) -> tuple | None:
    values, errors = row["values"], row["errors"]
    if "name" in errors or "place_text" in errors or "amount" in errors or "place_id" not in values:
        return None
    return item_key(values["name"], values["place_id"], values["amount"])


def mark_duplicates(rows, existing: dict[tuple, str]) -> None:
    """Warn on rows that repeat a row of the list, or an earlier row of the file (a file saved again
    by another program has other bytes, so the file check alone does not see it)."""
    first_seen: dict[tuple, int] = {}
    for row in rows:
        key = _row_key({"values": row.values, "errors": row.errors})
        if key is None:
            continue
        if key in existing:
            row.warnings[DUPLICATE_WARNING] = (f"清单中已有相同项目（{existing[key]}，名称、实施地、资金均相同），"
                                               "请确认是否重复导入")
        elif key in first_seen:
            row.warnings[DUPLICATE_WARNING] = f"与本文件第{first_seen[key]}行重复（名称、实施地、资金均相同），请确认"
        else:
            first_seen[key] = row.row


def upload_commit(*, upload: Upload, user, confirm_warnings: bool = False) -> int:
    """Add the previewed rows to the list — all of them or none.  Returns the number added."""
    with transaction.atomic():
        upload = Upload.objects.select_for_update().get(pk=upload.pk)
        aid_list = _lock(upload.aid_list)
        _require_editable(aid_list)
        if upload.status != UploadStatus.PREVIEW:
            raise ApplicationError(f"该上传已{upload.get_status_display()}，不能再次导入")
        if upload.error_count:
            raise ApplicationError(f"文件中还有 {upload.error_count} 处错误，请修改文件后重新上传，本次未导入任何数据")
        needed = upload_confirmations(upload)
        if needed and not confirm_warnings:
            raise ApplicationError("文件中有需要核实的项目，请勾选“" + "；".join(needed) + "”后再导入")
        if aid_list.uploads.filter(sha256=upload.sha256, status=UploadStatus.COMMITTED).exists():
            raise ApplicationError("同一文件已导入本清单，未重复添加")
        if upload.replace:
            existing = aid_list.items.all()
            if Match.objects.filter(need__in=existing).exists() or Match.objects.filter(supply__in=existing).exists():
                raise ApplicationError("清单中已有项目进入对接，不能整体替换；请改为追加，或在网页上逐项修改")
            removed = existing.count()
            existing.delete()
            start = 1
        else:
            removed = 0
            start = (aid_list.items.aggregate(m=Max("seq"))["m"] or 0) + 1
            existing = existing_item_keys(aid_list)
            late = [str(r["row"]) for r in upload.rows
                    if DUPLICATE_WARNING not in r["warnings"] and _row_key(r) in existing]
            if late:
                raise StaleVersion(f"预览之后清单中又加入了与第{'、'.join(late)}行相同的项目，"
                                   "请重新上传文件核对，本次未导入任何数据")
        items = [_item_from_row(row["values"], aid_list=aid_list, seq=start + offset, upload=upload)
                 for offset, row in enumerate(upload.rows)]
        AidItem.objects.bulk_create(items, batch_size=2000)
        upload.status = UploadStatus.COMMITTED
        upload.committed_at = timezone.now()
        try:
            with transaction.atomic():
                upload.save(update_fields=["status", "committed_at"])
        except IntegrityError:
            raise ApplicationError("同一文件已导入本清单，未重复添加") from None
        record_change(actor=user, action=AuditAction.UPDATE, obj=upload,
                      note=f"导入 {len(items)} 个项目" + (f"，替换原有 {removed} 个" if upload.replace else ""))
    return len(items)


def _item_from_row(values: dict, *, aid_list: AidList, seq: int, upload: Upload) -> AidItem:
    """A previewed row (JSON: the spec's fields as text, a resolved object as ``<name>_id``) as a new item."""
    spec = SPECS[aid_list.kind]
    fields = {f: AidItem._meta.get_field(f).to_python(values[f]) for f in spec.fields}
    resolved = {f"{c.resolves}_id": values[f"{c.resolves}_id"] for c in spec.data_columns if c.resolves}
    return AidItem(aid_list=aid_list, seq=seq, upload=upload, **fields, **resolved,
                   amount_confirmed=amount_needs_confirmation(fields["amount"]))


def upload_discard(*, upload: Upload, user) -> None:
    with transaction.atomic():
        upload = Upload.objects.select_for_update().get(pk=upload.pk)
        if upload.status != UploadStatus.PREVIEW:
            raise ApplicationError(f"该上传已{upload.get_status_display()}")
        upload.status = UploadStatus.DISCARDED
        upload.save(update_fields=["status"])
        record_change(actor=user, action=AuditAction.UPDATE, obj=upload, note="放弃导入")


# --- submission: draft → submitted → accepted / returned → resubmitted ----------------------------
def version_workbook(aid_list: AidList, rows: list[dict]) -> bytes:
    from aid_projects.writer import write_attachment

    buffer = io.BytesIO()
    write_attachment(buffer, SPECS[aid_list.kind], aid_list.authority.bureau_name, rows)
    return buffer.getvalue()


def list_submit(*, aid_list: AidList, user) -> ListVersion:
    with transaction.atomic():
        aid_list = _lock(aid_list)
        if aid_list.status not in (ListStatus.DRAFT, ListStatus.RETURNED):
            raise ApplicationError(f"清单当前为“{aid_list.get_status_display()}”，不能报送")
        if not aid_list.campaign.is_open:
            raise ApplicationError(f"{aid_list.campaign.name}已停止收集")
        rows = list_rows(aid_list)
        if not rows:
            raise ApplicationError("清单是空的，请先填写或上传项目" if aid_list.kind != ListKind.LIAISON
                                   else "还没有填写联络员")
        if aid_list.kind == ListKind.LIAISON and not Liaison.objects.filter(
                campaign=aid_list.campaign, authority=aid_list.authority).exists():
            raise ApplicationError("请先填写省级联络员（附件1 的第一行）")
        before = stored_snapshot(aid_list)
        number = (aid_list.versions.aggregate(m=Max("number"))["m"] or 0) + 1
        now = timezone.now()
        version = ListVersion(aid_list=aid_list, number=number, rows=rows, submitted_by=user, submitted_at=now)
        spec = SPECS[aid_list.kind]
        version.file.save(f"{aid_list.authority.name}{spec.attachment}第{number}版.xlsx",
                          ContentFile(version_workbook(aid_list, rows)), save=False)
        version.save()
        # previews left unconfirmed are dropped: the list goes as it is, no upload of it is pending any more
        abandoned = aid_list.uploads.filter(status=UploadStatus.PREVIEW).update(status=UploadStatus.DISCARDED)
        aid_list.status = ListStatus.SUBMITTED
        aid_list.submitted_at = now
        aid_list.submitted_by = user
        aid_list.return_comment = ""
        aid_list.save()
        record_change(actor=user, action=AuditAction.TRANSITION, obj=aid_list, before=before,
                      after=snapshot(aid_list), note=f"报送第{number}版，{len(rows)} 行"
                      + (f"；未确认的上传 {abandoned} 个已作废" if abandoned else ""))
        schedule_rebuild(aid_list)
    return version


def list_decide(*, aid_list: AidList, user, accept: bool, comment: str = "") -> AidList:
    """The ministry accepts a submitted list, or returns it with a comment (also an accepted one, to unlock it)."""
    comment = (comment or "").strip()
    if not accept and not comment:
        raise ApplicationError("退回清单时请填写退回意见，说明需要修改的地方")
    with transaction.atomic():
        aid_list = _lock(aid_list)
        # an accepted list may still be returned (the province asks to correct it): that is how it unlocks
        if aid_list.status != ListStatus.SUBMITTED and not (aid_list.status == ListStatus.ACCEPTED and not accept):
            raise ApplicationError(f"清单当前为“{aid_list.get_status_display()}”，只有已报送的清单可以接收或退回，"
                                   "已接收的清单只能退回")
        before = stored_snapshot(aid_list)
        now = timezone.now()
        aid_list.status = ListStatus.ACCEPTED if accept else ListStatus.RETURNED
        aid_list.return_comment = "" if accept else comment
        aid_list.decided_at, aid_list.decided_by = now, user
        aid_list.save()
        version = aid_list.versions.order_by("-number").first()
        version.decision, version.comment, version.decided_by, version.decided_at = (
            aid_list.status, comment, user, now)
        version.save(update_fields=["decision", "comment", "decided_by", "decided_at"])
        record_change(actor=user, action=AuditAction.TRANSITION, obj=aid_list, before=before,
                      after=snapshot(aid_list), note=("接收" if accept else "退回") + f"第{version.number}版"
                      + (f"：{comment}" if comment else ""))
        schedule_rebuild(aid_list)  # the national workbook and the province's own, ready before anyone asks
    return aid_list


def stamped_scan_attach(*, aid_list: AidList, scan, user) -> AidList:
    """Attach (or replace) the stamped scan of attachment 1, a PDF or an image, until the list is accepted."""
    if aid_list.kind != ListKind.LIAISON:
        raise ApplicationError("只有附件1（联络员表）需要上传盖章扫描件")
    with transaction.atomic():
        aid_list = _lock(aid_list)
        if aid_list.status == ListStatus.ACCEPTED:
            raise ApplicationError("清单已被接收，不能再更换扫描件")
        refusal = scan_refusal(scan)
        if refusal:
            raise ApplicationError(refusal)
        before = stored_snapshot(aid_list)
        aid_list.stamped_scan = scan
        aid_list.save()
        record_change(actor=user, action=AuditAction.UPDATE, obj=aid_list, before=before,
                      after=snapshot(aid_list), note="上传盖章扫描件")
    return aid_list


# --- liaisons --------------------------------------------------------------------------------------
def liaison_list_editable(campaign: Campaign, authority: Authority) -> None:
    """Liaisons can change while the province's attachment 1 is not waiting for or past acceptance."""
    province = authority.province
    aid_list = AidList.objects.filter(campaign=campaign, authority=province, kind=ListKind.LIAISON).first()
    if aid_list is not None and aid_list.status in (ListStatus.SUBMITTED, ListStatus.ACCEPTED):
        raise ApplicationError(f"{province.name}的附件1已{aid_list.get_status_display()}，联络员信息不能再修改"
                               "（如需修改，请联系部里退回）")


RECIPIENTS_ONLY = "只有受援地区（西藏、新疆、青海、四川、甘肃、云南、兵团）的登记管理机关设联络员"


def liaison_refusals(campaign: Campaign | None, authority: Authority | None) -> dict[str, str]:
    """{field ("" for the whole row): why ``authority`` cannot keep a liaison in ``campaign``}, {} when
    it can — the table form and the API ask the same question."""
    refusals = {}
    if authority is not None and not authority.province.is_aid_recipient:
        refusals["authority"] = RECIPIENTS_ONLY
    if authority is not None and campaign is not None:
        try:
            liaison_list_editable(campaign, authority)
        except ApplicationError as exc:
            refusals[""] = exc.message
    return refusals


def liaisons_copy_previous(*, aid_list: AidList, user) -> int:
    """Copy last campaign's liaisons of the province (and its prefectures and counties) into this
    campaign's draft 附件1; an authority that already has a liaison this year keeps its own."""
    if aid_list.kind != ListKind.LIAISON:
        raise ApplicationError("只有附件1（联络员表）可以复制上年度联络员")
    with transaction.atomic():
        aid_list = _lock(aid_list)
        _require_editable(aid_list)
        previous = previous_campaign(aid_list.campaign)
        if previous is None:
            raise ApplicationError("没有上一年度的对接工作，无可复制的联络员")
        taken = set(Liaison.objects.filter(within_q("authority", aid_list.authority), campaign=aid_list.campaign)
                    .values_list("authority_id", flat=True))
        copied = 0
        for old in Liaison.objects.filter(within_q("authority", aid_list.authority), campaign=previous) \
                .exclude(authority_id__in=taken).order_by("authority__code"):
            liaison = Liaison(campaign=aid_list.campaign, authority_id=old.authority_id,
                              **{f: getattr(old, f) for f in LIAISON_SNAPSHOT_FIELDS})
            liaison.full_clean()
            liaison.save()
            record_change(actor=user, action=AuditAction.CREATE, obj=liaison, after=snapshot(liaison),
                          note=f"复制自{previous.name}")
            copied += 1
        if not copied:
            raise ApplicationError(f"{previous.name}没有可复制的联络员（或本年度各单位已填写）")
    return copied


# --- matching (对接) --------------------------------------------------------------------------------
def match_propose(*, need: AidItem, supply: AidItem, user, amount: Decimal | None = None, note: str = "") -> Match:
    """An aiding province puts one of its supply items forward against a need (意向对接)."""
    if need.aid_list.kind != ListKind.NEED or supply.aid_list.kind != ListKind.SUPPLY:
        raise ApplicationError("只能用供给清单中的项目对接需求清单中的项目")
    if user.is_ministry or not supply.aid_list.authority.is_within(user.authority):
        raise ApplicationError("只能用本省（区、市）供给清单中的项目提出对接")
    if need.aid_list.status != ListStatus.ACCEPTED:
        raise ApplicationError("该需求清单尚未被部里接收，暂不能对接")
    areas = paired_areas(user.authority)
    if need.aid_list.authority_id not in areas:
        raise ApplicationError(f"{need.aid_list.authority.name}不在本省的对口支援范围内")
    if not AidItem.objects.filter(pk=need.pk).filter(paired_places_q(areas)).exists():
        raise ApplicationError(f"{need.place.full_name}不在本省对口支援的地市（师）范围内")
    if amount is not None and amount <= 0:
        raise ApplicationError("对接资金必须大于0")
    with transaction.atomic():
        if Match.objects.filter(need=need, supply=supply).exclude(
                status__in=[MatchStatus.DECLINED, MatchStatus.WITHDRAWN]).exists():
            raise ApplicationError("该供给项目已对这一需求提出过对接")
        match = Match(need=need, supply=supply, amount=amount or min(need.amount, supply.amount), note=note,
                      proposed_by=user)
        match.full_clean(exclude=["need", "supply"])
        match.save()
        record_change(actor=user, action=AuditAction.CREATE, obj=match, after=snapshot(match), note="提出意向对接")
    return match


def match_transition(*, match: Match, to_status: str, user, note: str = "", amount: Decimal | None = None,
                     spent: Decimal | None = None) -> Match:
    with transaction.atomic():
        match = Match.objects.select_for_update().select_related(
            "need__aid_list__authority", "supply__aid_list__authority").get(pk=match.pk)
        allowed = MATCH_TRANSITIONS.get(match.status, {})
        if to_status not in allowed:
            raise ApplicationError(
                f"对接当前为“{match.get_status_display()}”，不能改为“{MatchStatus(to_status).label}”")
        who = allowed[to_status]
        if not may_take(user, match, who):
            side_name = {"recipient": "受援方", "aiding": "支援方", "either": "对接双方"}[who]
            raise ApplicationError(f"这一步应由{side_name}操作")
        if to_status not in match_steps(match, user):
            raise ApplicationError("您没有答复对接意向的权限")
        before = stored_snapshot(match)
        match.status = to_status
        if amount is not None:
            if amount <= 0:
                raise ApplicationError("对接资金必须大于0")
            match.amount = amount
        if spent is not None:
            if spent < 0:
                raise ApplicationError("已投入资金不能为负数")
            match.spent = spent
        if to_status in (MatchStatus.MATCHED, MatchStatus.DECLINED):
            match.decided_by, match.decided_at = user, timezone.now()
            match.decision_note = note
        elif note:
            match.note = (match.note + "\n" if match.note else "") + note
        match.save()
        record_change(actor=user, action=AuditAction.TRANSITION, obj=match, before=before, after=snapshot(match),
                      note=f"{MatchStatus(before['status']).label} → {match.get_status_display()}"
                           + (f"：{note}" if note else ""))
    return match


# --- summaries (汇总下载) ---------------------------------------------------------------------------
class SummaryNotAllowed(ApplicationError):
    """The user's role may not start this summary (the page and the API answer 403)."""


class SummaryNotFound(ApplicationError):
    """An unknown summary, or a list or campaign outside the user's scope (the page and the API answer 404)."""


def _summary_object(queryset, pk):
    try:
        return queryset.get(pk=int(pk))
    except (TypeError, ValueError):
        raise SummaryNotFound("参数有误。") from None
    except queryset.model.DoesNotExist:
        raise SummaryNotFound("清单或对接年度不存在，或不在您的范围内") from None


def summary_start(*, user, kind: str, campaign_id=None, list_id=None) -> tuple[Job, bool]:
    """Start one summary job (or find the one already running): (job, started).  The page and the API."""
    if kind == jobs.ATTACHMENT:
        aid_list = _summary_object(
            AidList.objects.restrict(user, "view").filter(authority=user.authority).select_related("campaign"),
            list_id)
        params = {"list_id": aid_list.pk}
        spec = SPECS[aid_list.kind]
        title = f"{user.authority.name}{spec.attachment}（{aid_list.campaign.name}）"
    elif kind in NATIONAL_PERMISSIONS or kind == jobs.PAIRED_NEEDS:
        allowed = may_run_national(user, kind) if kind in NATIONAL_PERMISSIONS else may_run_paired(user)
        if not allowed:
            raise SummaryNotAllowed("您的角色不能生成这份汇总。")
        campaign = _summary_object(Campaign.objects.restrict(user, "view"), campaign_id)
        params = {"campaign_id": campaign.pk}
        title = f"{campaign.name}{REGISTRY[kind].title}"
    else:
        raise SummaryNotFound("未知的汇总类型。")
    running = running_summary(kind, user.authority, params)
    if running is not None:
        return running, False
    with transaction.atomic():
        job = job_start(kind=kind, user=user, authority=user.authority, params=params, title=title)
    return job, True
