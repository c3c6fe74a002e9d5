"""One rule set per aid row: the column spec (aid_projects/sheets.py) is where each field and rule lives.

The browser table form, the API serializer, the reader, the upload commit and the blank template are
derived from it: a column's field list and its rule reach all of them, and the API's row writes go
through the same services as the page (lock, editability, numbering, audit rows).
"""

from __future__ import annotations

import dataclasses
import io
import re
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile

from aid_projects import services
from aid_projects.api.serializers import AidItemSerializer, LiaisonSerializer
from aid_projects.choices import ListKind, ListStatus
from aid_projects.forms import AidItemForm, LiaisonForm
from aid_projects.models import AidItem, Upload
from aid_projects.reader import _find_header, parse_workbook
from aid_projects.sheets import ITEM_FIELDS, LIAISON_SPEC, NEED_SPEC, SPECS, SUPPLY_SPEC, Column
from aid_projects.validation import AMOUNT_WARNING_ABOVE, RowError
from aid_projects.writer import HEADER_ROW, write_blank_template
from portal.models import AuditAction, AuditEntry, Authority
from portal.services import ApplicationError
from tests.aid_projects.factories import make_campaign, make_item, make_list
from tests.aid_projects.xlsx import GOOD_NEED, handmade

pytestmark = pytest.mark.django_db
API = "/api/aid"
ROOT = Path(__file__).resolve().parents[2]


def _header_cells(spec) -> list[str]:
    buffer = io.BytesIO()
    write_blank_template(buffer, spec)
    ws = openpyxl.load_workbook(io.BytesIO(buffer.getvalue())).active
    return [ws.cell(HEADER_ROW, col).value for col in range(1, len(spec.columns) + 1)]


def _reader_fields(spec) -> list[str]:
    """The fields the reader maps from the header row of the spec's own blank template."""
    buffer = io.BytesIO()
    write_blank_template(buffer, spec)
    ws = openpyxl.load_workbook(io.BytesIO(buffer.getvalue())).active
    rows = [list(r) for r in ws.iter_rows(values_only=True)]
    head = _find_header(rows, spec)
    return [head.mapping[i] for i in sorted(head.mapping) if head.mapping[i]]  # 序号 fills no field


@pytest.mark.parametrize("spec", [NEED_SPEC, SUPPLY_SPEC], ids=["附件2", "附件3"])
def test_item_form_serializer_reader_and_template_follow_the_spec(spec):
    assert ITEM_FIELDS == spec.fields
    assert AidItemForm._meta.fields == list(spec.fields)
    serializer_fields = AidItemSerializer.Meta.fields
    assert [f for f in serializer_fields if f in spec.fields] == list(spec.fields)
    assert _reader_fields(spec) == list(spec.fields)
    assert _header_cells(spec) == spec.printed_headers
    # every column of a row has a rule (序号 aside), and only 资金 warns
    assert all(c.rule is not None for c in spec.data_columns)
    assert [c.field for c in spec.data_columns if c.warning] == ["amount"]


def test_liaison_form_and_serializer_follow_the_attachment_1_spec():
    assert LIAISON_SPEC.record_fields == ("name", "unit", "work_phone", "mobile", "email")
    assert LiaisonForm._meta.fields == ["campaign", "authority", *LIAISON_SPEC.record_fields]
    assert [f for f in LiaisonSerializer.Meta.fields if f in LIAISON_SPEC.record_fields] == \
        list(LIAISON_SPEC.record_fields)
    assert _header_cells(LIAISON_SPEC) == LIAISON_SPEC.printed_headers
    assert services.LIAISON_SNAPSHOT_FIELDS == LIAISON_SPEC.record_fields
    rules = {c.field: c.rule.__name__ for c in LIAISON_SPEC.data_columns if c.rule}
    assert rules == {"work_phone": "clean_landline", "mobile": "clean_mobile", "email": "clean_email"}
    # the form and the API answer with the same rule's words
    row = {"campaign": make_campaign().pk, "authority": Authority.objects.get(code="540100").pk, "name": "次旦",
           "unit": "拉萨市民政局", "work_phone": "0891-6812345", "mobile": "12345", "email": "a@example.cn"}
    form = LiaisonForm(data=row)
    serializer = LiaisonSerializer(data=row)
    assert not form.is_valid() and not serializer.is_valid()
    message = "手机“12345”不是有效的中国大陆手机号码（11位，1开头）"
    assert form.errors["mobile"] == [message] and serializer.errors["mobile"] == [message]


def _strict_name(value):
    """A stricter rule for the test: no 测试 in a project's name."""
    name = str(value or "").strip()
    if "测试" in name:
        raise RowError("项目名称不能含“测试”")
    if not name:
        raise RowError("请填写项目名称")
    return name


@pytest.fixture
def strict_need_spec(monkeypatch):
    columns = tuple(dataclasses.replace(c, rule=_strict_name) if c.field == "name" else c for c in NEED_SPEC.columns)
    spec = dataclasses.replace(NEED_SPEC, columns=columns)
    monkeypatch.setitem(SPECS, ListKind.NEED, spec)
    return spec


