"""Every write on another authority's organization or record answers 404 and changes nothing.

The register is read by all (test_list_scope.py) but written only by the organization's own authority
(and the ministry): an edit, a new record or a removal from a list by another province is answered
404 — the object is outside what that user may change — with no row and no audit entry written.
One line per write route; the URL walk fails without one.
"""

import datetime

import pytest

from tests.scope_world import WriteCheck, assert_check, build_world

pytestmark = pytest.mark.django_db


def org_form(world):
    org = world.obj("organization", "zj")
    return {"name": "改名书画协会", "kind": org.kind, "authority": org.authority_id, "status": "normal"}


def import_commit_by_another_province(client, world):
    """A preview of 浙江's import committed (or discarded) by 河北: 404, still a preview, nothing registered."""
    import io

    from openpyxl import Workbook

    from registry import services
    from registry.demo import credit_code
    from registry.models import Organization
    from registry.sheets import ORGANIZATION_SPEC

    owner, attacker = world.users["zj"], world.users["hb"]
    code = credit_code("social_group", "330000", "MJ3309901")
    wb = Workbook()
    wb.active.append([c.header for c in ORGANIZATION_SPEC.import_columns])
    wb.active.append([code, "浙江省导入测试协会", "社会团体", "330000"])
    buffer = io.BytesIO()
    wb.save(buffer)
    run = services.import_preview(actor=owner, fileobj=io.BytesIO(buffer.getvalue()), filename="a.xlsx",
                                  size=len(buffer.getvalue()))
    client.force_login(attacker)
    for action in ("commit", "discard"):
        assert client.post(f"/registry/imports/{run.pk}/", {"action": action}).status_code == 404
    run.refresh_from_db()
    assert run.status == "preview" and not Organization.objects.filter(credit_code=code).exists()
    client.force_login(owner)
    assert client.post(f"/registry/imports/{run.pk}/", {"action": "commit"}).status_code == 302
    assert Organization.objects.filter(credit_code=code).exists()


def a_round(world):
    from registry.models import CommendationRound

    round_ = CommendationRound.objects.create(title="全国先进社会组织", reference_date="2025-06-30")
    return {"round": round_.pk, "reason": "成效突出"}


def nomination_step_by_another_province(client, world):
    """河北 moving 浙江's nominee: 404, the nominee stays where it was, no step written."""
    from registry.models import CommendationRound, Nomination

    round_ = CommendationRound.objects.create(title="全国先进社会组织", reference_date="2025-06-30")
    org = world.obj("organization", "zj")
    nominee = Nomination.objects.create(round=round_, organization=org, authority=org.authority, reason="好")
    client.force_login(world.users["hb"])
    url = f"/registry/nominations/{nominee.pk}/step/"
    assert client.post(url, {"to_stage": "withdrawn", "opinion": "撤回"}).status_code == 404
    nominee.refresh_from_db()
    assert nominee.stage == "nominated" and not nominee.steps.exists()
    client.force_login(world.users["zj"])
    assert client.post(url, {"to_stage": "withdrawn", "opinion": "撤回"}).status_code == 302
    nominee.refresh_from_db()
    assert nominee.stage == "withdrawn"


def api_nomination_step_by_another_province(client, world):
    """The same through the API: 河北 moving 浙江's nominee is 404 and writes nothing."""
    from portal.models import AuditEntry
    from registry.models import CommendationRound, Nomination

    round_ = CommendationRound.objects.create(title="全国先进社会组织", reference_date="2025-06-30")
    org = world.obj("organization", "zj")
    nominee = Nomination.objects.create(round=round_, organization=org, authority=org.authority, reason="好")
    url = f"/api/registry/nominations/{nominee.pk}/step/"
    client.force_login(world.users["hb"])
    audit_rows = AuditEntry.objects.count()
    response = client.post(url, {"to_stage": "withdrawn", "opinion": "撤回"}, content_type="application/json")
    assert response.status_code == 404
    nominee.refresh_from_db()
    assert nominee.stage == "nominated" and not nominee.steps.exists() and AuditEntry.objects.count() == audit_rows
    client.force_login(world.users["zj"])
    response = client.post(url, {"to_stage": "withdrawn", "opinion": "撤回"}, content_type="application/json")
    assert response.status_code == 200 and response.json()["stage"] == "withdrawn"


def _sentinel_round(world):
    """A round whose stored verdicts all say 「哨兵」: a recomputation shows by replacing it."""
    from registry.commendation import verdicts_compute
    from registry.models import CommendationRound, RoundVerdict

    round_ = CommendationRound.objects.create(title="全国先进社会组织", reference_date=datetime.date(2025, 6, 30))
    verdicts_compute(round_)
    RoundVerdict.objects.filter(round=round_).update(failures=["哨兵"])
    return round_


