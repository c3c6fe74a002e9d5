"""The strict Content-Security-Policy without a browser (the browser test is tests/browser/test_csp_browser.py):
the header on every kind of response, and no template that would need 'unsafe-inline'."""

import re
from pathlib import Path

import pytest

from portal.csp import DEFAULT_POLICY

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
INLINE = [
    (re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/(?:ld\+)?json\")[^>]*>"), "inline <script>"),
    (re.compile(r"<style\b"), "<style> element"),
    (re.compile(r"\sstyle=\""), "style attribute"),
    (re.compile(r"\son[a-z]+=\""), "event handler attribute"),
    (re.compile(r"javascript:"), "javascript: address"),
]


def test_no_template_needs_unsafe_inline():
    found = [f"{path.relative_to(TEMPLATES)}: {what}" for path in sorted(TEMPLATES.rglob("*.html"))
             for pattern, what in INLINE if pattern.search(path.read_text(encoding="utf-8"))]
    assert not found, "模板中有内联脚本或样式：\n" + "\n".join(found)


@pytest.mark.django_db
def test_the_policy_is_on_every_response(client, hebei_staff):
    assert "'unsafe-inline'" not in DEFAULT_POLICY and "script-src 'self'" in DEFAULT_POLICY
    assert "style-src 'self'" in DEFAULT_POLICY
    refused = client.get("/crackdown/public/status/", {"receipt": "a\x00b"})  # RequestSanityMiddleware's 400
    assert refused.status_code == 400 and refused["Content-Security-Policy"] == DEFAULT_POLICY
    assert client.get("/accounts/login/")["Content-Security-Policy"] == DEFAULT_POLICY
    client.force_login(hebei_staff)
    for path in ("/", "/crackdown/leads/", "/api/crackdown/leads/", "/no-such-page/"):
        assert client.get(path)["Content-Security-Policy"] == DEFAULT_POLICY, path
