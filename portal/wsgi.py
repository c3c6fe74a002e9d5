import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.production")
application = get_wsgi_application()

# The garbage collector (issue 17).  A page allocates some thousands of container objects; with
# Python's default thresholds (700, 10, 10) the collector ran about once a page and each older-generation
# pass walked the whole loaded application again: about 0.5 ms of every page's CPU.  What is loaded now
# (Django, the apps, every URL pattern and view module) lives as long as the worker, so it is moved out of
# the collector's view (gc.freeze), and the youngest generation is collected after 50,000 allocations
# instead of 700: 0.1 ms a page, and cyclic garbage is still collected (measured in docs/BENCHMARKS.md).
# Reference counting frees everything else at once, as before.
GC_THRESHOLDS = (50_000, 20, 100)


def _settle_garbage_collector() -> None:
    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018 - imports every view module now, so they are frozen too
    gc.collect()
    gc.freeze()
    gc.set_threshold(*GC_THRESHOLDS)


_settle_garbage_collector()
