"""Rows in several provinces and at the ministry, each with a marker only it puts on a page.

The list-scope checks (``tests/*/test_list_scope.py``) read every list route as a user of each
province and as the ministry, and compare what is shown with what that user may see.  The
markers are names no other row contains, so a page that leaks a row shows a marker it must not.

Provinces: 河北 (130000) and 浙江 (330000) aid; 西藏 (540000) and 四川 (510000) receive. Pairing is by
prefecture: 河北 aids 阿里, 浙江 aids 那曲 and 甘孜 (四川); 拉萨 is aided by neither.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from tests.factories import make_user


@dataclass
class World:
    users: dict = field(default_factory=dict)  # "hb", "zj", "xz", "sc", "bu" → staff of that province / ministry
    rows: dict = field(default_factory=dict)  # kind → {owner key → object}

    def obj(self, kind: str, owner: str):
        return self.rows[kind][owner]


STAFF, MINISTRY = "省级工作人员", "部级工作人员"
CODES = {"hb": "130000", "zj": "330000", "xz": "540000", "sc": "510000", "bu": "000000"}
SHORT = {"hb": "冀", "zj": "浙", "xz": "藏", "sc": "川", "bu": "部"}


def build_users(world: World) -> None:
    from crackdown.roles import APPROVER, INFORMANT_READER, LEGAL_REVIEWER

    for key, code in CODES.items():
        role = MINISTRY if key == "bu" else STAFF
        # every duty, so a refusal below is the province scope's and not a missing permission
        world.users[key] = make_user(f"scope_{key}", code, role, APPROVER, LEGAL_REVIEWER, INFORMANT_READER)


def build_crackdown(world: World) -> None:
    from crackdown.choices import LeadSource, ListKind, TargetType
    from crackdown.services import case_create, check_batch_create, lead_create, list_batch_create, list_entry_add

    leads, cases, checks, lists, entries = {}, {}, {}, {}, {}
    for key in ("hb", "zj", "bu"):
        user, short = world.users[key], SHORT[key]
        leads[key] = lead_create(actor=user, org_name=f"{short}甲线索研究会", source=LeadSource.PATROL)
        cases[key] = case_create(actor=user, org_name=f"{short}乙案件促进会", target_type=TargetType.UNREGISTERED)
        checks[key] = check_batch_create(actor=user, number=f"{short}排查第七批", checked_on=datetime.date(2026, 3, 1),
                                         leads=[leads[key]])
        lists[key] = list_batch_create(actor=user, kind=ListKind.SUSPECTED, number=f"{short}名单第九批")
        entries[key] = list_entry_add(batch=lists[key], actor=user, lead=leads[key], name=f"{short}丁名单联合会")
    world.rows["province"] = {"hb": "河北省", "zj": "浙江省"}
    world.rows.update(lead=leads, case=cases, checkbatch=checks, listbatch=lists, listentry=entries)


def build_aid(world: World) -> None:
    from aid_projects.choices import ListKind, ListStatus
    from aid_projects.models import ListVersion, Match, Upload
    from tests.aid_projects.factories import make_campaign, make_item, make_liaison, make_list

    campaign = make_campaign(2026)
    lists = {
        "xz": make_list(campaign, "540000", ListKind.NEED, ListStatus.ACCEPTED),
        "sc": make_list(campaign, "510000", ListKind.NEED, ListStatus.ACCEPTED),
        "zj": make_list(campaign, "330000", ListKind.SUPPLY, ListStatus.SUBMITTED),
        "hb": make_list(campaign, "130000", ListKind.SUPPLY, ListStatus.DRAFT),
    }
    # pairing is by prefecture: 河北 aids 阿里, 浙江 aids 那曲 (and 甘孜 in 四川); 拉萨 is neither's
    items = {
        "xz": make_item(lists["xz"], name="藏需甲阿里小学", place_code="542521"),
        "xz_nq": make_item(lists["xz"], name="藏需戊那曲水厂", place_code="540602"),
        "xz_ls": make_item(lists["xz"], name="藏需己拉萨养老院", place_code="540102"),
        "sc": make_item(lists["sc"], name="川需乙康定卫生院", place_code="513301"),
        "zj": make_item(lists["zj"], name="浙供甲助学基金", place_code="330000"),
        "hb": make_item(lists["hb"], name="冀供乙医疗队", place_code="130000"),
    }
    # a need list 西藏 has not yet had accepted: no aiding province may read it
    draft = make_list(make_campaign(2027), "540000", ListKind.NEED, ListStatus.DRAFT)
    lists["xz_draft"] = draft
    items["xz_draft"] = make_item(draft, name="藏需丙草稿项目", place_code="540102")
    liaisons = {key: make_liaison(campaign, CODES[key], name=f"{SHORT[key]}联络员卓玛") for key in ("xz", "zj", "hb")}
    uploads, versions = {}, {}
    for key in ("xz", "zj", "hb"):
        uploads[key] = Upload.objects.create(aid_list=lists[key], file=f"aid/uploads/{key}.xlsx",
                                             filename=f"{SHORT[key]}上传清单.xlsx", sha256=key * 20, size=100,
                                             uploaded_by=world.users[key])
        versions[key] = ListVersion.objects.create(aid_list=lists[key], number=1, rows=[],
                                                   file=f"aid/versions/{key}.xlsx",
                                                   submitted_at=datetime.datetime(2026, 7, 1, tzinfo=datetime.UTC))
    matches = {
        "zj": Match.objects.create(need=items["xz_nq"], supply=items["zj"], amount=Decimal("30"),
                                   proposed_by=world.users["zj"]),
        "hb": Match.objects.create(need=items["xz"], supply=items["hb"], amount=Decimal("40"),
                                   proposed_by=world.users["hb"]),
    }
    world.rows.update(aidlist=lists, aiditem=items, liaison=liaisons, upload=uploads, listversion=versions,
                      match=matches, campaign={"bu": campaign})


def build_jobs(world: World) -> None:
    from portal.models import Authority, Job, JobStatus

    world.rows["job"] = {
        key: Job.objects.create(kind="reference_integrity", title=f"{SHORT[key]}核对任务", status=JobStatus.SUCCEEDED,
                                authority=Authority.objects.get(code=CODES[key]), created_by=world.users[key])
        for key in ("hb", "zj", "bu")
    }


def build_registry(world: World) -> None:
    from stdnum.cn import uscc

    from portal.models import Authority
    from registry.models import CreditListEntry, Organization
    from registry.services import refresh_summary

    orgs, entries = {}, {}
    for n, key in enumerate(("hb", "zj", "bu"), start=1):
        body = f"51{CODES[key]}MJ{n:07d}"[:17]
        orgs[key] = Organization.objects.create(
            credit_code=body + uscc.calc_check_digit(body), name=f"{SHORT[key]}戊登记书画协会", kind="social_group",
            authority=Authority.objects.get(code=CODES[key]))
        entries[key] = CreditListEntry.objects.create(organization=orgs[key], list_kind="abnormal",
                                                      entered_on=datetime.date(2026, 5, 1),
                                                      ground=f"{SHORT[key]}未按规定报送年报")
        refresh_summary(orgs[key])
    world.rows["organization"] = orgs
    world.rows["creditlistentry"] = entries


def build_world() -> World:
    world = World()
    build_users(world)
    build_crackdown(world)
    build_aid(world)
    build_jobs(world)
    build_registry(world)
    return world


# --- one line per list route ------------------------------------------------------------------------
TEXT_MARKERS = {
    "lead": lambda o: o.org_name,
    "case": lambda o: o.org_name,
    "checkbatch": lambda o: o.number,
    "listbatch": lambda o: o.number,
    "listentry": lambda o: o.name,
    "aidlist": lambda o: f'href="/aid/lists/{o.pk}/"',
    "aiditem": lambda o: o.name,
    "liaison": lambda o: o.name,
    "upload": lambda o: o.filename,
    "match": lambda o: o.supply.name,
    "job": lambda o: o.title,
    "organization": lambda o: o.name,
    "creditlistentry": lambda o: o.ground,
    "user": lambda o: o.username,
    "province": lambda o: o,  # statistics name the provinces they count
}

# who sees whose rows (owner keys), by kind; the ministry sees every row of the kind
OWN = {"hb": ["hb"], "zj": ["zj"]}
# a need list is shared whole with its paired aiding provinces, its rows only in their paired prefectures;
# a frozen version (every row) stays with the recipient
PAIRED_LISTS = {"hb": ["hb", "xz"], "zj": ["zj", "xz", "sc"], "xz": ["xz", "xz_draft"], "sc": ["sc"]}
PAIRED_ITEMS = {"hb": ["hb", "xz"], "zj": ["zj", "xz_nq", "sc"], "xz": ["xz", "xz_nq", "xz_ls", "xz_draft"],
                "sc": ["sc"]}
# the register is public information: every authority reads every organization (issue 10), writes its own
PUBLIC = {key: ["hb", "zj", "bu"] for key in ("hb", "zj", "xz", "sc")}
VISIBLE = {
    "province": OWN, "lead": OWN, "case": OWN, "checkbatch": OWN, "listbatch": OWN, "listentry": OWN, "job": OWN,
    "organization": PUBLIC, "creditlistentry": PUBLIC,
    "aidlist": PAIRED_LISTS,
    "aiditem": PAIRED_ITEMS,
    "listversion": {"hb": ["hb"], "zj": ["zj"], "xz": ["xz"], "sc": []},
    "liaison": {"hb": ["hb"], "zj": ["zj"], "xz": ["xz"], "sc": []},
    "upload": {"hb": ["hb"], "zj": ["zj"], "xz": ["xz"], "sc": []},
    "match": {"hb": ["hb"], "zj": ["zj"], "xz": ["zj", "hb"], "sc": []},
}


@dataclass
class ListCheck:
    """A list route read by each province and the ministry: each must be shown exactly its rows.

    ``url`` is a path or a function of the world; ``marker`` "text" (the kind's text marker) or "id"
    (JSON row ids); ``visible`` overrides who sees whose rows; ``only`` narrows the rows the route
    may ever show (a need list shows no supply items).
    """

    url: object
    kind: str
    marker: str = "text"
    visible: dict | None = None
    only: tuple | None = None
    ministry_sees: tuple | None = None
    data: dict | None = None
    public: bool = False  # public information (the register): every province is shown every row

    def assert_shown(self, client, world: World) -> None:
        from tests.permissions import assert_list_scope

        url = self.url(world) if callable(self.url) else self.url
        objects = world.rows[self.kind]
        text = TEXT_MARKERS.get(self.kind)

        def mark(obj):
            return obj.pk if self.marker == "id" else text(obj)

        visible = self.visible or VISIBLE[self.kind]
        allowed = set(self.only) if self.only else set(objects)
        universe = {mark(obj) for obj in objects.values()}
        sees = {world.users[viewer]: {mark(objects[o]) for o in owners if o in allowed}
                for viewer, owners in visible.items()}
        ministry = set(self.ministry_sees) if self.ministry_sees is not None else allowed
        sees[world.users["bu"]] = {mark(objects[o]) for o in ministry}
        # a check must tell "not allowed" from "an empty page": some province sees rows, the ministry more
        province_sets = [s for u, s in sees.items() if u != world.users["bu"]]
        if self.public:
            assert sees[world.users["bu"]] and all(s == sees[world.users["bu"]] for s in province_sets), sees
        elif self.ministry_sees is None:  # (a detail page's list names its own ministry_sees)
            everything = sees[world.users["bu"]]
            assert any(province_sets) and any(s < everything for s in province_sets), sees
        assert_list_scope(client, url, sees=sees, universe=universe, data=self.data)


@dataclass
class WriteCheck:
    """A write by another province's user on ``owner``'s object: 404, and nothing changes anywhere.

    The same request by the owner must then find the object (any answer but 404), which proves the
    URL is right and the refusal is the scope's, not a typo's.
    """

    url: object  # a function of the object
    kind: str
    method: str = "post"
    data: object = None  # a dict, or a function of the world
    owner: str = "zj"
    attacker: str = "hb"
    status: int = 404

    def assert_refused(self, client, world: World) -> None:
        from tests.permissions import _request, assert_write_refused

        obj = world.obj(self.kind, self.owner)
        url = self.url(obj)
        data = self.data(world) if callable(self.data) else self.data
        assert_write_refused(client, url, user=world.users[self.attacker], obj=obj, method=self.method, data=data,
                             status=self.status)
        client.force_login(world.users[self.owner])
        response = _request(client, self.method, url, data)
        client.logout()
        assert response.status_code != 404, f"{self.owner} 自己的对象 {url} 也是 404：检查的地址不对"


def assert_check(check, client, world: World) -> None:
    """Run one line of a LIST_CHECKS or WRITE_CHECKS table (a ListCheck, a WriteCheck or a function)."""
    if isinstance(check, ListCheck):
        check.assert_shown(client, world)
    elif isinstance(check, WriteCheck):
        check.assert_refused(client, world)
    else:
        check(client, world)
