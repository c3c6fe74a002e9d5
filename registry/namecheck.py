"""名称核查: what the register says of a name — one service for the page, the API and the crackdown app.

For any name: is it registered (the same name once normalised, as a current or former name, or a
name close enough by rapidfuzz), by whom and in what status; does it use a reserved word and, if so,
is its registering authority the ministry; does it resemble an organization on a published exposure or
ban list; is the registered organization revoked or deregistered.

Candidates come from the indexes (pg_trgm ``%`` on the search key, the bigram index for two
characters); rapidfuzz scores them in Python, so the database reads at most ``CANDIDATES`` rows.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.contrib.postgres.search import TrigramSimilarity
from rapidfuzz import fuzz

from crackdown.names import NameFinding, check_name
from registry.choices import OrgStatus
from registry.models import Organization
from registry.search import search_q
from registry.text import SEPARATOR, name_key

# Reserved words (《社会团体登记管理条例》第十条第二款: 地方性的社会团体的名称不得冠以“中国”“全国”“中华”等
# 字样; 国际、京津冀 and the rest: 《社会组织名称管理办法》第八条) are the ``NameRule`` table the ministry edits
# (crackdown/names.py), read through ``check_name`` as the lead form reads it: one list, one place.
NEAR_SCORE = 85  # rapidfuzz ratio (0–100) from which a registered name counts as "nearly the same"
LIST_SCORE = 80  # ... and a listed illegal organization's name as "resembling"
CANDIDATES = 200


def name_rules(key: str) -> tuple[list[str], list[NameFinding]]:
    """(reserved words the name uses — allowed only to organizations the ministry registers —, the other
    rules it breaks whoever registers it), from the ministry's rule table."""
    every = check_name(key)
    for_ministry = check_name(key, ministry_registered=True)
    allowed = {(f.word, f.rule_text) for f in for_ministry}
    reserved = list(dict.fromkeys(f.word for f in every if (f.word, f.rule_text) not in allowed))
    return reserved, for_ministry


@dataclass
class Match:
    organization: Organization
    how: str  # same | former | near
    score: float
    matched_name: str

    @property
    def how_label(self) -> str:
        return {"same": "同名", "former": "与其曾用名相同", "near": "名称相近"}[self.how]

    @property
    def inactive(self) -> bool:
        return self.organization.status != OrgStatus.NORMAL


@dataclass
class ListHit:
    name: str
    list_label: str
    batch: str
    province: str
    score: float


@dataclass
class NameCheck:
    name: str
    key: str
    matches: list[Match] = field(default_factory=list)
    reserved: list[str] = field(default_factory=list)
    reserved_ok: bool | None = None  # None: no reserved word, or no authority known to judge by
    rule_findings: list[NameFinding] = field(default_factory=list)  # rules broken whoever registers it
    list_hits: list[ListHit] = field(default_factory=list)

    @property
    def registered(self) -> list[Match]:
        return [m for m in self.matches if m.how in ("same", "former")]

    @property
    def near(self) -> list[Match]:
        return [m for m in self.matches if m.how == "near"]

    @property
    def revoked(self) -> list[Match]:
        """Registered under this name but revoked or deregistered: acting on is an illegal-organization target
        (《取缔非法社会组织办法》第二条: 撤销登记后继续以社会组织名义活动)."""
        return [m for m in self.registered if m.inactive]

    @property
    def findings(self) -> list[tuple[str, str]]:
        """(tone, sentence) for the reader, most serious first."""
        out = []
        for m in self.revoked:
            out.append(("danger", f"该名称的社会组织已{m.organization.get_status_display()}"
                                  f"（{m.organization.authority.bureau_name}，{m.organization.credit_code}）；"
                                  "撤销登记后继续以社会组织名义活动的，属非法社会组织。"))
        for hit in self.list_hits:
            out.append(("danger", f"与{hit.province}公布的{hit.list_label}中的“{hit.name}”相似（{hit.batch}，"
                                  f"相似度 {hit.score:.0f}）。"))
        if self.reserved:
            words = "、".join(self.reserved)
            if self.reserved_ok is False:
                out.append(("danger", f"名称使用了“{words}”字样，须由民政部登记（规范特殊名称），登记机关不是民政部。"))
            elif self.reserved_ok:
                out.append(("success", f"名称使用了“{words}”字样，登记机关为民政部，符合规范特殊名称要求。"))
            else:
                out.append(("warning", f"名称使用了“{words}”字样，只有在民政部登记的社会组织可以使用。"))
        for finding in self.rule_findings:
            out.append(("danger", finding.message))
        for m in self.registered:
            org = m.organization
            if not m.inactive:
                out.append(("info", f"已登记：{org.name}（{m.how_label}，{org.authority.bureau_name}登记，"
                                    f"{org.get_status_display()}）。"))
        for m in self.near:
            org = m.organization
            out.append(("warning", f"名称相近的已登记社会组织：{org.name}（{org.authority.bureau_name}登记，"
                                   f"{org.get_status_display()}，相似度 {m.score:.0f}）。"))
        if not out:
            out.append(("success", "登记库中没有相同或相近的名称，未使用保留字样，与已公布名单无相似。"))
        return out


