"""What waits for a user on the home page.

Each app registers panel functions with ``@home_panel(order)``; a panel takes the user and returns
``HomePanel`` or None (nothing for this user).  Panels read through ``restrict`` like everything.
"""

from __future__ import annotations

from dataclasses import dataclass, field

PANELS: list[tuple[int, callable]] = []


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


def home_panel(order: int = 50):
    def register(func):
        PANELS.append((order, func))
        PANELS.sort(key=lambda pair: pair[0])
        return func

    return register


def panels_for(user) -> list[HomePanel]:
    result = []
    for _, func in PANELS:
        panel = func(user)
        if panel is not None:
            result.append(panel)
    return result
