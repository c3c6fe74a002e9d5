"""Reference data of the crackdown app: the name rules (规范特殊名称) the regulations give.

``portal.reference.load_reference`` calls :func:`load_reference` through the ``app_modules`` hook.
A rule the ministry edited or switched off is never overwritten; only missing rules are added.
"""

from __future__ import annotations


def load_reference() -> dict:
    from crackdown.names import seed_rules

    return {"name_rules": {"created": seed_rules()}}
