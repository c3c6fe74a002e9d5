"""An abandoned upload stops showing as 「有未确认的上传」: once the list is submitted, once it is a day
old, and never to anyone but the one who uploaded it."""

import datetime
import io

import pytest
from django.utils import timezone

from aid_projects import services
from aid_projects.choices import ListKind, UploadStatus
from aid_projects.models import Upload
from tests.aid_projects.factories import make_campaign, make_item, make_list
from tests.aid_projects.xlsx import GOOD_NEED, handmade
from tests.factories import make_user

pytestmark = pytest.mark.django_db
PENDING = "有未确认的上传"


@pytest.fixture
def need_list(db):
    aid_list = make_list(make_campaign(), "540000", ListKind.NEED)
    make_item(aid_list, name="已有项目")
    return aid_list


def abandoned_preview(aid_list, user, row=None):
    data = handmade([row or GOOD_NEED])
    return services.upload_preview(aid_list=aid_list, fileobj=io.BytesIO(data), filename="半途而废.xlsx",
                                   size=len(data), user=user)


def page(client, user, aid_list) -> str:
    client.force_login(user)
    response = client.get(f"/aid/lists/{aid_list.pk}/")
    assert response.status_code == 200
    return response.content.decode()


def test_own_fresh_preview_is_pending_until_the_list_is_submitted(client, need_list, xizang_liaison):
    upload = abandoned_preview(need_list, xizang_liaison)
    assert PENDING in page(client, xizang_liaison, need_list)
    services.list_submit(aid_list=need_list, user=xizang_liaison)
    upload.refresh_from_db()
    assert upload.status == UploadStatus.DISCARDED
    assert PENDING not in page(client, xizang_liaison, need_list)


def test_preview_older_than_a_day_is_no_longer_pending(client, need_list, xizang_liaison):
    upload = abandoned_preview(need_list, xizang_liaison)
    Upload.objects.filter(pk=upload.pk).update(created=timezone.now() - datetime.timedelta(hours=25))
    assert PENDING not in page(client, xizang_liaison, need_list)


def test_nobody_else_sees_a_users_unconfirmed_upload(client, need_list, xizang_liaison, ministry_staff):
    abandoned_preview(need_list, xizang_liaison)
    colleague = make_user("xz_colleague", "540000", "联络员")
    assert PENDING not in page(client, ministry_staff, need_list)
    assert PENDING not in page(client, colleague, need_list)
    assert PENDING in page(client, xizang_liaison, need_list)