def _recomputed(round_, world) -> dict:
    from registry.models import RoundVerdict

    return {key: RoundVerdict.objects.get(round=round_, organization=world.obj("organization", key)).failures
            != ["哨兵"] for key in ("hb", "zj", "bu")}


def recompute_by_a_province_touches_only_its_own(client, world):
    """河北's 重新核算 of the shared round recomputes 河北's organizations only: 浙江's and the ministry's stored
    verdicts stay as they were (the job is run here as the worker runs it)."""
    from portal.jobs import job_execute
    from portal.models import Job
    from registry.jobs import VERDICTS_KIND

    round_ = _sentinel_round(world)
    client.force_login(world.users["hb"])
    assert client.post(f"/registry/rounds/{round_.pk}/recompute/").status_code == 302
    job = Job.objects.get(kind=VERDICTS_KIND, params__round=round_.pk)
    assert (job.params["province"], job.authority.code) == ("13", "130000")
    job_execute(job.pk)
    assert _recomputed(round_, world) == {"hb": True, "zj": False, "bu": False}


def api_recompute_by_a_province_touches_only_its_own(client, world):
    from portal.jobs import job_execute

    round_ = _sentinel_round(world)
    client.force_login(world.users["zj"])
    response = client.post(f"/api/registry/rounds/{round_.pk}/recompute/", content_type="application/json")
    assert response.status_code == 202 and response.json()["authority"] == world.obj("organization", "zj").authority_id
    job_execute(response.json()["id"])
    assert _recomputed(round_, world) == {"hb": False, "zj": True, "bu": False}


def api_export_by_a_province_is_refused(client, world):
    """The national list is the ministry's: a province asking the API for it is 403 and no job is started."""
    from portal.models import Job
    from registry.jobs import COMMENDATION_KIND
    from registry.models import CommendationRound

    round_ = CommendationRound.objects.create(title="全国先进社会组织", reference_date="2025-06-30")
    for key in ("hb", "zj"):
        client.force_login(world.users[key])
        assert client.post(f"/api/registry/rounds/{round_.pk}/export/").status_code == 403
    assert not Job.objects.filter(kind=COMMENDATION_KIND).exists()
    client.force_login(world.users["bu"])
    assert client.post(f"/api/registry/rounds/{round_.pk}/export/").status_code == 202


WRITE_CHECKS = {
    "registry:round-recompute": recompute_by_a_province_touches_only_its_own,
    "api-commendationround-recompute": api_recompute_by_a_province_touches_only_its_own,
    "api-commendationround-export": api_export_by_a_province_is_refused,
    "api-nomination-step": api_nomination_step_by_another_province,
    "registry:organization-nominate": WriteCheck(lambda o: f"/registry/organizations/{o.pk}/nominate/",
                                                 "organization", data=a_round),
    "registry:nomination-step": nomination_step_by_another_province,
    "registry:import-detail": import_commit_by_another_province,
    "registry:organization-update": WriteCheck(lambda o: f"/registry/organizations/{o.pk}/edit/", "organization",
                                               data=org_form),
    "registry:record-add": WriteCheck(lambda o: f"/registry/organizations/{o.pk}/records/penalty/new/",
                                      "organization",
                                      data={"decided_on": "2026-06-01", "penalty_type": "warning",
                                            "document_number": "浙民罚〔2026〕1号"}),
    "registry:record-add:listentry": WriteCheck(lambda o: f"/registry/organizations/{o.pk}/records/listentry/new/",
                                                "organization",
                                                data={"list_kind": "dishonest", "entered_on": "2026-06-01",
                                                      "ground": "弄虚作假"}),
    "registry:listentry-remove": WriteCheck(lambda o: f"/registry/list-entries/{o.pk}/remove/", "creditlistentry",
                                            data={"removed_on": "2026-07-01", "removal_reason": "已补报年报"}),
    # API
    "api-organization-detail:patch": WriteCheck(lambda o: f"/api/registry/organizations/{o.pk}/", "organization",
                                                method="patch", data={"name": "改名书画协会"}),
    "api-organization-records": WriteCheck(lambda o: f"/api/registry/organizations/{o.pk}/records/penalty/",
                                           "organization",
                                           data={"decided_on": "2026-06-01", "penalty_type": "warning",
                                                 "document_number": "浙民罚〔2026〕1号"}),
    "api-creditlistentry-remove": WriteCheck(lambda o: f"/api/registry/list-entries/{o.pk}/remove/",
                                             "creditlistentry",
                                             data={"removed_on": "2026-07-01", "removal_reason": "已补报年报"}),
}


@pytest.fixture
def world():
    return build_world()


@pytest.mark.parametrize("route", sorted(WRITE_CHECKS))
def test_write_on_another_authoritys_organization_is_404_and_changes_nothing(route, client, world):
    assert_check(WRITE_CHECKS[route], client, world)
