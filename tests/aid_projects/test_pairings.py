"""The central pairing table: loaded, resolved, reloaded over an older table without losing history or edits."""

from __future__ import annotations

import csv
import datetime
import importlib
from pathlib import Path

import pytest
from django.apps import apps

from aid_projects.choices import ListKind, ListStatus
from aid_projects.models import AidItem, Pairing
from aid_projects.reference import PAIRINGS_CSV, load_pairings, resolve_aiding, resolve_area
from aid_projects.services import match_propose
from portal.models import AuditEntry, Authority
from portal.services import ApplicationError
from tests.aid_projects.factories import make_campaign, make_item, make_list
from tests.factories import make_user

pytestmark = pytest.mark.django_db

UNCHECKED_TABLE = Path(__file__).parent / "data" / "pairings_unchecked.csv"  # the table before it was checked


def fujian_tibet():
    return Pairing.objects.filter(program="援藏", aiding_authority__code="350000")


def table_state(pk=None):
    """Every pairing row (or the one with ``pk``) with its resolved counties, as comparable values."""
    rows = Pairing.objects.order_by("pk").prefetch_related("recipient_counties")
    return [
        (p.pk, p.table_key, p.aiding_authority_id, p.aiding_unit_label, p.recipient_area_id, p.recipient_area_label,
         p.recipient_counties_label, p.level, p.confidence, p.source_note, p.valid_from, p.valid_to, p.edited_by_id,
         p.edited_at, sorted(c.pk for c in p.recipient_counties.all()))
        for p in (rows if pk is None else rows.filter(pk=pk))
    ]


def edit_in_browser(client, user, pairing, **changes):
    client.force_login(user)
    form = client.get(f"/aid/pairings/{pairing.pk}/").context["form"]
    data = {k: ("" if v is None else v) for k, v in form.initial.items() if k in form.fields}
    data.update(changes)
    response = client.post(f"/aid/pairings/{pairing.pk}/", data)
    assert response.status_code == 302, response.context["form"].errors if response.context else response
    client.logout()


# --- the table as loaded ----------------------------------------------------------------------------
def test_repository_table_is_the_checked_table_plus_dates_and_history():
    shared_columns = ["program", "aiding_unit", "recipient_province", "recipient_prefecture",
                      "recipient_counties_or_divisions", "level", "confidence", "source_note"]
    with open(PAIRINGS_CSV, encoding="utf-8") as fh:
        reader = csv.DictReader(fh)
        assert reader.fieldnames == [*shared_columns, "valid_from", "valid_to"]
        lines = list(reader)
    history = [line for line in lines if line["valid_to"]]
    assert [(h["aiding_unit"], h["recipient_prefecture"], h["valid_to"]) for h in history] == [
        ("福建省", "林芝市", "2016-06-30")]
    assert len(lines) == 67 and {line["confidence"] for line in lines} == {"high", "medium", "low"}


def test_pairing_table_loaded_and_resolved():
    assert Pairing.objects.count() == 67 and not Pairing.objects.filter(table_key="").exists()
    assert Pairing.objects.current().count() == 66  # all but 福建→林芝
    zhejiang_nagqu = Pairing.objects.get(program="援藏", aiding_authority__name="浙江省")
    assert zhejiang_nagqu.recipient_area.name == "那曲市"
    # '色尼区(原那曲县)': the remark in brackets does not stop the county resolving
    assert sorted(c.name for c in zhejiang_nagqu.recipient_counties.all()) == ["嘉黎县", "比如县", "色尼区"]
    hotan = Pairing.objects.get(program="援疆", aiding_unit_label="北京市", recipient_province__code="650000")
    assert sorted(c.name for c in hotan.recipient_counties.all()) == ["和田县", "和田市", "墨玉县", "洛浦县"]
    shenzhen = Pairing.objects.get(aiding_unit_label="深圳市")
    assert shenzhen.aiding_authority.code == "440300"
    division = Pairing.objects.get(aiding_unit_label="北京市", recipient_province__code="660000")
    assert division.recipient_area.name == "第十四师昆玉市"