def _candidates(key: str):
    """Rows that may match: containing the name, or trigram-similar to it (both answered by an index)."""
    # No ordering by name (the model's default): with it PostgreSQL walks the whole name index and filters,
    # 2.7 s for a common province-and-city prefix at 1,000,000 rows (docs/BENCHMARKS.md); the trigram
    # candidates come most similar first, so the ``CANDIDATES`` read are the ones that can score.
    qs = Organization.objects.select_related("authority")
    found = {org.pk: org for org in qs.filter(search_q(key)).order_by()[:CANDIDATES]} if len(key) >= 2 else {}
    if len(key) >= 3:  # pg_trgm's ``%`` at its default threshold (pg_trgm.similarity_threshold = 0.3)
        similar = (qs.filter(search_key__trigram_similar=key)
                   .annotate(similarity=TrigramSimilarity("search_key", key)).order_by("-similarity", "id"))
        for org in similar[:CANDIDATES]:
            found.setdefault(org.pk, org)
    return found.values()


def _score(key: str, org: Organization) -> tuple[str, float, str] | None:
    current = name_key(org.name)
    if current == key:
        return "same", 100.0, org.name
    formers = [n for n in org.former_names.split(SEPARATOR) if n]
    for former in formers:
        if name_key(former) == key:
            return "former", 100.0, former
    score = fuzz.ratio(key, current)
    return ("near", score, org.name) if score >= NEAR_SCORE else None


def _list_hits(key: str) -> list[ListHit]:
    from crackdown.selectors import public_entries

    hits = []
    rows = (public_entries().filter(name__trigram_similar=key) if len(key) >= 3 else public_entries(key))[:100]
    for entry in rows:
        score = fuzz.ratio(key, name_key(entry.name))
        if score >= LIST_SCORE or (len(key) >= 4 and key in name_key(entry.name)):
            hits.append(ListHit(entry.name, entry.batch.get_kind_display(), entry.batch.number,
                                entry.province.name if entry.province_id else "", score))
    return sorted(hits, key=lambda h: -h.score)[:10]


def name_check(name: str, *, authority=None, limit: int = 10) -> NameCheck:
    """Check ``name`` (optionally as a name ``authority`` would register) against the register and the lists.

    Unscoped on purpose: the register and the published lists are public information.
    """
    key = name_key(name)
    result = NameCheck(name=(name or "").strip(), key=key)
    if len(key) < 2:
        return result
    scored = []
    for org in _candidates(key):
        found = _score(key, org)
        if found:
            scored.append(Match(org, found[0], found[1], found[2]))
    order = {"same": 0, "former": 1, "near": 2}
    result.matches = sorted(scored, key=lambda m: (order[m.how], -m.score, m.organization.name))[:limit]
    result.reserved, result.rule_findings = name_rules(key)
    if result.reserved:
        judged = authority or next((m.organization.authority for m in result.registered), None)
        result.reserved_ok = None if judged is None else judged.is_ministry
    result.list_hits = _list_hits(key)
    return result
