"""Realistic organizations in bulk: the demo's few thousand and the benchmark's million.

Names read like the register's: an area (province, city or county of the registering authority), a
field and a form — 河北省书法家协会, 杭州市西湖区阳光社会工作服务中心, 浙江省援藏公益基金会.  A few
fields are rare on purpose (``RARE_TOPICS``) so the benchmark has rare two- and four-character terms.
Credit codes are valid GB 32100 codes (51/52/53 + the authority's division code + a serial + the check
character).  Deterministic for a seed.
"""

from __future__ import annotations

import datetime
import itertools
import random
from collections.abc import Iterator

from stdnum.cn import uscc

from portal.models import Authority, AuthorityLevel
from registry.choices import CREDIT_CODE_CATEGORY, GRADE_VALID_YEARS, OrgKind, OrgStatus

TOPICS = (
    "书法家 美术家 摄影家 音乐家 作家 舞蹈家 戏剧家 曲艺家 民间文艺家 电影家 老年人体育 青少年足球 "
    "篮球 乒乓球 围棋 象棋 "
    "桥牌 登山 户外运动 太极拳 武术 游泳 田径 羽毛球 网球 马拉松 自行车 钓鱼 风筝 龙舟 慈善 志愿服务 红十字 青年创业 "
    "女企业家 个体劳动者 私营企业 物流 餐饮 烹饪 旅游 酒店 房地产 建筑业 装饰 家具 纺织 服装 皮革 茶叶 果业 蔬菜 "
    "畜牧业 水产 种子 农机 花卉 林业 蜂业 中医药 医师 护理 康复医学 药学 预防医学 心理卫生 营养 健康管理 养老服务 "
    "残疾人 社会工作 律师 公证 会计 审计 税务师 评估师 资产评估 质量管理 标准化 计量测试 软件行业 信息技术 电子商务 "
    "互联网 人工智能 大数据 通信 汽车 新能源 环境保护 节能 循环经济 水利 地质 测绘 气象 地理 天文 数学 物理 化学 "
    "生物学 机械工程 电机工程 土木工程 科普 发明 专利 知识产权 教育 学前教育 职业教育 家庭教育 高等教育 民办教育 "
    "图书馆 博物馆 档案 地方志 收藏家 民俗 非物质文化遗产 诗词 楹联 红色文化 孝老爱亲 乡村振兴 扶贫开发 对口支援 "
    "商会 企业联合 外商投资 工商业 侨商 台商 食品安全 消费者 物业管理 家政服务 婚姻家庭 殡葬 宠物 动物保护 野生动物保护"
).split()
# field → expected share of the register; a million rows hold about share × 1,000,000 of each
RARE_TOPICS = {"古琴艺术": 0.00006, "马术运动": 0.00008, "珐琅工艺": 0.00004}

FORMS = {
    OrgKind.SOCIAL_GROUP: [("协会", 60), ("学会", 10), ("研究会", 8), ("联合会", 6), ("促进会", 6), ("商会", 6),
                           ("联谊会", 4)],
    OrgKind.SERVICE_ORG: [("服务中心", 35), ("社会工作服务中心", 15), ("培训学校", 15), ("养老院", 10),
                          ("研究院", 8), ("幼儿园", 10), ("医院", 7)],
    OrgKind.FOUNDATION: [("基金会", 70), ("公益基金会", 20), ("教育基金会", 10)],
    OrgKind.OTHER: [("联合会", 100)],
}
KIND_WEIGHTS = [(OrgKind.SOCIAL_GROUP, 48), (OrgKind.SERVICE_ORG, 49), (OrgKind.FOUNDATION, 2.5), (OrgKind.OTHER, 0.5)]
SERVICE_PREFIXES = ["阳光", "爱心", "春晖", "同心", "启明", "红枫", "绿荫", "和谐", "彩虹", "希望", "晨曦", "益友"]
SURNAMES = ("王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎"
            "余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段雷钱汤尹黎易常武乔贺赖龚文")
SUPERVISORS = ["教育局", "卫生健康委员会", "文化和旅游局", "科学技术协会"]
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红建国志文斌辉鹏宇浩"

COLUMNS = ("credit_code", "name", "kind", "authority_id", "supervisory_unit", "registered_on", "domicile_code",
           "address", "legal_representative", "registered_capital", "business_scope", "is_charity",
           "charity_recognized_on", "status", "status_changed_on", "status_reason", "former_names", "grade",
           "grade_expires_on", "on_abnormal_list", "on_dishonest_list", "province_code")


def _weighted(rng: random.Random, pairs):
    return rng.choices([p[0] for p in pairs], weights=[p[1] for p in pairs])[0]