def test_fujian_aids_chamdo_since_july_2016_and_nyingchi_is_history():
    chamdo = fujian_tibet().get(recipient_area__name="昌都市")
    assert chamdo.valid_from == datetime.date(2016, 7, 1) and chamdo.valid_to is None
    assert sorted(c.name for c in chamdo.recipient_counties.all()) == ["八宿县", "左贡县", "洛隆县", "边坝县"]
    nyingchi = fujian_tibet().get(recipient_area__name="林芝市")
    assert nyingchi.valid_to == datetime.date(2016, 6, 30) and nyingchi.is_ended
    assert list(fujian_tibet().current()) == [chamdo]
    assert list(fujian_tibet().current(on=datetime.date(2016, 6, 30))) == [nyingchi]
    # 林芝 is aided by 广东 alone now
    assert set(Pairing.objects.current().filter(recipient_area__name="林芝市")
               .values_list("aiding_authority__name", flat=True)) == {"广东省"}


def test_units_below_the_prefecture_resolve_or_stay_as_text():
    # 兵团 regiments are not in the gazetteer: the division is the area, the regiment stays as text
    yiyang = Pairing.objects.get(aiding_unit_label="湖南省(益阳市)")
    assert yiyang.aiding_authority.name == "湖南省" and yiyang.recipient_area.name == "第十二师"
    assert yiyang.recipient_counties_label == "二二一团" and not yiyang.recipient_counties.exists()
    assert yiyang.level == "regiment"
    # 霍尔果斯经济开发区 is a development zone across several places, not 霍尔果斯市: 伊犁州 with the zone as text
    khorgos = Pairing.objects.get(recipient_counties_label="霍尔果斯经济开发区")
    assert khorgos.aiding_authority.name == "江苏省" and khorgos.recipient_area.name == "伊犁哈萨克自治州"
    assert not khorgos.recipient_counties.exists() and khorgos.confidence == "medium"
    assert khorgos.table_key.endswith("#2")  # the second 江苏→伊犁州 row
    # names the gazetteer writes longer resolve (维西县 → 维西傈僳族自治县, 木垒县 → 木垒哈萨克自治县); 州直 does not
    diqing = Pairing.objects.get(program="援滇藏区")
    assert sorted(c.name for c in diqing.recipient_counties.all()) == ["德钦县", "维西傈僳族自治县", "香格里拉市"]
    changji = Pairing.objects.get(program="援疆", aiding_authority__name="福建省")
    assert "木垒哈萨克自治县" in {c.name for c in changji.recipient_counties.all()}
    shanxi = Pairing.objects.get(program="援疆", aiding_authority__name="山西省", recipient_province__code="650000")
    assert [c.name for c in shanxi.recipient_counties.all()] == ["阜康市"]
    assert shanxi.recipient_counties_label == "阜康市;昌吉州州直"


def test_division_and_aiding_names_resolve_exactly():
    bingtuan = Authority.objects.get(code="660000")
    assert resolve_area(bingtuan, "第一师(阿拉尔市)").name == "第一师阿拉尔市"
    assert resolve_area(bingtuan, "第十一师").name == "第十一师"
    assert resolve_area(bingtuan, "第十二师").name == "第十二师"
    assert resolve_aiding("四川省内(成都市等)").name == "四川省"
    assert resolve_aiding("四川省内(成都市)").name == "四川省"
    assert resolve_aiding("浙江省(杭州市等)").name == "浙江省"


def test_corrected_notes_and_confidence():
    notes = {(p.program, p.aiding_authority.name, p.recipient_area_label): p for p in
             Pairing.objects.select_related("aiding_authority")}
    assert "滇沪对口帮扶" in notes[("援滇藏区", "上海市", "迪庆藏族自治州")].source_note
    assert "东西部协作" in notes[("援甘藏区", "天津市", "甘南藏族自治州")].source_note
    assert "东西部协作" in notes[("援川藏区", "浙江省", "甘孜藏族自治州")].source_note
    sichuan = notes[("援川藏区", "四川省", "甘孜州/阿坝州")]
    assert "7市对口20个困难县" in sichuan.recipient_counties_label and "成都 alone" in sichuan.source_note
    tianzhu = notes[("援甘藏区", "天津市", "武威市")]
    assert tianzhu.confidence == "low" and "No source found" in tianzhu.source_note


