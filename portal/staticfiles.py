"""The static files' storage: whitenoise's compressed manifest storage, each file's URL worked out once per process.

A page asks for nine static URLs (``{% static %}`` in base.html); each is a manifest lookup, a quote and
a URL join (issue 17: ≈ 0.3 ms a page).  The manifest is read when the storage is made and does not
change while the process runs (a new release collects new files and restarts the processes), so the
URL of a name is the same every time: kept in a dict per process.  A name the manifest lacks still
raises (``manifest_strict``) every time, and is not kept.
"""

from __future__ import annotations

from whitenoise.storage import CompressedManifestStaticFilesStorage

_MAX_ENTRIES = 1024


class PortalStaticFilesStorage(CompressedManifestStaticFilesStorage):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._urls: dict[tuple[str, bool], str] = {}

    def url(self, name, force=False):
        key = (name, force)
        found = self._urls.get(key)
        if found is None:
            found = super().url(name, force)
            if len(self._urls) >= _MAX_ENTRIES:
                self._urls.clear()
            self._urls[key] = found
        return found

    def post_process(self, *args, **kwargs):  # collectstatic: new hashed names, nothing kept from before
        self._urls.clear()
        yield from super().post_process(*args, **kwargs)
        self._urls.clear()
