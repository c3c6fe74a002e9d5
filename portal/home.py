"""What waits for a user on the home page.

Each app registers panel functions with ``@home_panel(order)``; a panel takes the user and returns
``HomePanel`` or None (nothing for this user).  Panels read through ``restrict`` like everything.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

PANELS: list[tuple[int, callable]] = []
PANEL_ITEMS_SHOWN = 10  # the selectors' usual limit


@dataclass
class HomeItem:
    text: str
    url: str = ""
    badge: str = ""
    overdue: bool = False


@dataclass
class HomePanel:
    title: str
    items: list[HomeItem] = field(default_factory=list)
    more_url: str = ""
    empty_text: str = "暂无待办事项。"
    # how many wait in all (a panel showing only the first few sets it; else the items are all there is)
    count: int | None = None
    # False for a panel that lists facts, not work (accounts, jobs): it adds nothing to the 待办 count
    is_work: bool = True

    @property
    def total(self) -> int:
        return self.count if self.count is not None else len(self.items)

    @property
    def total_label(self) -> str:
        """The count as shown: 「10+」 when a panel shows its first ten and did not count the rest."""
        if self.count is None and len(self.items) >= PANEL_ITEMS_SHOWN:
            return f"{len(self.items)}+"
        return str(self.total)

    @property
    def overdue_count(self) -> int:
        return sum(1 for item in self.items if item.overdue)


def panels_html(panels) -> str:
    """The cards of ``portal/home.html``, written in Python (issue 17): the bytes its former template loop wrote
    (``tests/portal/test_home_panels.py`` keeps that loop and compares), without a template lookup per field."""
    from django.utils.html import conditional_escape as esc
    from django.utils.safestring import mark_safe

    cards = []
    for panel in panels:
        overdue = panel.overdue_count
        head = esc(panel.title)
        if panel.is_work:
            tone = "text-bg-danger" if overdue else "text-bg-primary" if panel.total else "text-bg-light"
            late = f"（{overdue} 项超期）" if overdue else ""
            head += f' <span class="badge rounded-pill {tone} panel-count">{esc(panel.total_label)}{late}</span>'
        more = f'<a class="small" href="{esc(panel.more_url)}">全部</a>' if panel.more_url else ""
        rows = []
        for item in panel.items:
            text = (f'<a href="{esc(item.url)}">{esc(item.text)}</a>' if item.url else f"<span>{esc(item.text)}</span>")
            badge = (f'<span class="badge {"text-bg-danger" if item.overdue else "text-bg-secondary"}">'
                     f"{esc(item.badge)}</span>" if item.badge else "")
            warning = " list-group-item-warning" if item.overdue else ""
            rows.append(f'\n        <li class="list-group-item d-flex justify-content-between{warning}">'
                        f"\n          {text}\n          {badge}\n        </li>\n        ")
        if not rows:
            rows.append(f'\n        <li class="list-group-item text-muted">{esc(panel.empty_text)}</li>\n        ')
        cards.append('\n  <div class="col-md-6 col-xl-4">\n    <div class="card h-100 shadow-sm">'
                     '\n      <div class="card-header fw-bold d-flex justify-content-between">'
                     f"\n        <span>{head}</span>{more}\n      </div>"
                     '\n      <ul class="list-group list-group-flush">'
                     f"\n        {''.join(rows)}\n      </ul>\n    </div>\n  </div>\n  ")
    return mark_safe("".join(cards))


def home_panel(order: int = 50):
    def register(func):
        PANELS.append((order, func))
        PANELS.sort(key=lambda pair: pair[0])
        return func

    return register


def count_beyond_shown(shown, count) -> int | None:
    """A panel's ``count``: the true count (``count()``, one COUNT) when it shows a full first page, else None —
    fewer than ``PANEL_ITEMS_SHOWN`` came back, so the items are all there is and ``HomePanel.total`` is their
    number.  The queue's query must be limited to ``PANEL_ITEMS_SHOWN`` (or more) rows."""
    return count() if len(shown) >= PANEL_ITEMS_SHOWN else None


def panels_for(user) -> list[HomePanel]:
    result = []
    for _, func in PANELS:
        panel = func(user)
        if panel is not None:
            result.append(panel)
    return result



WAITING_CACHE_SECONDS = 10 * 60
# the generation of every remembered count: a write that may change someone's work renews it (forget_waiting),
# and a count remembered under another generation is not shown (issue 17 point 3)
_WAITING_GEN_KEY = "portal:waiting:gen"


def _waiting_key(user) -> str:
    return f"portal:waiting:{user.pk}"


def remember_waiting(user, panels: list[HomePanel]) -> dict:
    """{"total": n, "overdue": m} of the work panels the home page just built, kept for the navigation bar.

    Other pages show the last count the home page found (one cache read, no query, no extra request),
    as long as no write that may change it came since (``forget_waiting``); after one they show none
    until the home page counts again.
    """
    from django.core.cache import cache

    from portal.choice_cache import start_token

    generation = start_token(_WAITING_GEN_KEY)  # never set, or evicted: a new one no remembered count holds
    work = [p for p in panels if p.is_work]
    counts = {"total": sum(p.total for p in work), "overdue": sum(p.overdue_count for p in work)}
    cache.set(_waiting_key(user), {**counts, "gen": generation}, WAITING_CACHE_SECONDS)
    return counts


def waiting_keys(user) -> list[str]:
    """The cache keys ``cached_waiting`` reads (one round trip, alone or with other keys: ``waiting_from``)."""
    return [_waiting_key(user), _WAITING_GEN_KEY]


def cached_waiting(user) -> dict | None:
    from django.core.cache import cache

    return waiting_from(cache.get_many(waiting_keys(user)), user)


def waiting_from(found: dict, user) -> dict | None:
    counts, generation = found.get(_waiting_key(user)), found.get(_WAITING_GEN_KEY)
    if not counts or generation is None or counts.get("gen") != generation:
        return None
    return {"total": counts["total"], "overdue": counts["overdue"]}


def forget_waiting() -> None:
    """Every remembered 待办 count is stale: a write changed (or may have changed) what waits for someone.

    Called after the transaction of the write commits (a home page counting before the commit would
    remember the old count under the new generation).  One generation for everyone: which users' counts a
    write touches (its province, the ministry, a transfer's other province, the approvers) is the panels'
    business, and a miss costs only the count's absence until the next home page.
    """
    from django.core.cache import cache

    cache.set(_WAITING_GEN_KEY, time.time_ns(), None)
