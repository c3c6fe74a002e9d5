"""Walk every URL in the URLconf as an anonymous user: only public pages may answer."""

import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

pytestmark = pytest.mark.django_db

# Pages the public may read without logging in.
PUBLIC_NAMES = {"login", "healthz", "captcha-image", "captcha-image-2x", "captcha-audio", "captcha-refresh"}


def is_public(name: str) -> bool:
    # apps name their public pages and endpoints "public-…" (crackdown:public-lists, api-public-…)
    short = name.rsplit(":", 1)[-1]
    return name in PUBLIC_NAMES or short in PUBLIC_NAMES or short.startswith(("public-", "api-public-"))


def walk(resolver, prefix="", namespace="", with_callback=False):
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            ns = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from walk(entry, prefix + str(entry.pattern), ns, with_callback)
        elif isinstance(entry, URLPattern):
            found = prefix + str(entry.pattern), namespace + (entry.name or "")
            yield (*found, entry.callback) if with_callback else found


def concrete(pattern: str, pk: int = 1) -> str:
    path = pattern.lstrip("^").rstrip("$")
    path = re.sub(r"\\\.\(\?P<format>[^)]*\)/?\$?", ".json", path)
    path = re.sub(r"<drf_format_suffix:\w+>", ".json", path)
    path = re.sub(r"<int:pk>", str(pk), path)
    path = re.sub(r"\(\?P<pk>[^)]*\)", str(pk), path)
    path = re.sub(r"<int:\w+>", "1", path)
    path = re.sub(r"<(?:str|slug):\w+>", "x", path)
    path = re.sub(r"<uuid:\w+>", "00000000-0000-0000-0000-000000000001", path)
    path = re.sub(r"<path:\w+>", "x", path)
    path = re.sub(r"\(\?P<format>[^)]*\)", ".json", path)
    path = re.sub(r"\(\?P<(\w+)>[^)]*\)", "1", path)
    path = path.replace("\\.", ".").replace("^", "").replace("$", "")
    return "/" + path


def existing_pk(callback) -> int:
    """The id of a row the route's view really serves, so a 404 cannot hide a page that would answer."""
    view = getattr(callback, "view_class", None) or getattr(callback, "cls", None)
    model = getattr(view, "model", None) or getattr(getattr(view, "queryset", None), "model", None)
    row = model._default_manager.order_by("pk").first() if model is not None else None
    return row.pk if row is not None else 1


def test_every_non_public_url_refuses_anonymous(client):
    from tests.scope_world import build_world

    build_world()
    checked, leaks = 0, []
    for pattern, name, callback in walk(get_resolver(), with_callback=True):
        if is_public(name):
            continue
        url = concrete(pattern, existing_pk(callback))
        for method in ("get", "post"):
            response = getattr(client, method)(url)
            checked += 1
            if response.status_code in (401, 403, 405):
                continue
            if response.status_code == 302 and response["Location"].startswith("/accounts/login/"):
                continue
            leaks.append(f"{method.upper()} {url} ({name}) → {response.status_code}")
    assert checked > 40
    assert not leaks, "匿名用户可访问（或未被拒绝）的非公开地址：\n" + "\n".join(leaks)


