"""Values computed once per request (issue 17): a dict that lives as long as one request.

``RequestContextMiddleware`` opens it; outside a request (jobs, commands, tests calling services)
``memoized`` simply computes.  For lookups that several parts of one page ask for with the same
arguments — the scope filter and the filter form both want an aiding province's paired areas.
A write ends with a redirect, so the next request computes afresh.
"""

from __future__ import annotations

import contextvars
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")

_memo: contextvars.ContextVar[dict | None] = contextvars.ContextVar("portal_request_memo", default=None)


def open_memo():
    return _memo.set({})


def close_memo(token) -> None:
    _memo.reset(token)


def memoized(key: tuple, compute: Callable[[], T], copy: Callable[[T], T] = lambda value: value) -> T:
    """``compute()`` the first time in this request, a ``copy`` of that value afterwards."""
    memo = _memo.get()
    if memo is None:
        return compute()
    if key not in memo:
        memo[key] = compute()
    return copy(memo[key])


def forget(key: tuple) -> None:
    """Drop ``key`` from this request's memo (a write that changes what it holds)."""
    memo = _memo.get()
    if memo is not None:
        memo.pop(key, None)
