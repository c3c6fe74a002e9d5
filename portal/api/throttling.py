"""API throttling (issue 13, point 7): per user when logged in, per client address when not.

Rates come from ``API_THROTTLE_RATES`` (read at each request, so a deployment or a test can change
them); the counters live in the cache (Redis, or process memory while Redis is down).  Past the rate
the answer is 429 with ``Retry-After`` and a Chinese ``detail`` (portal.api.exceptions); the schema
documents 429 on every operation (portal.api.schema).  The client address is the one helper of the
portal (portal.middleware.client_ip), so a forged X-Forwarded-For cannot spread one sender over many
budgets.  The public report keeps, besides, its own page+API budget (crackdown.public_views).
"""

from __future__ import annotations

from django.conf import settings
from rest_framework.throttling import SimpleRateThrottle

from portal.middleware import client_ip


class _PortalThrottle(SimpleRateThrottle):
    def get_rate(self):
        return settings.API_THROTTLE_RATES.get(self.scope)

    def allow_request(self, request, view):
        self.rate = self.get_rate()  # the rate in force now, not the one read at start-up
        self.num_requests, self.duration = self.parse_rate(self.rate)
        return super().allow_request(request, view)


class UserThrottle(_PortalThrottle):
    """Logged-in callers: one budget per account, whatever address it calls from."""

    scope = "user"

    def get_cache_key(self, request, view):
        if not (request.user and request.user.is_authenticated):
            return None
        return self.cache_format % {"scope": self.scope, "ident": request.user.pk}


class ClientThrottle(_PortalThrottle):
    """Callers without a login (the public endpoints): one budget per client address."""

    scope = "anon"

    def get_cache_key(self, request, view):
        if request.user and request.user.is_authenticated:
            return None
        return self.cache_format % {"scope": self.scope, "ident": client_ip(request) or "unknown"}