# --- reloading over the old table ------------------------------------------------------------------------
@pytest.fixture
def old_table_database():
    """The database as it was with the unchecked table, before migration 0004 gave rows their keys."""
    Pairing.objects.all().delete()
    result = load_pairings(UNCHECKED_TABLE)
    assert result["created"] == 63 and not result["unresolved"]
    Pairing.objects.update(table_key="")
    return Pairing.objects.count()


def backfill_as_migration_0004():
    importlib.import_module("aid_projects.migrations.0004_pairing_history_and_edits").backfill(apps, None)


def test_reload_over_the_old_table_keeps_history_and_ministry_edits(client, old_table_database, ministry_staff):
    fujian = make_user("fj_staff", "350000", "省级工作人员")
    campaign = make_campaign()
    tibet = make_list(campaign, "540000", ListKind.NEED, ListStatus.ACCEPTED)
    nyingchi_need = make_item(tibet, name="巴宜区牧民技能培训", place_code="540402")
    chamdo_need = make_item(tibet, name="八宿县卫生院设备", place_code="540326")
    supply = make_item(make_list(campaign, "350000", ListKind.SUPPLY), name="福建医疗队", place_code="350000")
    assert set(AidItem.objects.restrict(fujian, "view").filter(aid_list=tibet)) == {nyingchi_need}  # the old table

    # a ministry user confirms 天津→天祝 in the browser (before migration 0004, so only the audit log knows)
    tianzhu = Pairing.objects.get(program="援甘藏区", recipient_area_label="武威市")
    edit_in_browser(client, ministry_staff, tianzhu, confidence="high", source_note="部里核实：天祝县民政局 2025 确认")
    Pairing.objects.update(edited_by=None, edited_at=None)
    backfill_as_migration_0004()
    tianzhu.refresh_from_db()
    assert tianzhu.edited_by == ministry_staff and tianzhu.edited_at is not None
    assert Pairing.objects.filter(table_key="").count() == 0
    before_ids = set(Pairing.objects.values_list("pk", flat=True))
    edited_before = table_state(tianzhu.pk)

    result = load_pairings()

    # nothing deleted: the 63 old rows are all there, 4 new (福建→昌都 and the three added pairings)
    assert before_ids <= set(Pairing.objects.values_list("pk", flat=True))
    assert result["created"] == 4 and Pairing.objects.count() == old_table_database + 4 == 67
    assert result["unresolved"] == [] and result["not_in_table"] == []
    # 福建: 昌都 from 2016-07-01, 林芝 is history to 2016-06-30 (the same row, closed)
    nyingchi = fujian_tibet().get(recipient_area__name="林芝市")
    assert nyingchi.pk in before_ids and nyingchi.valid_to == datetime.date(2016, 6, 30)
    assert list(fujian_tibet().current().values_list("recipient_area__name", "valid_from")) == [
        ("昌都市", datetime.date(2016, 7, 1))]
    # 福建's paired needs come from 昌都 only: the list, the page, a proposal
    assert set(AidItem.objects.restrict(fujian, "view").filter(aid_list=tibet)) == {chamdo_need}
    client.force_login(fujian)
    page = client.get("/aid/needs/").content.decode()
    assert "八宿县卫生院设备" in page and "巴宜区牧民技能培训" not in page
    assert client.get(f"/aid/needs/{nyingchi_need.pk}/").status_code == 404
    with pytest.raises(ApplicationError, match="不在本省对口支援的地市"):
        match_propose(need=nyingchi_need, supply=supply, user=fujian)
    assert match_propose(need=chamdo_need, supply=supply, user=fujian).pk
    # the three added rows
    assert Pairing.objects.filter(aiding_unit_label="湖南省(益阳市)", recipient_counties_label="二二一团").exists()
    assert Pairing.objects.filter(program="援藏", aiding_authority__name="广东省", recipient_area__name="昌都市",
                                  confidence="medium").exists()
    assert Pairing.objects.filter(aiding_authority__name="江苏省",
                                  recipient_counties_label="霍尔果斯经济开发区").exists()
    # corrected notes on rows nobody edited
    shanxi = Pairing.objects.get(program="援疆", aiding_authority__name="山西省", recipient_province__code="650000")
    assert shanxi.pk in before_ids and shanxi.recipient_counties_label == "阜康市;昌吉州州直"
    # the ministry's row: untouched, and reported with who and when
    assert table_state(tianzhu.pk) == edited_before
    tianzhu.refresh_from_db()
    assert tianzhu.confidence == "high" and tianzhu.source_note == "部里核实：天祝县民政局 2025 确认"
    [report] = result["kept_edited"]
    assert report.startswith(f"#{tianzhu.pk} 天津市→甘肃省武威市") and ministry_staff.display_name in report
    assert "可信度" in report and "来源说明" in report

    # a second reload changes nothing, and says so
    state, audit_rows = table_state(), AuditEntry.objects.count()
    again = load_pairings()
    assert (again["created"], again["updated"], again["unchanged"]) == (0, 0, 66)
    assert again["kept_edited"] == result["kept_edited"]
    assert table_state() == state and AuditEntry.objects.count() == audit_rows


