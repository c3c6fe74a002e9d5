"""One mapping from status to colour, used by every list, detail page and home card.

Keyed by the stored value of a status/stage field (the apps' choices use the same words for the same
meaning: draft, submitted, returned, …).  The colour says what the state asks of a clerk: grey = not yet
started or set aside, blue = with someone, amber = needs attention, green = done well, red = refused,
overdue or a sanction.
"""

from __future__ import annotations

from django.utils.html import format_html

COLOURS = {
    # grey: not started, set aside, withdrawn
    "draft": "secondary", "preview": "secondary", "discarded": "secondary", "withdrawn": "secondary",
    "unfounded": "secondary", "declined": "secondary", "queued": "secondary", "not_started": "light",
    # blue: with someone, in progress
    "submitted": "primary", "checking": "info", "running": "info", "received": "primary", "proposed": "primary",
    "parsing": "info", "committing": "info",
    "in_progress": "info", "investigation": "info", "report": "info", "legal_review": "primary",
    "notice": "info", "decision": "primary", "filing": "primary", "announcement": "info",
    # amber: waits for this clerk or came back
    "pending": "warning", "returned": "warning", "transferred": "warning",
    # green: done
    "accepted": "success", "committed": "success", "matched": "success", "completed": "success",
    "succeeded": "success", "published": "success", "closed": "success", "normal": "success",
    "filed": "success", "dissuaded": "success", "dissolved": "success", "registered": "success",
    # red: failed, revoked, sanctioned
    "failed": "danger", "confirmed": "danger", "revoked": "danger", "deregistered": "dark", "banned": "danger",
    "overdue": "danger",
}
STATUS_FIELDS = ("status", "stage", "outcome")
TEXT_ON = {"warning": "text-bg-warning", "info": "text-bg-info", "light": "text-bg-light"}


def colour(value) -> str:
    return COLOURS.get(str(value), "secondary")


_badges: dict[tuple[str, str | None], str] = {}
_BADGES_KEPT = 1024  # (value, label) pairs: a few dozen in practice


def badge(value, label=None):
    """``<span class="badge text-bg-…">label</span>`` for a stored status value.  Written once per value and
    label (a list page shows one per row: issue 17); a value or label that is not a plain string (a lazy
    translation, an enum member) is written each time."""
    key = (value, label)
    if type(value) is str and (label is None or type(label) is str):
        html = _badges.get(key)
        if html is None:
            if len(_badges) >= _BADGES_KEPT:
                _badges.clear()
            html = _badges[key] = _badge_html(value, label)
        return html
    return _badge_html(value, label)


def _badge_html(value, label):
    return format_html('<span class="badge text-bg-{} status-badge" data-status="{}">{}</span>', colour(value),
                       value, label if label is not None else value)


def badge_for(obj, field: str = "status"):
    value = getattr(obj, field, None)
    if value in (None, ""):
        return ""
    display = getattr(obj, f"get_{field}_display", None)
    return badge(value, display() if display else value)
