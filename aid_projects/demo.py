"""Demo data: a campaign, liaisons and need lists for 西藏 and 新疆, supply lists for 浙江 and 河北, matches.

Idempotent: keyed on the campaign's name; a list that already has rows is left alone.  The lists go
through the real services (submit, accept), so their versions and workbooks exist as in real use.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.utils import timezone

from aid_projects import services
from aid_projects.choices import ListKind, ListStatus
from aid_projects.models import AidItem, AidList, Campaign, Liaison, Match
from aid_projects.places import resolve_need_place, resolve_supply_place
from aid_projects.validation import amount_needs_confirmation
from portal.models import Authority

NEEDS = {
    "540000": [
        ("那曲市色尼区牧区寄宿制学校冬季供暖改造", "教育帮扶", "那曲市色尼区", "为两所寄宿制小学更换供暖设施", "120",
         "色尼区教育局 次仁", "13908961234"),
        ("拉萨市城关区社区养老服务站", "其他", "拉萨市城关区", "建设社区日间照料站两处", "80", "城关区民政局 央金",
         "13908912345"),
        ("阿里地区噶尔县牦牛养殖合作社冷链", "产业帮扶", "阿里地区噶尔县", "购置冷链车和冷库", "150",
         "噶尔县农业农村局 多吉", "13989071234"),
        ("那曲市安多县乡村医生培训", "医疗帮扶", "那曲市安多县", "每年培训乡村医生60人次", "35",
         "安多县卫健委 拉巴", "13908964321"),
        ("拉萨市堆龙德庆区农产品进城展销", "消费帮扶", "拉萨市堆龙德庆区", "组织特色农产品展销", "20",
         "堆龙德庆区商务局 格桑", "13908915678"),
    ],
    "650000": [
        ("阿克苏地区阿克苏市双语幼儿园图书角", "教育帮扶", "阿克苏地区阿克苏市", "为40所幼儿园配置图书角", "60",
         "阿克苏市教育局 艾力", "13899701234"),
        ("阿克苏地区库车市林果技术服务", "产业帮扶", "阿克苏地区库车市", "林果修剪、嫁接技术服务队", "90",
         "库车市林业局 买买提", "13899712345"),
        ("巴州库尔勒市青少年志愿服务站", "志愿帮扶", "巴州库尔勒市", "培育青少年志愿服务队伍", "25",
         "库尔勒市团委 阿依古丽", "13899623456"),
        ("和田地区于田县乡镇卫生院设备", "医疗帮扶", "和田地区于田县", "为6个乡镇卫生院配置B超", "210",
         "于田县卫健委 吐尔逊", "13899034567"),
    ],
}

SUPPLIES = {
    "330000": [
        ("浙江省援藏援疆公益基金会 助学暖冬行动", "教育帮扶", "西藏自治区那曲市", "寄宿制学校供暖和冬衣", "100",
         "浙江省援藏援疆公益基金会 林", "13905710001"),
        ("浙商协会 林果产业技术帮扶", "产业帮扶", "新疆维吾尔自治区阿克苏地区", "派出技术服务队", "80",
         "浙江省农业经济学会 周", "13905710002"),
        ("浙江省社会组织促进会 乡村医生进修", "医疗帮扶", "浙江省", "接收乡村医生来浙进修", "40",
         "浙江省社会组织促进会 王", "13905710003"),
        ("浙江青年志愿者协会 西部计划", "志愿帮扶", "浙江省", "组织志愿者赴受援地服务", "30",
         "浙江青年志愿者协会 吴", "13905710004"),
    ],
    "130000": [
        ("河北省慈善联合会 阿里冷链设备捐赠", "产业帮扶", "西藏自治区阿里地区噶尔县", "捐赠冷链设备", "120",
         "河北省慈善联合会 赵", "13903110001"),
        ("河北省阳光社会工作服务中心 社区养老", "其他", "河北省", "社区养老服务培训", "30",
         "河北省阳光社会工作服务中心 钱", "13903110002"),
        ("河北省医学会 巴州远程会诊", "医疗帮扶", "新疆维吾尔自治区巴音郭楞蒙古自治州", "远程会诊平台", "60",
         "河北省医学会 孙", "13903110003"),
    ],
}

LIAISONS = [
    # (authority code, name, unit, work phone, mobile, e-mail)
    ("540000", "卓玛", "西藏自治区民政厅社会组织管理局", "0891-6321234", "13908900001", "zhuoma@xzmz.example.cn"),
    ("540100", "次旦", "拉萨市民政局社会组织科", "0891-6812345", "13908900002", "cidan@lsmz.example.cn"),
    ("540102", "旺姆", "城关区民政局", "0891-6323456", "13908900003", "wangmu@cgmz.example.cn"),
    ("650000", "古丽", "新疆维吾尔自治区民政厅社会组织管理局", "0991-2345678", "13899100001",
     "guli@xjmz.example.cn"),
    ("652900", "热合曼", "阿克苏地区民政局", "0997-2123456", "13899100002", "rehman@aksmz.example.cn"),
]


def demo_campaign() -> Campaign:
    today = timezone.localdate()
    year = today.year if today <= datetime.date(today.year, 7, 5) else today.year + 1
    campaign, _ = Campaign.objects.get_or_create(
        name=f"{year}年度援藏援疆项目对接",
        defaults={"year": year, "liaison_due": datetime.date(year, 6, 30), "need_due": datetime.date(year, 7, 5),
                  "supply_due": datetime.date(year, 7, 31)},
    )
    return campaign


def _fill(aid_list: AidList, rows) -> None:
    if aid_list.items.exists():
        return
    for seq, (name, category, place_text, summary, amount, contact, mobile) in enumerate(rows, start=1):
        if aid_list.kind == ListKind.NEED:
            place = resolve_need_place(aid_list.authority.code, place_text)
        else:
            place = resolve_supply_place(place_text)
        AidItem.objects.create(aid_list=aid_list, seq=seq, name=name, category=category, place_text=place_text,
                               place=place, summary=summary, amount=Decimal(amount),
                               amount_confirmed=amount_needs_confirmation(Decimal(amount)), contact_name=contact,
                               contact_mobile=mobile)


def load_demo(accounts) -> str:
    campaign = demo_campaign()
    ministry = accounts["bu_staff"]
    for code, name, unit, phone, mobile, email in LIAISONS:
        Liaison.objects.get_or_create(campaign=campaign, authority=Authority.objects.get(code=code),
                                      defaults={"name": name, "unit": unit, "work_phone": phone, "mobile": mobile,
                                                "email": email})
    filers = {"540000": accounts["xz_liaison"], "650000": ministry, "330000": accounts["zj_liaison"],
              "130000": accounts["hb_liaison"]}
    lists = {}
    for code, rows in [*NEEDS.items(), *SUPPLIES.items()]:
        authority = Authority.objects.get(code=code)
        kind = ListKind.NEED if authority.is_aid_recipient else ListKind.SUPPLY
        aid_list, _ = AidList.objects.get_or_create(campaign=campaign, authority=authority, kind=kind)
        _fill(aid_list, rows)
        lists[code] = aid_list
    liaison_list, _ = AidList.objects.get_or_create(campaign=campaign, authority=Authority.objects.get(code="540000"),
                                                    kind=ListKind.LIAISON)
    # 新疆's needs and 西藏's liaison table accepted; 浙江's supply submitted; 西藏's needs and 河北's supply
    # left as drafts: README's "What to try" has 西藏's liaison upload into its list, submit, and the
    # ministry accept it, after which 浙江 sees those needs through the pairing
    for aid_list, accept in [(lists["650000"], True), (liaison_list, True), (lists["330000"], None)]:
        if aid_list.status == ListStatus.DRAFT:
            filer = filers.get(aid_list.authority.code, ministry)
            services.list_submit(aid_list=aid_list, user=filer)
            if accept:
                services.list_decide(aid_list=aid_list, user=ministry, accept=True, comment="")
    # a match: 浙江 proposes its 林果 item to 新疆's 库车 need (西藏's needs wait for the README's walk-through)
    zj = accounts["zj_staff"]
    for aid_list in lists.values():
        aid_list.refresh_from_db()
    if not Match.objects.filter(supply__aid_list=lists["330000"]).exists():
        services.match_propose(need=AidItem.objects.select_related("aid_list").get(aid_list=lists["650000"], seq=2),
                               supply=lists["330000"].items.get(seq=2),
                               user=zj, note="可派技术服务队两批")
    items = AidItem.objects.filter(aid_list__campaign=campaign).count()
    return (f"援藏援疆：{campaign.name}，清单 {AidList.objects.filter(campaign=campaign).count()} 份、项目 {items} 个、"
            f"联络员 {Liaison.objects.filter(campaign=campaign).count()} 名、对接 "
            f"{Match.objects.filter(need__aid_list__campaign=campaign).count()} 项")


def queue_jobs(accounts) -> str:
    """The national summaries (and 浙江's paired needs), so that 汇总表下载 has them ready.

    Started as a user would start them (``services.summary_start``), once the web server answers: the worker
    builds them while the newcomer logs in.  Summaries already built or being built are not restarted.
    """
    from aid_projects import jobs
    from aid_projects.services import summary_start
    from portal.jobs import latest_result
    from portal.models import Job, JobStatus

    campaign = demo_campaign()
    ministry, zhejiang = accounts["bu_staff"], accounts["zj_staff"]
    kinds = [(ministry, jobs.NATIONAL_NEED), (ministry, jobs.NATIONAL_SUPPLY), (ministry, jobs.NATIONAL_LIAISON),
             (zhejiang, jobs.PAIRED_NEEDS)]
    waiting = 0
    for user, kind in kinds:
        # queued or running first, built second: a job that ends between the two looks built, not missing
        if Job.objects.filter(kind=kind, authority=user.authority, status__in=[JobStatus.QUEUED, JobStatus.RUNNING],
                              params__campaign_id=campaign.pk).exists():
            waiting += 1
        elif latest_result(kind, user.authority, {"campaign_id": campaign.pk}) is None:
            summary_start(user=user, kind=kind, campaign_id=campaign.pk)
            waiting += 1
    if not waiting:
        return f"援藏援疆：演示汇总表 {len(kinds)} 份均已生成"
    return f"援藏援疆：演示汇总表 {waiting} 份由 worker 生成中（汇总表下载页可见）"
