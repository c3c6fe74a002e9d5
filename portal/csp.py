"""A strict Content-Security-Policy on every response (issue 13, point 10).

No inline script or style anywhere: the templates load their scripts and styles from static files
(style="…" became classes in static/css/portal.css; onsubmit confirm → data-confirm, javascript:
history.back() → data-history-back, both in static/js/portal.js); htmx's own indicator style is
switched off (base.html), ECharts draws its tooltip on the canvas, the API documentation page takes
its script from a separate address (SpectacularSwaggerSplitView).  ``data:`` images are allowed for
Bootstrap's icons in its stylesheet and ECharts' export.  The browser test
tests/browser/test_csp_browser.py loads the main pages and counts the violations: none.
"""

from __future__ import annotations

from django.conf import settings

DEFAULT_POLICY = "; ".join([
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self' data:",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
])


# The API documentation page: Swagger UI (drf-spectacular-sidecar, pinned) adds one <style> element of
# its own at start-up; that exact text, by its hash, and nothing else inline.
SWAGGER_UI_STYLE_HASH = "'sha256-EEfG67o3KN1v8QRczaoHulkYslofSZy3nxmCWJvG8QQ='"
DOCS_POLICY = DEFAULT_POLICY.replace("style-src 'self'", f"style-src 'self' {SWAGGER_UI_STYLE_HASH}")


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        policy = DOCS_POLICY if request.path_info == "/api/docs/" else DEFAULT_POLICY
        response.setdefault("Content-Security-Policy", getattr(settings, "CONTENT_SECURITY_POLICY", policy))
        return response