# --- every list route has a check of what it shows ---------------------------------------------------
# Routes without parameters that show no rows of anyone's data, each with the reason.
NOT_LISTS = {
    "logout": "退出登录",
    "password-change": "修改本人密码的表单",
    "user-create": "新建账号的表单",
    "otp-setup": "本人绑定动态口令的页面",
    "otp-verify": "本人输入动态口令的页面",
    "audit-chain": "审计日志哈希链校验结果（审计管理员），不列出业务数据",
    "api-root": "API 目录，只列出地址",
    "api-schema": "OpenAPI 文档",
    "api-docs": "API 文档页面",
    "crackdown:lead-create": "新建线索的表单",
    "registry:organization-create": "登记社会组织的表单",
    "registry:import-upload": "上传导入文件的表单；导入预览只给本机关看（tests/registry/test_write_scope.py）",
    "registry:import-template": "空白导入模板，不含数据",
    "registry:round-list": "先进社会组织评选由部里发起，对所有机关公开（scope_field = None）",
    "registry:round-create": "发起评选的表单（部级）",
    "registry:organization-export": "只接受 POST，启动导出任务；导出内容见 test_import_export 的 worker 测试",
    "registry:name-check": "名称核查：登记库与已公布名单是公开信息（tests/registry/test_namecheck.py）",
    "api-name-check": "名称核查：登记库与已公布名单是公开信息（tests/registry/test_namecheck.py）",
    "crackdown:lead-check-name": "名称提示：外省的相似线索只说省名（tests/crackdown/test_leads.py）",
    "crackdown:batch-create": "新建排查批次的表单",
    "crackdown:case-create": "立案申请的表单",
    "crackdown:listbatch-create": "新建名单批次的表单",
    "crackdown:statistics-export": "只接受 POST，启动统计导出任务；导出内容见 test_statistics 的 worker 测试",
    "aid_projects:pairing-create": "新建对口关系的表单",
    "aid_projects:campaign-create": "新建对接年度的表单",
    "aid_projects:liaison-create": "新建联络员的表单",
    # shared by every authority (scope_field = None): everyone reads every row, nothing to leak
    "aid_projects:pairing-list": "对口支援关系表对所有机关公开",
    "aid_projects:campaign-list": "对接年度是部里的，各省都在其中工作",
    "api-pairing-list": "对口支援关系表对所有机关公开",
    "api-campaign-list": "对接年度是部里的，各省都在其中工作",
    "api-summary-list": "只接受 POST：启动汇总任务，其结果见 /api/jobs/",
    "crackdown:namerule-list": "名称规则表由部里维护，对所有机关公开（scope_field = None）",
    "crackdown:namerule-create": "新增名称规则的表单",
    "aid_projects:summary-page": "汇总表下载：每个文件由其任务的范围决定（tests/aid_projects/test_summaries.py）",
}


def list_check_tables() -> dict:
    from tests.aid_projects.test_list_scope import LIST_CHECKS as AID
    from tests.crackdown.test_list_scope import LIST_CHECKS as CRACKDOWN
    from tests.portal.test_list_scope import LIST_CHECKS as PORTAL
    from tests.registry.test_list_scope import LIST_CHECKS as REGISTRY

    return {**PORTAL, **REGISTRY, **CRACKDOWN, **AID}


def shows_rows(pattern: str, name: str, callback) -> bool:
    """A list route: a ListView, a DRF list action, or any GET route without parameters."""
    from django.views.generic.list import MultipleObjectMixin

    view = getattr(callback, "view_class", None) or getattr(callback, "cls", None)
    actions = getattr(callback, "actions", None) or {}
    if actions:  # a DRF route: a list action (a detail action may end in "-list", e.g. return_list)
        return "list" in actions.values()
    if name.endswith("-list"):
        return True
    if view is not None and issubclass(view, MultipleObjectMixin):
        return True
    path = re.sub(r"\\\.\(\?P<format>[^)]*\)/?\$?", "", pattern)
    return "<" not in path and "(?P" not in path


def test_every_list_route_has_a_check_of_what_it_shows():
    checks = list_check_tables()
    unchecked, stale = [], set(checks) | set(NOT_LISTS)
    for pattern, name, callback in walk(get_resolver(), with_callback=True):
        stale.discard(name)
        if is_public(name) or name in checks or name in NOT_LISTS:
            continue
        if shows_rows(pattern, name, callback):
            unchecked.append(f"{name} ({pattern})")
    assert not unchecked, ("这些列表地址没有“只显示本省数据”的检查，请在 tests/<app>/test_list_scope.py 的 "
                           "LIST_CHECKS 中加一行（或在 NOT_LISTS 中说明它为何不是列表）：\n"
                           + "\n".join(sorted(set(unchecked))))
    assert not stale, f"检查表中有已不存在的地址：{sorted(stale)}"
    assert not set(checks) & set(NOT_LISTS)


