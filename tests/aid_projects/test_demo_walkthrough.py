"""README's "What to try" for 援藏援疆, on the demo data, as written: 西藏's liaison uploads into a draft
need list and submits it, the ministry accepts it, 浙江 then sees the needs; a locked list says why and
who can unlock it."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from aid_projects.choices import ListKind, ListStatus
from aid_projects.models import AidList, Campaign
from portal.demo import load_demo
from portal.models import User
from tests.aid_projects.xlsx import handmade

pytestmark = pytest.mark.django_db

NEW_NEED = ["那曲市聂荣县小学图书室", "教育帮扶", "那曲市聂荣县", "为三所小学配置图书室", "30",
            "聂荣县教育局 普布", "13908921234"]


def test_readme_walkthrough_on_the_demo_data(client):
    load_demo()
    campaign = Campaign.current()
    xz_liaison, bu_staff, zj_staff = (User.objects.get(username=u) for u in ("xz_liaison", "bu_staff", "zj_staff"))
    tibet_needs = AidList.objects.get(campaign=campaign, authority__code="540000", kind=ListKind.NEED)
    assert tibet_needs.status == ListStatus.DRAFT

    # xz_liaison: 对接年度与填报进度 → the list → 下载空白模板, 上传 Excel, 报送
    client.force_login(xz_liaison)
    page = client.get(f"/aid/lists/{tibet_needs.pk}/").content.decode()
    assert "上传 Excel" in page and "下载空白模板" in page and "lock-reason" not in page
    assert client.get("/aid/summaries/template/need/").status_code == 200
    response = client.post(f"/aid/lists/{tibet_needs.pk}/upload/",
                           {"file": SimpleUploadedFile("西藏需求.xlsx", handmade([NEW_NEED]))})
    assert response.status_code == 302, response.content.decode()[-2000:]
    upload_url = response["Location"]
    assert "错误 0 处" in client.get(upload_url).content.decode()
    client.post(upload_url + "commit/")
    client.post(f"/aid/lists/{tibet_needs.pk}/submit/")
    tibet_needs.refresh_from_db()
    assert tibet_needs.status == ListStatus.SUBMITTED
    page = client.get(f"/aid/lists/{tibet_needs.pk}/").content.decode()
    assert "正在等待民政部社会组织管理局审核" in page and "退回修改" in page and "上传 Excel" not in page

    # bu_staff: accept it on the list page; 汇总表下载 offers the national workbooks
    client.force_login(bu_staff)
    client.post(f"/aid/lists/{tibet_needs.pk}/decide/", {"decision": "accept"})
    tibet_needs.refresh_from_db()
    assert tibet_needs.status == ListStatus.ACCEPTED
    summaries = client.get("/aid/summaries/").content.decode()
    # the three national workbooks are offered (make run's worker builds them once the server is up:
    # tests/aid_projects/test_demo_summaries.py; a decision has them rebuilt: test_summaries_ready.py)
    from aid_projects import jobs
    from portal.jobs import REGISTRY

    for kind in (jobs.NATIONAL_NEED, jobs.NATIONAL_SUPPLY, jobs.NATIONAL_LIAISON):
        assert REGISTRY[kind].title in summaries

    # xz_liaison again: the accepted list is locked, and says why and who unlocks it
    client.force_login(xz_liaison)
    page = client.get(f"/aid/lists/{tibet_needs.pk}/").content.decode()
    assert "被民政部社会组织管理局接收" in page and "退回修改" in page
    response = client.get(f"/aid/lists/{tibet_needs.pk}/upload/", follow=True)
    assert "不能再修改，也不能上传" in response.content.decode()

    # zj_staff: 项目需求 now shows 西藏's accepted needs through the pairing
    client.force_login(zj_staff)
    needs = client.get("/aid/needs/").content.decode()
    assert "那曲市聂荣县小学图书室" in needs and "那曲市色尼区牧区寄宿制学校冬季供暖改造" in needs


def test_the_ministry_can_unlock_an_accepted_list_by_returning_it(client):
    load_demo()
    campaign = Campaign.current()
    liaison_list = AidList.objects.get(campaign=campaign, authority__code="540000", kind=ListKind.LIAISON)
    assert liaison_list.status == ListStatus.ACCEPTED
    client.force_login(User.objects.get(username="bu_staff"))
    client.post(f"/aid/lists/{liaison_list.pk}/decide/", {"decision": "return", "comment": "请补充阿里地区联络员"})
    liaison_list.refresh_from_db()
    assert liaison_list.status == ListStatus.RETURNED and liaison_list.is_editable
