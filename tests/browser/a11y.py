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
