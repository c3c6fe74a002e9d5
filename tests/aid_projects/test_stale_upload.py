"""An upload whose preview went stale (rows added to the list since) is refused with 409 over the API and
with a message on the preview page in the browser."""

from __future__ import annotations

import io

import pytest

from aid_projects import services
from aid_projects.choices import ListKind
from tests.aid_projects.factories import make_campaign, make_item, make_list
from tests.aid_projects.xlsx import GOOD_NEED, handmade

pytestmark = pytest.mark.django_db


@pytest.fixture
def stale_upload(xizang_liaison):
    need_list = make_list(make_campaign(), "540000", ListKind.NEED)
    data = handmade([GOOD_NEED])
    upload = services.upload_preview(aid_list=need_list, fileobj=io.BytesIO(data), filename="清单.xlsx",
                                     size=len(data), user=xizang_liaison)
    make_item(need_list, name=GOOD_NEED[0], place_code="540102", amount="50")  # added after the preview
    return upload


def test_api_commit_of_a_stale_preview_answers_409(client, stale_upload, xizang_liaison):
    client.force_login(xizang_liaison)
    response = client.post(f"/api/aid/uploads/{stale_upload.pk}/commit/", {}, content_type="application/json")
    assert response.status_code == 409
    assert response.json()["detail"].startswith("预览之后清单中又加入了")
    assert stale_upload.aid_list.items.count() == 1


def test_page_commit_of_a_stale_preview_shows_the_message(client, stale_upload, xizang_liaison):
    client.force_login(xizang_liaison)
    response = client.post(f"/aid/uploads/{stale_upload.pk}/commit/", follow=True)
    assert response.redirect_chain[-1][0] == f"/aid/uploads/{stale_upload.pk}/"
    assert "预览之后清单中又加入了" in response.content.decode()
