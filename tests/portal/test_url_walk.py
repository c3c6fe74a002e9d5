"""Walk every URL in the URLconf as an anonymous user: only public pages may answer."""

import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

pytestmark = pytest.mark.django_db

# Pages the public may read without logging in.
PUBLIC_NAMES = {"login", "healthz", "captcha-image", "captcha-image-2x", "captcha-audio", "captcha-refresh"}


def is_public(name: str) -> bool:
    # apps name their public pages and endpoints "public-…" (crackdown:public-lists, api-public-…)
    short = name.rsplit(":", 1)[-1]
    return name in PUBLIC_NAMES or short in PUBLIC_NAMES or short.startswith(("public-", "api-public-"))


def walk(resolver, prefix="", namespace=""):
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            ns = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from walk(entry, prefix + str(entry.pattern), ns)
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern), namespace + (entry.name or "")


def concrete(pattern: str) -> str:
    path = pattern.lstrip("^").rstrip("$")
    path = re.sub(r"<int:\w+>", "1", path)
    path = re.sub(r"<(?:str|slug):\w+>", "x", path)
    path = re.sub(r"<uuid:\w+>", "00000000-0000-0000-0000-000000000001", path)
    path = re.sub(r"<path:\w+>", "x", path)
    path = re.sub(r"\(\?P<format>[^)]*\)", ".json", path)
    path = re.sub(r"\(\?P<(\w+)>[^)]*\)", "1", path)
    path = path.replace("\\.", ".").replace("^", "").replace("$", "")
    return "/" + path


def test_every_non_public_url_refuses_anonymous(client):
    checked, leaks = 0, []
    for pattern, name in walk(get_resolver()):
        if is_public(name):
            continue
        url = concrete(pattern)
        for method in ("get", "post"):
            response = getattr(client, method)(url)
            checked += 1
            if response.status_code in (401, 403, 405):
                continue
            if response.status_code == 302 and response["Location"].startswith("/accounts/login/"):
                continue
            if url.startswith("/api/") and response.status_code == 404:
                # DRF format-suffix routes (…\.json) that do not resolve for "1": nothing served
                continue
            leaks.append(f"{method.upper()} {url} ({name}) → {response.status_code}")
    assert checked > 40
    assert not leaks, "匿名用户可访问的非公开地址：\n" + "\n".join(leaks)