def authorities_by_weight() -> list[tuple[Authority, float]]:
    """Where organizations are registered: about 10% at the ministry and provinces, 30% prefectures, 60% counties."""
    share = {AuthorityLevel.MINISTRY: 0.003, AuthorityLevel.PROVINCE: 0.097, AuthorityLevel.PREFECTURE: 0.30,
             AuthorityLevel.COUNTY: 0.60}
    authorities = list(Authority.objects.select_related("parent", "parent__parent").order_by("code"))
    per_level = {}
    for a in authorities:
        per_level[a.level] = per_level.get(a.level, 0) + 1
    return [(a, share[a.level] / per_level[a.level]) for a in authorities]


def organization_rows(count: int, *, seed: int = 1, serial_prefix: str = "G", start: int = 0,
                      today: datetime.date | None = None) -> Iterator[tuple]:
    """``count`` rows in ``COLUMNS`` order.  Serials ``serial_prefix`` + 8 digits keep codes unique per run.

    The authorities are read here, before the first row is asked for: a COPY in progress holds the connection.
    """
    weighted = authorities_by_weight()
    return _rows(count, weighted, rng=random.Random(seed), serial_prefix=serial_prefix, start=start,
                 today=today or datetime.date(2026, 6, 30))


def _rows(count, weighted, *, rng, serial_prefix, start, today):
    areas = [a for a, _ in weighted]
    cumulative = list(itertools.accumulate(w for _, w in weighted))
    names = {a.pk: ("" if a.is_ministry else a.full_name) for a in areas}
    rare = list(RARE_TOPICS.items())
    rare_total = sum(RARE_TOPICS.values())
    for n in range(start, start + count):
        authority = rng.choices(areas, cum_weights=cumulative)[0]
        kind = _weighted(rng, KIND_WEIGHTS)
        roll = rng.random()
        topic = rng.choices([t for t, _ in rare], weights=[w for _, w in rare])[0] if roll < rare_total else (
            rng.choice(TOPICS))
        form = _weighted(rng, FORMS[kind])
        area = names[authority.pk] or rng.choice(["中国", "中华", "全国"])
        prefix = rng.choice(SERVICE_PREFIXES) if kind == OrgKind.SERVICE_ORG else ""
        name = f"{area}{prefix}{topic}{form}"
        division = authority.code if not authority.is_ministry else "100000"
        body = f"5{CREDIT_CODE_CATEGORY[kind]}{division}{serial_prefix}{n:08d}"
        code = body + uscc.calc_check_digit(body)
        registered = today - datetime.timedelta(days=rng.randrange(30, 30 * 365))
        status, changed, reason = OrgStatus.NORMAL, None, ""
        s = rng.random()
        if s < 0.03:
            status, reason = OrgStatus.DEREGISTERED, "自行解散，清算完毕"
        elif s < 0.05:
            status, reason = OrgStatus.REVOKED, "连续两年未参加年检"
        if status != OrgStatus.NORMAL:
            changed = registered + datetime.timedelta(days=rng.randrange(1, max(2, (today - registered).days)))
        grade = expires = None
        if rng.random() < 0.08:
            grade = _weighted(rng, [(1, 5), (2, 15), (3, 45), (4, 28), (5, 7)])
            rated = today - datetime.timedelta(days=rng.randrange(0, 8 * 365))
            expires = rated.replace(year=rated.year + GRADE_VALID_YEARS) if not (
                rated.month == 2 and rated.day == 29) else datetime.date(rated.year + GRADE_VALID_YEARS, 2, 28)
        charity = kind == OrgKind.FOUNDATION or rng.random() < 0.01
        person = rng.choice(SURNAMES) + rng.choice(GIVEN) + (rng.choice(GIVEN) if rng.random() < 0.6 else "")
        yield (
            code, name, kind, authority.pk,
            "" if rng.random() < 0.7 else f"{area}{rng.choice(SUPERVISORS)}",
            registered, authority.code if not authority.is_ministry else "110000",
            f"{area}{rng.choice(['人民路', '解放路', '中山路', '建设大街', '文化路'])}{rng.randrange(1, 999)}号",
            person, round(rng.choice([3, 5, 10, 20, 50, 200, 400, 800]) * 1.0, 2),
            f"开展{topic}领域的交流、培训、咨询服务", charity,
            registered if charity else None, status, changed, reason, "", grade, expires,
            rng.random() < 0.02 and status == OrgStatus.NORMAL, rng.random() < 0.002, authority.code[:2],
        )


def copy_organizations(rows, *, using: str = "default") -> int:
    """COPY rows into the organization table (the search columns are computed by PostgreSQL as they arrive)."""
    from django.db import connections

    connection = connections[using]
    connection.ensure_connection()
    n = 0
    with connection.connection.cursor() as cursor:
        with cursor.copy(f"COPY registry_organization ({', '.join(COLUMNS)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
                n += 1
    return n
