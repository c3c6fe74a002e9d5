"""portal/ is the layer every domain app builds on: it imports none of them (issue 9 point 4).

An app reaches portal through the hooks (``portal.app_modules``: reference, demo, roles, panels …),
never the other way round.  Settings and URLconfs name the apps as strings; that is not an import.
"""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PORTAL = ROOT / "portal"
# every top-level package with an AppConfig but portal: aid_projects, crackdown, registry …
DOMAIN_APPS = sorted(p.parent.name for p in ROOT.glob("*/apps.py") if p.parent.name != "portal")


def imported_modules(path: Path):
    """(line, dotted name) of every import in the file, at any depth (a function's local import too)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            yield node.lineno, node.module
        elif isinstance(node, ast.Call) and getattr(node.func, "id", getattr(node.func, "attr", "")) in {
                "import_module", "__import__"} and node.args and isinstance(node.args[0], ast.Constant):
            yield node.lineno, str(node.args[0].value)


def test_the_domain_apps_are_found():
    assert {"aid_projects", "crackdown", "registry"} <= set(DOMAIN_APPS)


def test_portal_imports_no_domain_app():
    found = []
    for path in sorted(PORTAL.rglob("*.py")):
        for line, module in imported_modules(path):
            if module.split(".")[0] in DOMAIN_APPS:
                found.append(f"{path.relative_to(ROOT)}:{line} imports {module}")
    assert found == [], "portal/ 不得导入业务应用（经 portal.app_modules 的钩子反向调用）：\n" + "\n".join(found)
