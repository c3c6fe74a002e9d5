"""The audit before-image of an aid item is the stored row, not the instance the form already changed."""

import pytest

from aid_projects.choices import ListKind
from portal.models import AuditAction, AuditEntry
from tests.aid_projects.factories import make_campaign, make_item, make_list

pytestmark = pytest.mark.django_db


def _item_form_data(item, amount):
    return {"items-TOTAL_FORMS": "1", "items-INITIAL_FORMS": "1", "items-MIN_NUM_FORMS": "0",
            "items-MAX_NUM_FORMS": "1000", "items-0-id": str(item.pk), "items-0-name": item.name,
            "items-0-category": item.category, "items-0-place_text": "城关区", "items-0-summary": item.summary,
            "items-0-amount": amount, "items-0-contact_name": item.contact_name,
            "items-0-contact_mobile": item.contact_mobile}


def test_table_form_edit_250_to_200_records_250_before(client, xizang_liaison):
    aid_list = make_list(make_campaign(), "540000", ListKind.NEED)
    item = make_item(aid_list, place_code="540102", amount="250")
    client.force_login(xizang_liaison)
    response = client.post(f"/aid/lists/{aid_list.pk}/items/", _item_form_data(item, "200"))
    assert response.status_code == 302, response.content.decode()[:2000]
    entry = AuditEntry.objects.get(action=AuditAction.UPDATE, object_id=str(item.pk))
    assert entry.before["amount"] == "250.00"
    assert entry.after["amount"] == "200.00"


def test_api_edit_records_the_stored_amount_before(client, xizang_liaison):
    aid_list = make_list(make_campaign(), "540000", ListKind.NEED)
    item = make_item(aid_list, place_code="540102", amount="250")
    client.force_login(xizang_liaison)
    response = client.patch(f"/api/aid/items/{item.pk}/", {"amount": "200"}, content_type="application/json")
    assert response.status_code == 200, response.content.decode()
    entry = AuditEntry.objects.get(action=AuditAction.UPDATE, object_id=str(item.pk))
    assert (entry.before["amount"], entry.after["amount"]) == ("250.00", "200.00")