def test_a_rule_changed_in_the_spec_holds_in_the_form_the_api_and_the_reader(client, xizang_liaison,
                                                                              strict_need_spec):
    aid_list = make_list(make_campaign(), "540000", ListKind.NEED)
    row = dict(zip(ITEM_FIELDS, ["测试项目", *GOOD_NEED[1:]], strict=True))
    # the table form
    form = AidItemForm(data=row, aid_list=aid_list)
    assert not form.is_valid() and form.errors["name"] == ["项目名称不能含“测试”"]
    # the API
    client.force_login(xizang_liaison)
    refused = client.post(f"{API}/items/", {**row, "aid_list": aid_list.pk}, content_type="application/json")
    assert refused.status_code == 400 and refused.json()["name"] == ["项目名称不能含“测试”"]
    # an uploaded file
    data = handmade([["测试项目", *GOOD_NEED[1:]]])
    rows = parse_workbook(io.BytesIO(data), kind=ListKind.NEED, province_code="540000")
    assert rows[0].errors == {"name": "项目名称不能含“测试”"}
    assert not aid_list.items.exists()


def test_a_new_column_reaches_the_template_the_reader_and_the_row_rules():
    def clean_code(value):
        if not re.fullmatch(r"XZ-\d{3}", str(value or "")):
            raise RowError("项目编号应为“XZ-001”的形式")
        return str(value)

    code = Column("项目编号", "code", 10, ("项目编号",), rule=clean_code)
    spec = dataclasses.replace(NEED_SPEC, columns=(*NEED_SPEC.columns, code))
    assert spec.fields == (*ITEM_FIELDS, "code")
    assert _header_cells(spec)[-1] == "项目编号"
    assert _reader_fields(spec) == [*ITEM_FIELDS, "code"]
    clean, errors = spec.clean_row({"code": "12"})
    assert clean == {} and errors == {"code": "项目编号应为“XZ-001”的形式"}
    assert spec.clean_row({"code": "XZ-001"}) == ({"code": "XZ-001"}, {})


def test_one_named_threshold_for_large_amounts():
    """The 200万元 of the notice is ``AMOUNT_WARNING_ABOVE``: no comparison with a bare 200 in the app."""
    assert AMOUNT_WARNING_ABOVE == Decimal("200")
    bare = re.compile(r"(?:[<>]=?|__(?:lt|lte|gt|gte)=)\s*(?:Decimal\(\s*[\"']?)?200\b")
    offenders = []
    for path in [*(ROOT / "aid_projects").rglob("*.py"), *(ROOT / "templates" / "aid_projects").rglob("*.html")]:
        if "migrations" in path.parts:
            continue
        text = path.read_text(encoding="utf-8")
        offenders += [f"{path.relative_to(ROOT)}: {m.group(0)}" for m in bare.finditer(text)]
        if path.suffix == ".html":
            offenders += [f"{path.relative_to(ROOT)}: 200万元" for _ in re.finditer(r"200万元", text)]
    assert offenders == []


def test_the_api_modules_import_no_html_view_module():
    html_views = re.compile(r"^\s*(?:from aid_projects import .*\b(?:views|summary_views)\b"
                            r"|from aid_projects\.(?:views|summary_views)\b"
                            r"|import aid_projects\.(?:views|summary_views)\b)", re.MULTILINE)
    found = [(path.name, m.group(0).strip()) for path in (ROOT / "aid_projects" / "api").glob("*.py")
             for m in html_views.finditer(path.read_text(encoding="utf-8"))]
    assert found == []


def _audit(item_pk, action):
    return AuditEntry.objects.filter(content_type=ContentType.objects.get_for_model(AidItem),
                                     object_id=str(item_pk), action=action)


def test_api_item_writes_go_through_the_table_forms_services(client, xizang_liaison, monkeypatch):
    calls = []
    for name in ("item_save", "item_delete"):
        original = getattr(services, name)
        monkeypatch.setattr(services, name, lambda *a, _f=original, _n=name, **kw: calls.append(_n) or _f(*a, **kw))
    aid_list = make_list(make_campaign(), "540000", ListKind.NEED)
    first = make_item(aid_list, name="已有项目")
    client.force_login(xizang_liaison)
    row = {"aid_list": aid_list.pk, "name": "牧区小学午餐", "category": "教育帮扶", "place_text": "城关区",
           "summary": "", "amount": "250", "confirm_large": True, "contact_name": "次仁",
           "contact_mobile": "13908961234"}
    created = client.post(f"{API}/items/", row, content_type="application/json")
    assert created.status_code == 201, created.content
    item = AidItem.objects.get(pk=created.json()["id"])
    assert (item.seq, item.amount_confirmed, item.place.code) == (2, True, "540102")
    assert _audit(item.pk, AuditAction.CREATE).get().after["name"] == "牧区小学午餐"
    changed = client.patch(f"{API}/items/{item.pk}/", {"name": "牧区小学营养午餐"}, content_type="application/json")
    assert changed.status_code == 200 and changed.json()["name"] == "牧区小学营养午餐"
    update = _audit(item.pk, AuditAction.UPDATE).get()
    assert (update.before["name"], update.after["name"]) == ("牧区小学午餐", "牧区小学营养午餐")
    # deleting renumbers the rest, as the table form does
    assert client.delete(f"{API}/items/{first.pk}/").status_code == 204
    assert _audit(first.pk, AuditAction.DELETE).exists()
    item.refresh_from_db()
    assert item.seq == 1
    assert calls == ["item_save", "item_save", "item_delete"]