def test_reload_records_each_change_in_the_audit_log(old_table_database):
    backfill_as_migration_0004()
    result = load_pairings()
    assert result["updated"] > 0
    nyingchi = fujian_tibet().get(recipient_area__name="林芝市")
    entry = AuditEntry.objects.filter(object_id=str(nyingchi.pk), action="update").latest("id")
    assert entry.user is None and "终止日期" in entry.note
    assert entry.before["valid_to"] is None and entry.after["valid_to"] == "2016-06-30"


def test_api_edit_is_protected_too(client, ministry_staff):
    pairing = Pairing.objects.get(program="援青", aiding_authority__name="浙江省")
    client.force_login(ministry_staff)
    response = client.patch(f"/api/aid/pairings/{pairing.pk}/", {"source_note": "部里 2025 年核实"},
                            content_type="application/json")
    assert response.status_code == 200 and response.json()["edited_by"] == ministry_staff.pk
    result = load_pairings()
    pairing.refresh_from_db()
    assert pairing.source_note == "部里 2025 年核实" and pairing.edited_by == ministry_staff
    assert len(result["kept_edited"]) == 1 and f"#{pairing.pk} " in result["kept_edited"][0]


def test_unedited_drift_is_put_back_and_rows_gone_from_the_table_are_kept(tmp_path):
    pairing = Pairing.objects.get(program="援青", aiding_authority__name="山东省")
    Pairing.objects.filter(pk=pairing.pk).update(source_note="stale")  # not a browser edit: the table wins
    shorter = tmp_path / "pairings.csv"
    with open(PAIRINGS_CSV, encoding="utf-8") as src, open(shorter, "w", encoding="utf-8") as dst:
        lines = src.readlines()
        dst.writelines(line for line in lines if "援青,江苏省" not in line)
    result = load_pairings(shorter)
    pairing.refresh_from_db()
    assert pairing.source_note.startswith("山东→海北") and result["updated"] == 1
    [gone] = result["not_in_table"]
    assert "江苏省→青海省海南藏族自治州" in gone
    assert Pairing.objects.filter(program="援青", aiding_authority__name="江苏省").exists()


# --- the pairing page ----------------------------------------------------------------------------------
def test_pairing_page_shows_confidence_and_source_and_filters_low_rows(client, zhejiang_staff, ministry_staff):
    client.force_login(zhejiang_staff)
    page = client.get("/aid/pairings/?program=援藏").content.decode()
    assert "可信度" in page and "来源说明" in page and "高＝两个及以上公开来源" in page
    assert "福建 supports 昌都 since 2016-07" in page  # the source note itself
    assert "低可信度待核实：1 条" in page and 'href="?confidence=low&amp;period=current"' in page
    low = client.get("/aid/pairings/?confidence=low&period=current").content.decode()
    assert "No source found for 天津→天祝" in low and "那曲市" not in low
    ended = client.get("/aid/pairings/?period=ended").content.decode()
    assert "林芝市" in ended and "2016-06-30" in ended and 'text-bg-light">已结束' in ended
    assert "昌都市" not in ended
    # a row edited in the browser says by whom
    tianzhu = Pairing.objects.get(program="援甘藏区", recipient_area_label="武威市")
    edit_in_browser(client, ministry_staff, tianzhu, confidence="medium", source_note="部里核实中")
    client.force_login(zhejiang_staff)
    low = client.get("/aid/pairings/?confidence=low").content.decode()
    assert "天祝" not in low
    page = client.get("/aid/pairings/?q=部里核实中").content.decode()
    assert ministry_staff.display_name in page
