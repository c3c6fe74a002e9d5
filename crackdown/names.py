"""Name rules (规范特殊名称) as the regulations write them, applied from the ``NameRule`` table.

The ministry edits the table; this module only reads it.  ``check_name`` is the one function both
the lead form (crackdown.selectors.name_warnings) and the registry's name check call, so a name is
judged the same way everywhere.  It imports nothing from the registry: the registry imports it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from crackdown.choices import NameRuleKind

# the rules the regulations give, loaded into the table by migration 0004 and re-loadable by
# ``seed_rules()``; after that, the table (which the ministry edits) is what applies
SEED_RULES = [
    # (word, kind, local_only, allowed_after, rule_text, source)
    ("中国", NameRuleKind.PREFIX, True, "",
     "地方性社会组织的名称不得冠以“中国”“全国”“中华”等字样，冠以这些字样的须经民政部登记",
     "《社会团体登记管理条例》第十条；《社会组织名称管理办法》第八条"),
    ("全国", NameRuleKind.PREFIX, True, "",
     "地方性社会组织的名称不得冠以“中国”“全国”“中华”等字样，冠以这些字样的须经民政部登记",
     "《社会团体登记管理条例》第十条；《社会组织名称管理办法》第八条"),
    ("中华", NameRuleKind.PREFIX, True, "",
     "地方性社会组织的名称不得冠以“中国”“全国”“中华”等字样，冠以这些字样的须经民政部登记",
     "《社会团体登记管理条例》第十条；《社会组织名称管理办法》第八条"),
    ("国际", NameRuleKind.PREFIX, True, "",
     "地方性社会组织的名称不得冠以“国际”“世界”等表明跨国活动范围的字样；作为行业用语出现在名称中间的（如“××市国际象棋协会”）不在此限",
     "《社会组织名称管理办法》第八条"),
    ("世界", NameRuleKind.PREFIX, True, "",
     "地方性社会组织的名称不得冠以“国际”“世界”等表明跨国活动范围的字样；作为行业用语出现在名称中间的不在此限",
     "《社会组织名称管理办法》第八条"),
    # 京津冀: a region spanning provinces, which no provincial authority's area covers (issue 10 point 4)
    ("京津冀", NameRuleKind.PREFIX, True, "",
     "地方性社会组织的名称不得冠以“京津冀”等跨省（区、市）区域字样，冠以这些字样的须经民政部登记",
     "《社会团体登记管理条例》第十条；《社会组织名称管理办法》第八条"),
    ("第一", NameRuleKind.ANYWHERE, False, "",
     "社会组织名称不得使用“第一”“最高”“国家级”等可能对公众造成欺骗或者误解的字样",
     "《社会组织名称管理办法》第八条"),
    ("最高", NameRuleKind.ANYWHERE, False, "",
     "社会组织名称不得使用“第一”“最高”“国家级”等可能对公众造成欺骗或者误解的字样",
     "《社会组织名称管理办法》第八条"),
    ("国家级", NameRuleKind.ANYWHERE, False, "",
     "社会组织名称不得使用“第一”“最高”“国家级”等可能对公众造成欺骗或者误解的字样",
     "《社会组织名称管理办法》第八条"),
]

_LEADING = re.compile(r"^[\s\"'“”‘’《》（）()【】\[\]]+")


@dataclass(frozen=True)
class NameFinding:
    word: str
    rule_text: str
    source: str

    @property
    def message(self) -> str:
        return f"名称中的“{self.word}”：{self.rule_text}（{self.source}）。"


def _hits(rule, name: str) -> bool:
    if rule.kind == NameRuleKind.PREFIX:
        return name.startswith(rule.word)
    start = name.find(rule.word)
    while start != -1:
        following = name[start + len(rule.word):]
        exceptions = [w for w in re.split(r"[、，,\s]+", rule.allowed_after or "") if w]
        if not any(following.startswith(w) for w in exceptions):
            return True
        start = name.find(rule.word, start + 1)
    return False


def check_name(name: str, *, ministry_registered: bool = False, rules=None) -> list[NameFinding]:
    """The rules ``name`` breaks.  ``ministry_registered``: the name is (to be) registered with the
    ministry, for which the rules limited to local organizations do not apply.  An unregistered group
    (a lead) is not ministry-registered, so every rule applies to it."""
    from crackdown.models import NameRule

    name = _LEADING.sub("", (name or "").strip())
    if not name:
        return []
    if rules is None:
        rules = NameRule.objects.filter(active=True).order_by("kind", "word")
    found = []
    for rule in rules:
        if rule.local_only and ministry_registered:
            continue
        if _hits(rule, name):
            found.append(NameFinding(rule.word, rule.rule_text, rule.source))
    return found


def seed_rules(model=None) -> int:
    """Put the regulations' rules into the table where a word/kind is missing (never overwrites an edit)."""
    if model is None:
        from crackdown.models import NameRule as model
    created = 0
    for word, kind, local_only, allowed_after, rule_text, source in SEED_RULES:
        _, made = model.objects.get_or_create(word=word, kind=kind, defaults={
            "local_only": local_only, "allowed_after": allowed_after, "rule_text": rule_text, "source": source})
        created += made
    return created