def test_api_item_writes_meet_the_pages_checks(client, xizang_liaison, zhejiang_staff):
    campaign = make_campaign()
    aid_list = make_list(campaign, "540000", ListKind.NEED)
    item = make_item(aid_list)
    client.force_login(xizang_liaison)
    # a submitted list: the same refusal as the table form's service
    aid_list.status = ListStatus.SUBMITTED
    aid_list.save(update_fields=["status"])
    with pytest.raises(ApplicationError) as page:
        services.items_save(aid_list=aid_list, forms_data=[], deleted=[item], user=xizang_liaison)
    for response in (client.delete(f"{API}/items/{item.pk}/"),
                     client.patch(f"{API}/items/{item.pk}/", {"name": "改名"}, content_type="application/json")):
        assert response.status_code == 400 and response.json()["detail"] == page.value.message
    item.refresh_from_db()
    assert item.name != "改名" and not _audit(item.pk, AuditAction.UPDATE).exists()
    # an item with a match cannot be deleted, through the page's service or the API
    aid_list.status = ListStatus.DRAFT
    aid_list.save(update_fields=["status"])
    supply = make_item(make_list(campaign, "330000", ListKind.SUPPLY), place_code="330000")
    from aid_projects.models import Match

    Match.objects.create(need=item, supply=supply, amount=Decimal("10"), proposed_by=zhejiang_staff)
    response = client.delete(f"{API}/items/{item.pk}/")
    assert response.status_code == 400 and response.json()["detail"] == f"项目“{item.name}”已有对接记录，不能删除"
    assert AidItem.objects.filter(pk=item.pk).exists()


def test_upload_commit_takes_its_fields_from_the_spec(client, xizang_liaison):
    aid_list = make_list(make_campaign(), "540000", ListKind.NEED)
    client.force_login(xizang_liaison)
    large = ["大项目", *GOOD_NEED[1:4], "250", *GOOD_NEED[5:]]
    client.post(f"/aid/lists/{aid_list.pk}/upload/", {"file": SimpleUploadedFile("需求.xlsx", handmade([large]))})
    upload = Upload.objects.latest("id")
    assert set(upload.rows[0]["values"]) == {*ITEM_FIELDS, "place_id", "place_name"}
    services.upload_commit(upload=upload, user=xizang_liaison, confirm_warnings=True)
    item = aid_list.items.get()
    assert {f: str(getattr(item, f)) for f in ITEM_FIELDS} == {f: upload.rows[0]["values"][f] for f in ITEM_FIELDS}
    assert item.amount_confirmed and item.place_id == upload.rows[0]["values"]["place_id"]


def test_summary_start_is_a_service_raising_application_errors(xizang_staff, zhejiang_staff):
    campaign = make_campaign()
    need_list = make_list(campaign, "540000", ListKind.NEED)
    with pytest.raises(services.SummaryNotAllowed) as refused:
        services.summary_start(user=xizang_staff, kind="aid_national_need", campaign_id=campaign.pk)
    assert isinstance(refused.value, ApplicationError)
    with pytest.raises(services.SummaryNotFound):
        services.summary_start(user=zhejiang_staff, kind="aid_attachment", list_id=need_list.pk)
    with pytest.raises(services.SummaryNotFound):
        services.summary_start(user=xizang_staff, kind="aid_attachment", list_id="x")
    job, started = services.summary_start(user=xizang_staff, kind="aid_attachment", list_id=need_list.pk)
    assert started and job.params == {"list_id": need_list.pk}
    assert services.summary_start(user=xizang_staff, kind="aid_attachment", list_id=need_list.pk) == (job, False)


def test_stamped_scan_is_attached_by_a_service(xizang_staff):
    campaign = make_campaign()
    liaison_list = make_list(campaign, "540000", ListKind.LIAISON)
    pdf = SimpleUploadedFile("scan.pdf", b"%PDF-1.4 stamped")
    with pytest.raises(ApplicationError, match="只有附件1"):
        services.stamped_scan_attach(aid_list=make_list(campaign, "540000", ListKind.NEED), scan=pdf,
                                     user=xizang_staff)
    with pytest.raises(ApplicationError, match="PDF、PNG 或 JPG"):
        services.stamped_scan_attach(aid_list=liaison_list, scan=SimpleUploadedFile("a.txt", b"hello"),
                                     user=xizang_staff)
    services.stamped_scan_attach(aid_list=liaison_list, scan=pdf, user=xizang_staff)
    liaison_list.refresh_from_db()
    assert liaison_list.stamped_scan.name.endswith(".pdf")
    assert AuditEntry.objects.filter(action=AuditAction.UPDATE, note="上传盖章扫描件").exists()
