"""The audit log as the 审计管理员 reads it: changed fields only, Chinese names, values as the pages show them;
filters by real dates; a total; an export of exactly the filtered rows (itself audited)."""

import io
from datetime import UTC, datetime

import pytest
from openpyxl import load_workbook

from aid_projects import services
from aid_projects.choices import ListKind
from aid_projects.models import AidItem, AidList
from portal.audit import record_change, snapshot, stored_snapshot
from portal.audit_display import change_rows, changes_text
from portal.models import AuditAction, AuditEntry
from tests.aid_projects.factories import make_campaign, make_item, make_list

pytestmark = pytest.mark.django_db


def _edit_amount(item, amount, user):
    before = stored_snapshot(item)
    item.amount = amount
    item.save()
    return record_change(actor=user, action=AuditAction.UPDATE, obj=item, before=before, after=snapshot(item))


def test_update_shows_only_the_changed_fields_with_chinese_names_and_amounts(xizang_liaison):
    item = make_item(make_list(make_campaign(), "540000", ListKind.NEED), place_code="540102", amount="1250")
    entry = _edit_amount(AidItem.objects.get(pk=item.pk), "200", xizang_liaison)
    rows = change_rows(AuditEntry.objects.get(pk=entry.pk))
    assert [(r.label, r.before, r.after) for r in rows] == [("项目拟投入资金（万元）", "1,250.00", "200.00")]


def test_transition_shows_choice_labels_names_and_beijing_time(xizang_liaison):
    aid_list = make_list(make_campaign(), "540000", ListKind.NEED)
    make_item(aid_list, place_code="540102")
    services.list_submit(aid_list=aid_list, user=xizang_liaison)
    aid_list = AidList.objects.get(pk=aid_list.pk)
    entry = AuditEntry.objects.filter(action=AuditAction.TRANSITION, content_type__model="aidlist").latest("id")
    rows = {r.label: (r.before, r.after) for r in change_rows(entry)}
    assert rows["状态"] == ("草稿", "已报送")
    assert rows["报送人"] == ("—", str(xizang_liaison))
    beijing = aid_list.submitted_at.astimezone(__import__("zoneinfo").ZoneInfo("Asia/Shanghai"))
    assert rows["报送时间"] == ("—", beijing.strftime("%Y-%m-%d %H:%M:%S"))
    assert "id" not in {r.name for r in change_rows(entry)}


def test_utc_iso_strings_are_shown_in_beijing_time():
    entry = record_change(actor=None, action=AuditAction.UPDATE, obj=None,
                          before={"x": 1}, after={"x": 2})
    assert changes_text(entry) == "x：1 → 2"
    from portal.audit_display import format_datetime
    assert format_datetime(datetime(2026, 1, 1, 16, 30, tzinfo=UTC).isoformat()) == "2026-01-02 00:30:00"


def test_audit_page_shows_the_table_not_a_dict(client, audit_admin, xizang_liaison):
    item = make_item(make_list(make_campaign(), "540000", ListKind.NEED), place_code="540102", amount="250")
    _edit_amount(AidItem.objects.get(pk=item.pk), "200", xizang_liaison)
    client.force_login(audit_admin)
    page = client.get("/audit/", {"action": "update"}).content.decode()
    assert "<th scope=\"row\">项目拟投入资金（万元）</th><td>250.00</td><td>200.00</td>" in page
    assert "{&#x27;" not in page and "'amount'" not in page
    assert "共 1 条" in page
    assert 'type="date"' in page  # the date filters are real date inputs


def test_audit_filters_by_dates_and_exports_exactly_the_filtered_rows(client, audit_admin):
    record_change(actor=None, action=AuditAction.EXPORT, note="甲")
    record_change(actor=None, action=AuditAction.EXPORT, note="乙")
    record_change(actor=None, action=AuditAction.DOWNLOAD, note="甲乙")
    client.force_login(audit_admin)
    page = client.get("/audit/", {"time_after": "2000-01-01", "time_before": "2000-12-31"}).content.decode()
    assert "共 0 条" in page and "没有符合条件的记录" in page
    response = client.get("/audit/", {"action": "export", "q": "甲", "export": "xlsx"})
    assert response.status_code == 200
    ws = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0][0] == "时间" and len(rows) == 2 and "甲" in rows[1]
    logged = AuditEntry.objects.filter(action=AuditAction.EXPORT, user=audit_admin).get()
    assert "审计日志" in logged.note and "1 条" in logged.note
