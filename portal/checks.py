"""Deployment checks (``manage.py check --deploy``) for the production edge."""

from django.conf import settings
from django.core.checks import Tags, Warning, register


@register(Tags.security, deploy=True)
def trusted_proxies_configured(app_configs, **kwargs):
    """Behind the bureau's reverse proxy, TRUSTED_PROXIES must name it: without it the forwarding
    headers are dropped, every client looks like the proxy (audit, lockout and rate limits would
    count one address) and X-Forwarded-Proto is not believed."""
    if settings.TRUSTED_PROXIES:
        return []
    return [Warning("未设置 TRUSTED_PROXIES：无法从反向代理得到客户端真实地址与 HTTPS 标志。",
                    hint="在环境中设置 TRUSTED_PROXIES=<反向代理地址或网段>（可用逗号分隔多个）。",
                    id="portal.W001")]
