"""The suite checks itself: every test asserts something.

A test function must contain an ``assert``, a ``pytest.raises``/``pytest.fail``, or a call to a
helper named ``assert…``/``expect…`` (the permission matrix, the list and write checks, Playwright's
``expect``).  A test that only runs code proves nothing when it passes.
"""

import ast
from pathlib import Path

TESTS = Path(__file__).resolve().parent


def _called_name(node: ast.Call) -> str:
    func = node.func
    if isinstance(func, ast.Attribute):
        return func.attr
    if isinstance(func, ast.Name):
        return func.id
    return ""


def asserts(function: ast.FunctionDef) -> bool:
    for node in ast.walk(function):
        if isinstance(node, ast.Assert):
            return True
        if isinstance(node, ast.Call):
            name = _called_name(node)
            if name.startswith(("assert", "expect")) or name in ("raises", "fail"):
                return True
    return False


def hollow_tests() -> list[str]:
    found = []
    for path in sorted(TESTS.rglob("test_*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.name.startswith("test_"):
                if not asserts(node):
                    found.append(f"{path.relative_to(TESTS.parent)}::{node.name}")
    return found


def test_every_test_asserts_something():
    assert not hollow_tests(), "这些测试没有任何断言：\n" + "\n".join(hollow_tests())


def test_the_check_finds_a_hollow_test():
    hollow = ast.parse("def test_runs_only():\n    do_something()\n").body[0]
    solid = ast.parse("def test_checks():\n    with pytest.raises(ValueError):\n        int('x')\n").body[0]
    assert not asserts(hollow) and asserts(solid)
