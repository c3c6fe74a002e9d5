"""axe-core (npm ``axe-core``, vendored here for the browser tests only; never served by the portal) and the
phone-width check, for every page the browser tests visit."""

from __future__ import annotations

from pathlib import Path

AXE = Path(__file__).parent / "vendor" / "axe.min.js"
BLOCKING = ("serious", "critical")


def axe_violations(page) -> list[str]:
    """The serious and critical violations on the page as it stands, one line each."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(AXE.read_text(encoding="utf-8") + "\n;true")  # not a <script> tag: the CSP allows none
    result = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    lines = []
    for violation in result["violations"]:
        if violation["impact"] in BLOCKING:
            targets = ", ".join(" ".join(node["target"]) for node in violation["nodes"][:3])
            lines.append(f"{violation['impact']} {violation['id']}: {violation['help']} → {targets}")
    return lines


def assert_accessible(page) -> None:
    problems = axe_violations(page)
    assert not problems, f"{page.url} 的无障碍问题（axe-core）：\n" + "\n".join(problems)


def assert_no_horizontal_overflow(page) -> None:
    widths = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert widths[0] <= widths[1], f"{page.url} 比屏幕宽：{widths[0]}px > {widths[1]}px"


class AxeEveryPage:
    """axe-core on every page a journey shows: ``check()`` once a page is reached (``check_once()`` for a
    page whose look does not change, such as the login page), and ``assert_all_checked()`` at the end
    fails when the browser navigated to a page that was never checked."""

    def __init__(self, page):
        self.page = page
        self.navigated: list[str] = []
        self.checked: set[str] = set()
        page.on("framenavigated", self._navigated)

    def _navigated(self, frame) -> None:
        if frame.parent_frame is None:  # the main frame; no browser call inside an event handler
            self.navigated.append(frame.url)

    def check(self) -> None:
        self.page.wait_for_load_state()
        assert_accessible(self.page)
        self.checked.add(self.page.url)

    def check_once(self) -> None:
        if self.page.url not in self.checked:
            self.check()

    def assert_all_checked(self) -> None:
        missing = [url for url in dict.fromkeys(self.navigated) if url not in self.checked]
        assert not missing, "这些页面没有经过 axe-core 检查：\n" + "\n".join(missing)
        assert self.checked, "没有检查任何页面"
