"""What every list gets from portal's ScopedListView: 共 N 条, the status badge of the one mapping, Excel
export of exactly the filtered rows (audited), 「没有符合条件的记录」, and breadcrumbs below the home."""

import io

import pytest
from openpyxl import load_workbook

from crackdown.choices import LeadSource
from crackdown.services import lead_create
from portal.models import AuditAction, AuditEntry
from portal.status import badge, colour

pytestmark = pytest.mark.django_db


@pytest.fixture
def leads(hebei_staff, zhejiang_staff):
    return [lead_create(actor=hebei_staff, org_name="华夏复兴促进会", source=LeadSource.PATROL),
            lead_create(actor=hebei_staff, org_name="中华文化传承总会", source=LeadSource.PATROL),
            lead_create(actor=zhejiang_staff, org_name="浙江华夏研究院", source=LeadSource.PATROL)]


def test_list_shows_total_badges_and_export_link(client, hebei_staff, leads):
    client.force_login(hebei_staff)
    page = client.get("/crackdown/leads/").content.decode()
    assert "共 2 条" in page
    assert badge("pending", "待核查") in page and colour("pending") == "warning"
    assert "导出 Excel" in page and "export=xlsx" in page
    empty = client.get("/crackdown/leads/", {"q": "不存在的名称"}).content.decode()
    assert "共 0 条" in empty and "没有符合条件的记录" in empty


def test_export_is_exactly_the_filtered_rows_of_the_users_scope_and_audited(client, hebei_staff, leads):
    client.force_login(hebei_staff)
    response = client.get("/crackdown/leads/", {"q": "华夏", "export": "xlsx"})
    assert response.status_code == 200 and response["Content-Disposition"].startswith("attachment")
    rows = list(load_workbook(io.BytesIO(b"".join(response.streaming_content))).active.iter_rows(values_only=True))
    names = [cell for row in rows[1:] for cell in row if isinstance(cell, str) and "华夏" in cell]
    assert names == ["华夏复兴促进会"]  # 浙江's lead matches the filter too but is outside 河北's scope
    assert len(rows) == 2
    entry = AuditEntry.objects.get(action=AuditAction.EXPORT, user=hebei_staff)
    assert "导出“线索” 1 条" in entry.note and "华夏" in entry.note


def test_breadcrumbs_below_the_home(client, hebei_staff, leads):
    client.force_login(hebei_staff)
    home = client.get("/").content.decode()
    assert 'aria-label="当前位置"' not in home
    detail = client.get(f"/crackdown/leads/{leads[0].pk}/").content.decode()
    assert 'aria-label="当前位置"' in detail and '<a href="/crackdown/leads/">线索</a>' in detail

