"""Shared service-layer pieces (HackSoft style: services write, selectors read)."""

from __future__ import annotations


class ApplicationError(Exception):
    """A broken business rule; ``message`` is shown to the user as it is (in Chinese)."""

    def __init__(self, message: str, extra: dict | None = None):
        super().__init__(message)
        self.message = message
        self.extra = extra or {}
