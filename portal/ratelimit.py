"""Rate limits per client for the pages and endpoints open to the public (no login).

One budget per client address: django-ratelimit's ``key="ip"`` reads ``portal.middleware.client_ip``
(``RATELIMIT_IP_META_KEY``), the same helper the audit log and the login lockout use.  Limits never
block on their own (``block=False``): the view sees ``limited(request)`` and answers in Chinese,
a page keeping what the citizen typed, the API with 429.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.utils.decorators import method_decorator
from django_ratelimit.decorators import ratelimit


def setting_rate(name: str, default: str) -> Callable:
    """A ``rate`` for django-ratelimit read from ``settings.<name>`` at each request (a test may override it)."""

    def rate(group, request):
        return getattr(settings, name, default)

    rate.__name__ = rate.__qualname__ = f"rate_{name.lower()}"
    return rate


def per_client(*, rate, method: str, group: str | None = None):
    """Class decorator: the view's ``method`` handler counts against ``rate`` per client address.
    Views sharing a ``group`` share one budget (the report page and the report API)."""
    return method_decorator(ratelimit(group=group, key="ip", rate=rate, method=method, block=False),
                            name=method.lower())


def limited(request) -> bool:
    """Did this request go over its budget?"""
    return getattr(request, "limited", False)