# --- every write on an object has a check that another province's user gets 404 and changes nothing --
# Object routes that take writes but have no cross-province attack to check, each with the reason.
NOT_SCOPED_WRITES = {
    "job-start": "参数是任务类型，不是对象",
    "aid_projects:list-open": "对接年度对所有机关共用；打开的是本省的清单",
    "aid_projects:summary-start": "参数是汇总类型；所汇总对象的范围见 tests/aid_projects/test_summaries.py",
    "aid_projects:list-decide": "部级操作（接收/退回）：省级账号无此权限，答 403（test_views 的权限矩阵）",
    "api-aidlist-accept": "部级操作：省级账号无此权限，答 403",
    "api-aidlist-return-list": "部级操作：省级账号无此权限，答 403",
    "aid_projects:pairing-update": "对口支援关系表由部里维护，对所有机关公开（scope_field = None）",
    "api-pairing-detail": "对口支援关系表由部里维护，对所有机关公开（scope_field = None）",
    "aid_projects:campaign-update": "对接年度由部里维护（scope_field = None）",
    "aid_projects:campaign-remind": "部级操作（催报）：省级答 403；各省只看到本省的催报（test_progress）",
    "aid_projects:campaign-accept": "部级操作（批量接收）：省级答 403（test_progress）",
    "api-campaign-detail": "对接年度由部里维护（scope_field = None）",
    "crackdown:namerule-update": "名称规则表由部里维护，对所有机关公开（scope_field = None）",
    "registry:round-export": "评选各机关共用；导出的名单按发起人范围（tests/registry/test_commendation.py）",
}


def write_check_tables() -> set:
    from tests.aid_projects.test_write_scope import WRITE_CHECKS as AID
    from tests.crackdown.test_write_scope import WRITE_CHECKS as CRACKDOWN
    from tests.portal.test_write_scope import WRITE_CHECKS as PORTAL
    from tests.registry.test_write_scope import WRITE_CHECKS as REGISTRY

    return {key.split(":", 1)[0] if not key.startswith(("crackdown:", "aid_projects:", "registry:")) else
            ":".join(key.split(":")[:2]) for key in {**PORTAL, **REGISTRY, **CRACKDOWN, **AID}}


def takes_object_writes(pattern: str, callback) -> bool:
    view = getattr(callback, "view_class", None) or getattr(callback, "cls", None)
    actions = getattr(callback, "actions", None)
    path = re.sub(r"\\\.\(\?P<format>[^)]*\)/?\$?", "", pattern)
    if "<" not in path and "(?P" not in path:
        return False
    if actions is not None:
        return bool(set(actions) & {"post", "put", "patch", "delete"})
    return view is not None and any(hasattr(view, m) for m in ("post", "put", "patch", "delete"))


def test_every_object_write_route_has_a_cross_province_check():
    checked = write_check_tables()
    unchecked, stale = [], checked | set(NOT_SCOPED_WRITES)
    for pattern, name, callback in walk(get_resolver(), with_callback=True):
        stale.discard(name)
        if is_public(name) or name in checked or name in NOT_SCOPED_WRITES:
            continue
        if takes_object_writes(pattern, callback):
            unchecked.append(f"{name} ({pattern})")
    assert not unchecked, ("这些对象写操作没有“外省 404 且不改动任何数据”的检查，请在 tests/<app>/test_write_scope.py "
                           "的 WRITE_CHECKS 中加一行：\n" + "\n".join(sorted(set(unchecked))))
    assert not stale, f"检查表中有已不存在的地址：{sorted(stale)}"
