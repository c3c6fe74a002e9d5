"""No English (or Django's own) text reaches a user: every page of the URL walk, as each role, is read as
text (and the attributes a screen reader speaks), and English words outside an allowed list are reported."""

import re
from html.parser import HTMLParser

import pytest
from django.urls import get_resolver

from portal.models import Role
from tests.factories import make_user
from tests.portal.test_url_walk import concrete, existing_pk, walk

pytestmark = pytest.mark.django_db

# Brand and product names, standard abbreviations and units a Chinese clerk reads as they are.
ALLOWED = {
    "api", "excel", "xlsx", "ip", "id", "pdf", "totp", "https", "http", "url", "ukey", "ca", "qq", "ai",
    "mb", "kb", "gb", "km", "cn", "com", "org", "www", "gov", "email", "wps", "sm", "json", "csv", "app",
    # the authenticator apps the second-factor page names
    "google", "microsoft", "authenticator", "freeotp",
}
SPOKEN_ATTRIBUTES = ("placeholder", "title", "aria-label", "alt")
# Routes that answer with a file, an image or JSON, or only act on POST.
SKIP_PREFIXES = ("/api/", "/captcha/", "/static/", "/media/")


VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class TextExtractor(HTMLParser):
    """The text a user reads or hears; scripts, styles, parts declared in another language (``lang="en"``)
    and data quoted as published (``data-quoted``: a pairing's source note) left out."""

    def __init__(self):
        super().__init__()
        self.parts, self._skip, self._open = [], 0, []

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self._skip += 1
        if tag not in VOID:
            lang = dict(attrs).get("lang")
            # declared in another language, or data quoted as published (a source note: data-quoted)
            foreign = (bool(lang) and not lang.startswith("zh") and tag != "html") or "data-quoted" in dict(attrs)
            self._open.append((tag, foreign))
            self._skip += foreign
        if self._skip:
            return
        for name, value in attrs:
            if name in SPOKEN_ATTRIBUTES and value:
                self.parts.append(value)
        if tag == "input" and dict(attrs).get("type") in ("submit", "button") and dict(attrs).get("value"):
            self.parts.append(dict(attrs)["value"])

    def handle_endtag(self, tag):
        if tag in ("script", "style") and self._skip:
            self._skip -= 1
        if tag in VOID or tag not in {t for t, _ in self._open}:
            return
        # close up to the matching open tag (HTML may leave some, like <li> or <p>, unclosed)
        while self._open:
            opened, foreign = self._open.pop()
            self._skip -= foreign
            if opened == tag:
                break

    def handle_data(self, data):
        if not self._skip:
            self.parts.append(data)


def english_words(html: str) -> set[str]:
    parser = TextExtractor()
    parser.feed(html)
    text = " ".join(parser.parts)
    text = re.sub(r"\S+@\S+|https?://\S+|[\w.-]+\.(?:xlsx|pdf|png|jpg)\b", " ", text)  # addresses, file names
    words = re.findall(r"(?<![A-Za-z0-9_])[A-Za-z]{2,}(?![A-Za-z0-9_])", text)
    return {w for w in words if w.lower() not in ALLOWED}


def test_english_words_are_found():
    assert english_words("<p>共 3 条 Next page</p><script>var x</script><input placeholder='Search'>") == \
        {"Next", "page", "Search"}
    assert english_words("<p>导出 Excel，IP 地址 10.0.0.1，zhuoma@example.cn</p>") == set()
    assert english_words('<td><small lang="en">Xinhua says</small> Next</td>') == {"Next"}
    assert english_words('<td><small data-quoted>福建 supports 昌都</small><p>Back</p></td>') == {"Back"}


def test_no_page_of_the_url_walk_shows_english(client):
    from tests.scope_world import build_world

    world = build_world()
    users = [world.users["bu"], world.users["xz"],
             make_user("walk_liaison", "540000", Role.LIAISON), make_user("walk_audit", "000000", Role.AUDIT_ADMIN),
             make_user("walk_sys", "000000", Role.SYSTEM_ADMIN), make_user("walk_sec", "000000", Role.SECURITY_ADMIN)]
    routes = [(concrete(p, existing_pk(cb)), name) for p, name, cb in walk(get_resolver(), with_callback=True)]
    routes = [(url, name) for url, name in routes if not url.startswith(SKIP_PREFIXES) and name != "logout"]
    found, pages = [], 0
    client.raise_request_exception = False  # a file route whose fixture file is absent is not a page to read
    for user in users:
        client.force_login(user)
        for url, name in routes:
            response = client.get(url)
            if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
                continue
            pages += 1
            words = english_words(response.content.decode())
            if words:
                found.append(f"{user.username} {url} ({name}): {' '.join(sorted(words))}")
        client.logout()
    assert pages > 60
    assert not found, "页面上出现了英文（不在允许名单内）：\n" + "\n".join(found)
