"""Date formats of the portal (issue 12 point 3): Django's zh_Hans formats, with the typed forms clerks use.

Django's own list has "%Y年%n月%j日", which strptime cannot read (%n and %j are not month and day), and no
compact 20260105; these read 2026-01-05, 2026/1/5, 2026.1.5, 2026年1月5日 and 20260105.
"""

from django.conf.locale.zh_Hans.formats import *  # noqa: F403

DATE_INPUT_FORMATS = [
    "%Y-%m-%d",  # 2026-01-05 (what the date picker sends)
    "%Y/%m/%d",  # 2026/1/5
    "%Y.%m.%d",  # 2026.1.5
    "%Y年%m月%d日",  # 2026年1月5日
    "%Y%m%d",  # 20260105
]
