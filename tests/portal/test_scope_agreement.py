"""``restrict`` and ``object_in_scope`` are one rule (issue 9, point 5).

For every scoped model — every model whose default manager hands out a ``RestrictedQuerySet`` —
and for a sample of users (each province, the ministry, a prefecture, a county, administrators, a
liaison, users with no role, inactive, anonymous) and both actions, the rows ``restrict`` lets through
are exactly the rows ``object_in_scope`` says are inside the user's area (where the user holds the
model permission; ``restrict`` checks that permission too, ``object_in_scope`` only the area).
"""

from __future__ import annotations

import pytest
from django.apps import apps

from portal.scoping import RestrictedQuerySet, object_in_scope
from tests.factories import make_user
from tests.scope_world import build_world

pytestmark = pytest.mark.django_db

ACTIONS = ("view", "change")
SAMPLE = 40  # rows per model besides the world's own (reference tables hold hundreds)


def scoped_models() -> list:
    return sorted((model for model in apps.get_models()
                   if isinstance(model._default_manager.all(), RestrictedQuerySet)),
                  key=lambda model: model._meta.label)


def sample_users(world) -> dict:
    from django.contrib.auth.models import AnonymousUser

    from crackdown.roles import APPROVER

    users = {f"world_{key}": user for key, user in world.users.items()}
    inactive = make_user("scope_inactive", "330000", "省级工作人员")
    inactive.is_active = False
    users.update(
        ali_prefecture=make_user("scope_ali", "542500", "省级工作人员", APPROVER),
        lhasa_county=make_user("scope_chengguan", "540102", "省级工作人员"),
        zj_liaison=make_user("scope_liaison", "330000", "联络员"),
        zj_sysadmin=make_user("scope_sysadmin", "330000", "系统管理员"),
        bu_sysadmin=make_user("scope_bu_sysadmin", "000000", "系统管理员"),
        bu_auditor=make_user("scope_auditor", "000000", "审计管理员"),
        no_role=make_user("scope_norole", "540000"),
        no_authority=make_user("scope_orphan", None, "省级工作人员"),
        inactive=inactive,
        anonymous=AnonymousUser(),
    )
    return users


def sample_rows(model, world) -> list:
    """The world's rows of the model and a spread of the others (every row of a small table)."""
    own = {obj.pk for rows in world.rows.values() for obj in rows.values() if isinstance(obj, model)}
    pks = list(model._default_manager.order_by("pk").values_list("pk", flat=True))
    step = max(1, len(pks) // SAMPLE)
    wanted = own | set(pks[::step])
    return list(model._default_manager.filter(pk__in=wanted))


@pytest.fixture
def world():
    from portal.models import Authority, Job

    world = build_world()
    # a job of a kind a liaison may not read (the job list also filters by kind)
    Job.objects.create(kind="crackdown_statistics", title="浙统计任务", authority=Authority.objects.get(code="330000"),
                       created_by=world.users["zj"])
    return world


def test_every_scoped_model_is_found():
    labels = {model._meta.label for model in scoped_models()}
    assert {"portal.Job", "portal.User", "aid_projects.Match", "aid_projects.AidList", "crackdown.Case",
            "registry.Organization"} <= labels


def test_object_in_scope_agrees_with_restrict(world):
    users = sample_users(world)
    disagreements = []
    for model in scoped_models():
        rows = sample_rows(model, world)
        opts = model._meta
        for name, user in users.items():
            for action in ACTIONS:
                allowed = set(model._default_manager.all().restrict(user, action))
                permitted = user.has_perm(f"{opts.app_label}.{action}_{opts.model_name}")
                inside = {obj for obj in rows if permitted and object_in_scope(obj, user, action)}
                shown = allowed & set(rows)
                if shown != inside:
                    disagreements.append(
                        f"{opts.label} {name} {action}: restrict 多出 {sorted(o.pk for o in shown - inside)}，"
                        f"object_in_scope 多出 {sorted(o.pk for o in inside - shown)}")
    assert not disagreements, "\n".join(disagreements)


def test_the_sample_is_not_empty(world):
    """The agreement above means something: most models have rows, and both answers are seen."""
    users = sample_users(world)
    seen, refused = set(), set()
    for model in scoped_models():
        for obj in sample_rows(model, world):
            (seen if object_in_scope(obj, users["world_zj"], "view") else refused).add(model._meta.label)
    assert {"aid_projects.Match", "aid_projects.AidList", "crackdown.Lead", "portal.Job"} <= seen
    assert {"aid_projects.Match", "aid_projects.AidList", "crackdown.Lead", "portal.Job"} <= refused
