"""The campaign progress page for the ministry (issue 12 point 9): every province's lists by state, the
counts, the tile-grid map of China, and who is still to be reminded (催报).

A list's state on this page: 未开始 (no list yet), 草稿, 已退回, 已报送, 已接收, and 逾期未报 for a list not
submitted after its deadline.  Colours come from the portal's one mapping (portal.status).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from aid_projects.choices import ListKind, ListStatus
from aid_projects.selectors import ProvinceProgress, campaign_progress
from portal.status import colour

# (key, label), most urgent first: a province's tile shows the most urgent state among its lists
STATES = [
    ("overdue", "逾期未报"),
    ("not_started", "未开始"),
    ("draft", "草稿"),
    ("returned", "已退回"),
    ("submitted", "已报送"),
    ("accepted", "已接收"),
]
STATE_LABELS = dict(STATES)
URGENCY = {key: i for i, (key, _) in enumerate(STATES)}
NOT_SUBMITTED = ("overdue", "not_started", "draft", "returned")

# Bootstrap's colours (portal.status names them) as the map draws them
HEX = {"danger": "#dc3545", "light": "#ced4da", "secondary": "#6c757d", "warning": "#ffc107",
       "primary": "#0d6efd", "success": "#198754", "info": "#0dcaf0", "dark": "#212529"}

# The tile grid: each province's square at its rough place on the map of China (column, row).
TILE_POSITIONS = {
    "230000": (8, 0),
    "150000": (5, 1), "220000": (8, 1),
    "660000": (0, 2), "650000": (1, 2), "620000": (3, 2), "640000": (4, 2), "140000": (5, 2), "130000": (6, 2),
    "110000": (7, 2), "210000": (8, 2),
    "540000": (1, 3), "630000": (2, 3), "610000": (4, 3), "410000": (5, 3), "370000": (6, 3), "120000": (7, 3),
    "510000": (3, 4), "500000": (4, 4), "420000": (5, 4), "340000": (6, 4), "320000": (7, 4), "310000": (8, 4),
    "530000": (3, 5), "520000": (4, 5), "430000": (5, 5), "360000": (6, 5), "330000": (7, 5),
    "450000": (4, 6), "440000": (5, 6), "350000": (6, 6),
    "460000": (4, 7),
}

SHORT_NAMES = {"内蒙古自治区": "内蒙古", "广西壮族自治区": "广西", "西藏自治区": "西藏", "宁夏回族自治区": "宁夏",
               "新疆维吾尔自治区": "新疆", "新疆生产建设兵团": "兵团"}


def short_name(name: str) -> str:
    if name in SHORT_NAMES:
        return SHORT_NAMES[name]
    for suffix in ("省", "市"):
        if name.endswith(suffix):
            return name[: -len(suffix)]
    return name


def state_of(p: ProvinceProgress) -> str:
    status = p.aid_list.status if p.aid_list is not None else None
    if status in (ListStatus.SUBMITTED, ListStatus.ACCEPTED):
        return status
    if p.is_late:
        return "overdue"
    return status or "not_started"


@dataclass
class ProgressRow:
    progress: ProvinceProgress
    state: str

    @property
    def label(self) -> str:
        return STATE_LABELS[self.state]

    @property
    def colour(self) -> str:
        return colour(self.state)

    @property
    def kind_label(self) -> str:
        return ListKind(self.progress.kind).label


@dataclass
class ProgressPage:
    rows: list[ProgressRow]  # after the filter
    counts: list[tuple[str, str, str, int]]  # (key, label, colour, how many lists), every row
    tiles: list[dict]  # the map's squares, every province
    legend: list[dict]
    total: int


def progress_page(campaign, user, *, state: str = "", kind: str = "", q: str = "") -> ProgressPage:
    rows = [ProgressRow(p, state_of(p)) for p in campaign_progress(campaign, user)]
    counter = Counter(r.state for r in rows)
    counts = [(key, label, colour(key), counter[key]) for key, label in STATES]
    by_province: dict[str, list[ProgressRow]] = {}
    for r in rows:
        by_province.setdefault(r.progress.province.code, []).append(r)
    tiles = []
    for code, own in by_province.items():
        if code not in TILE_POSITIONS:
            continue
        worst = min((r.state for r in own), key=URGENCY.__getitem__)
        x, y = TILE_POSITIONS[code]
        tiles.append({"code": code, "name": own[0].progress.province.name,
                      "short": short_name(own[0].progress.province.name), "x": x, "y": y, "state": worst,
                      "label": STATE_LABELS[worst], "color": HEX[colour(worst)],
                      "lists": "；".join(f"{r.kind_label}：{r.label}" for r in own)})
    legend = [{"label": label, "color": HEX[colour(key)]} for key, label in STATES]
    shown = [r for r in rows if (not state or r.state == state) and (not kind or r.progress.kind == kind)
             and (not q or q in r.progress.province.name)]
    return ProgressPage(rows=shown, counts=counts, tiles=tiles, legend=legend, total=len(rows))


def provinces_to_remind(campaign, user) -> dict:
    """{province: [ProvinceProgress, …]}: the lists each province has not yet submitted."""
    found: dict = {}
    for p in campaign_progress(campaign, user):
        if state_of(p) in NOT_SUBMITTED:
            found.setdefault(p.province, []).append(p)
    return found
