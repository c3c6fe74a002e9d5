"""Accessibility basics of every form: an accessible name for each input, aria-describedby pointing at
elements that exist, an error summary at the top (focused by portal.js) linking to the fields."""

import re

import pytest

from aid_projects.choices import ListKind
from tests.aid_projects.factories import make_campaign, make_item, make_list

pytestmark = pytest.mark.django_db


def _check(page: str):
    ids = set(re.findall(r'\sid="([^"]+)"', page))
    for described in re.findall(r'aria-describedby="([^"]+)"', page):
        for ref in described.split():
            assert ref in ids, f"aria-describedby 指向不存在的元素：{ref}"
    labelled = set(re.findall(r'<label[^>]*for="([^"]+)"', page))
    for tag in re.findall(r"<(?:input|select|textarea)\b[^>]*>", page):
        if re.search(r'type="(hidden|submit|button)"', tag):
            continue
        input_id = re.search(r'\sid="([^"]+)"', tag)
        named = "aria-label=" in tag or (input_id and input_id.group(1) in labelled)
        assert named, f"没有标签的输入框：{tag}"


def test_lead_form_with_errors_has_summary_and_linked_errors(client, hebei_staff):
    client.force_login(hebei_staff)
    page = client.post("/crackdown/leads/new/", {"org_name": "", "source": ""}).content.decode()
    assert "data-error-summary" in page
    assert re.search(r'<a href="#id_org_name">[^<]*：', page)
    assert 'aria-describedby="id_org_name_error' in page and 'id="id_org_name_error"' in page
    _check(page)


def test_item_table_form_cells_are_labelled(client, xizang_liaison):
    aid_list = make_list(make_campaign(), "540000", ListKind.NEED)
    make_item(aid_list, place_code="540102")
    client.force_login(xizang_liaison)
    page = client.get(f"/aid/lists/{aid_list.pk}/items/").content.decode()
    page = page[:page.index("<template")] + page[page.index("</template>"):]  # the row template is not shown
    assert 'aria-label="项目拟投入资金（万元）"' in page
    _check(page)
    data = {"items-TOTAL_FORMS": "1", "items-INITIAL_FORMS": "0", "items-MIN_NUM_FORMS": "0",
            "items-MAX_NUM_FORMS": "1000", "items-0-name": "牧区小学午餐", "items-0-category": "教育帮扶",
            "items-0-place_text": "火星", "items-0-summary": "", "items-0-amount": "50",
            "items-0-contact_name": "次仁", "items-0-contact_mobile": "12345"}
    aid_list = make_list(make_campaign(2027), "540000", ListKind.NEED)
    page = client.post(f"/aid/lists/{aid_list.pk}/items/", data).content.decode()
    page = page[:page.index("<template")] + page[page.index("</template>"):]
    assert 'id="id_items-0-place_text_error"' in page
    _check(page)
