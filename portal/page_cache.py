"""Pages kept per user and served again only while nothing they were read from has changed (issue 17).

A logged-in page costs 5–10 ms of rendering; most are asked for again and again with the same data
(a clerk going back to the list, the deadline-day crowd reloading).  ``KeptPageMixin`` keeps the
rendered page of a GET in the shared cache and serves it again when, and only when, it would be
rendered the same:

- **the same request**: the key holds the user (account, session stamp, name, authority, roles and
  permissions), the address with its query string, the htmx headers, the language and the local date
  (pages count overdue items by the date; a view may ask for a shorter period: ``kept_page_seconds``);
- **the same data**: every write to a table, by any process, in any way (``save()``, ``update()``,
  ``bulk_create``, raw SQL, a Celery job, ``psql``), notes its transaction's id in ``portal_datagen``
  through a statement trigger (migration 0009; installed on every table by ``install_triggers`` after
  each ``migrate``).  The page keeps the snapshot (``pg_current_snapshot()``) taken *before* its first
  read and the tables its SQL named; it is served again only while no note of those tables is visible
  now that was not visible in that snapshot — one indexed query.  A note becomes visible with its
  write at the commit, so no write is ever missed by a race, and writers never wait for one another;
- **the same kept reference rows**: the per-process stores keyed by ``portal.choice_cache``'s
  generations (filter choices, authority names, paired areas) may lag a commit by a moment: the page
  keeps those generations and the navigation bar's 待办 count it showed, and is served only while
  both are still current.

What the cache holds of a page is encrypted with the personal-data keys (``portal.crypto``, Fernet), as the
database holds those fields; a restore of the database (``portal.backup.restore``) renews the kept pages'
epoch, so nothing kept before it is served.

Never kept: a page read inside a transaction (it could not see its own uncommitted writes as notes),
a page with messages to show, a page whose rendering wrote to the database, anything but a 200
``text/html`` (or, for an API list, ``application/json``) response, a view's own cookies, an export.
``KeptListMixin`` does the same for the API's lists, after DRF's authentication, permissions and throttles,
keyed by the ``Accept`` header too.  The beat prunes the notes (``prune_notes``); ``KEPT_PAGES=0`` turns
the whole off.  Served: the same bytes with a fresh CSRF
token in place of the kept one (each response its own mask, as Django gives).  The view's access
checks (login, permission, scope of the queryset's ``restrict``) run before the kept page is looked
at, and the middleware (idle timeout, session limit, second factor, headers) runs as for any page.
"""

from __future__ import annotations

import hashlib
import logging
import re
import time
import zlib
from contextlib import contextmanager

from django.conf import settings
from django.db import DatabaseError, connection
from django.http import HttpResponse
from django.middleware.csrf import _unmask_cipher_token, get_token
from django.utils import timezone, translation

from portal.crypto import DecryptionFailed, decrypt_bytes, encrypt_bytes

logger = logging.getLogger(__name__)

NOTES_TABLE = "portal_datagen"
MARK_TABLE = "portal_datagen_mark"
TRIGGER = "portal_datagen"
UNTRACKED = frozenset({NOTES_TABLE, MARK_TABLE, "django_migrations"})
KEPT_SECONDS = 10 * 60  # a kept page lives this long at most in the cache (the memory it takes follows)
NOTES_KEPT = "1 hour"  # notes of writes younger than this are kept (pruned by the beat: prune_page_notes)
_MAX_CONTENT = 2 * 1024 * 1024  # a page larger than this (compressed) is not kept
_VERSION = 2  # the entry's shape; a new shape ignores every older entry
# every kept page is checked against this token too: ``forget_all()`` (after a restore of the database, or by
# hand: ``manage.py shell -c "from portal.page_cache import forget_all; forget_all()"``) renews it
EPOCH_KEY = "portal:pages:epoch"

_SNAPSHOT_SQL = "SELECT pg_current_snapshot()::text"
# Still valid: no note of the page's tables visible now that its snapshot did not see, and the snapshot
# taken after the prune mark's transaction finished (notes up to the mark are gone, so they could not be checked).
_VALID_SQL = f"""
SELECT NOT EXISTS (
           SELECT 1 FROM {NOTES_TABLE} n
            WHERE n.tbl = ANY(%s) AND n.xid >= pg_snapshot_xmin(%s::pg_snapshot)
              AND NOT pg_visible_in_snapshot(n.xid, %s::pg_snapshot))
       AND pg_snapshot_xmin(%s::pg_snapshot) > (SELECT xid FROM {MARK_TABLE} WHERE id = 1)
"""
# A statement that only reads: a SELECT (or a server-side cursor's DECLARE/FETCH/CLOSE) that neither locks rows
# nor draws a sequence, a WITH that holds no data-changing statement.  Anything else counts as a write.
_READ = re.compile(r"^\s*(?:SELECT|DECLARE|FETCH|CLOSE|MOVE|WITH)\b", re.IGNORECASE)
_NOT_ONLY_READ = re.compile(
    r"\b(?:INSERT|UPDATE|DELETE|MERGE|nextval|setval)\b|\bFOR\s+(?:NO\s+KEY\s+)?(?:UPDATE|SHARE)\b", re.IGNORECASE)
_WORD = re.compile(r"\w+")
_TOKEN = re.compile(rb"[A-Za-z0-9]{%d}" % 64)  # a masked CSRF token (django.middleware.csrf)


# --- the notes: triggers and pruning ----------------------------------------------------------------
def tracked_tables() -> frozenset[str]:
    """The tables of the portal's models (many-to-many tables included) whose writes are noted."""
    global _tracked
    if _tracked is None:
        from django.apps import apps

        names = {model._meta.db_table for model in apps.get_models(include_auto_created=True)}
        _tracked = frozenset(names - UNTRACKED)
    return _tracked


_tracked: frozenset[str] | None = None


def install_triggers(using: str = "default") -> list[str]:
    """Put the noting trigger on every table of the database that lacks it (run after each ``migrate``,
    as the owner): a table a later migration adds is covered by that migrate.  The tables newly covered."""
    from django.db import connections

    conn = connections[using]
    with conn.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname FROM pg_class c JOIN pg_namespace ns ON ns.oid = c.relnamespace "
            "WHERE ns.nspname = current_schema() AND c.relkind IN ('r', 'p') AND NOT EXISTS ("
            "  SELECT 1 FROM pg_trigger t WHERE t.tgrelid = c.oid AND t.tgname = %s)", [TRIGGER])
        missing = sorted(name for (name,) in cursor.fetchall() if name not in UNTRACKED)
        for name in missing:
            cursor.execute(trigger_sql(conn.ops.quote_name(name)))
    return missing


def trigger_sql(quoted_table: str) -> str:
    """The noting trigger of one table (once per statement; the function is migration 0009's)."""
    return (f"CREATE TRIGGER {TRIGGER} AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {quoted_table} "
            "FOR EACH STATEMENT EXECUTE FUNCTION portal_datagen_note()")


def prune_notes(using: str = "default") -> int:
    """Drop the notes older than ``NOTES_KEPT`` and move the mark to the newest of them: a kept page whose
    snapshot's oldest running transaction is not after the mark is read afresh, so no note it would need is
    ever missing (every note left out of the check is of a transaction its snapshot saw finish).  Only
    notes of finished transactions are visible here, so a long-running writer's note stays.  Notes dropped."""
    from django.db import connections, transaction

    with transaction.atomic(using=using), connections[using].cursor() as cursor:
        cursor.execute(
            f"WITH gone AS (DELETE FROM {NOTES_TABLE} WHERE at < clock_timestamp() - interval '{NOTES_KEPT}' "
            f"RETURNING xid) "
            f"INSERT INTO {MARK_TABLE} AS m (id, xid) SELECT 1, COALESCE((SELECT max(xid) FROM gone), '0') "
            f"ON CONFLICT (id) DO UPDATE SET xid = GREATEST(m.xid, EXCLUDED.xid) "
            f"RETURNING (SELECT count(*) FROM gone)")
        return cursor.fetchone()[0]


# --- reading a page: what it was read from ----------------------------------------------------------
class _Reads:
    """The SQL a page's rendering sent: the tables it named, and whether it wrote."""

    def __init__(self):
        self.statements: list[str] = []

    def __call__(self, execute, sql, params, many, context):
        self.statements.append(sql)
        return execute(sql, params, many, context)

    def tables(self) -> tuple[str, ...]:
        tracked = tracked_tables()
        found: set[str] = set()
        for sql in self.statements:
            found.update(word for word in _WORD.findall(sql) if word in tracked)
        return tuple(sorted(found))

    def wrote(self) -> bool:
        return any(not _READ.match(sql) or _NOT_ONLY_READ.search(sql) for sql in self.statements)


def _snapshot() -> str:
    with connection.cursor() as cursor:
        cursor.execute(_SNAPSHOT_SQL)
        return cursor.fetchone()[0]


def _still_valid(tables: tuple[str, ...], snapshot: str) -> bool:
    with connection.cursor() as cursor:
        cursor.execute(_VALID_SQL, [list(tables), snapshot, snapshot, snapshot])
        return bool(cursor.fetchone()[0])


# --- the key ---------------------------------------------------------------------------------------
def _user_part(user) -> tuple:
    from portal.access import user_access

    access = user_access(user)
    return (user.pk, user.session_stamp, user.is_active, user.is_superuser, user.display_name, user.authority_id,
            tuple(access["roles"]), hashlib.sha256("\n".join(access["perms"]).encode()).hexdigest())


def _period(seconds: int) -> str:
    if seconds >= 86400:
        return timezone.localdate().isoformat()
    return str(int(time.time() // seconds))


def page_key(request, seconds: int = 86400, vary: tuple[str, ...] = ()) -> str:
    """The key of ``request``'s page; ``vary``: further request headers (``META`` names) the page depends on."""
    htmx = tuple(sorted((name, value) for name, value in request.META.items() if name.startswith("HTTP_HX_")))
    parts = (_VERSION, settings.DATABASES["default"]["NAME"], _user_part(request.user), request.get_host(),
             request.get_full_path(), htmx, tuple(request.META.get(name) for name in vary),
             translation.get_language(), _period(seconds))
    return "portal:page:" + hashlib.sha256(repr(parts).encode()).hexdigest()


def _read_entry(key: str, user, waiting: bool) -> tuple[dict | None, tuple]:
    """The kept entry under ``key`` and the state it is checked against, in one round trip to the cache:
    the kept pages' epoch (``forget_all``), the generations of the per-process stores of reference rows
    (``portal.choice_cache``) and the navigation bar's 待办 count (``waiting=False``: a page that counts
    it itself, the home page)."""
    from portal.choice_cache import generations_with, start_token
    from portal.home import waiting_from, waiting_keys

    gens, found = generations_with([key, EPOCH_KEY] + (waiting_keys(user) if waiting else []))
    epoch = found.get(EPOCH_KEY) or start_token(EPOCH_KEY)
    entry = found.get(key)
    shared = (epoch, sorted(gens.items()), waiting_from(found, user) if waiting else None)
    return (entry if isinstance(entry, dict) else None), shared


def forget_all() -> None:
    """No kept page is served again (each is read afresh at its next request)."""
    from django.core.cache import cache

    cache.set(EPOCH_KEY, time.time_ns(), None)


# --- the view side ---------------------------------------------------------------------------------
def _keepable_request(request) -> bool:
    from portal.views.generic import EXPORT_PARAM

    if request.method != "GET" or not request.user.is_authenticated or connection.in_atomic_block:
        return False
    if EXPORT_PARAM in request.GET:
        return False
    storage = getattr(request, "_messages", None)
    return storage is None or len(storage) == 0  # messages waiting: shown (and used up) by a fresh page


KEPT_CONTENT_TYPES = ("text/html", "application/json")


def _keepable_response(response) -> bool:
    return (response.status_code == 200 and not response.streaming and not response.cookies
            and response.get("Content-Type", "").startswith(KEPT_CONTENT_TYPES)
            and not response.has_header("Content-Disposition"))


def _masked_tokens(request, content: bytes) -> tuple[bytes, ...]:
    """The CSRF tokens written into the page: 64-character runs that unmask to this request's secret."""
    secret = request.META.get("CSRF_COOKIE")
    if not secret:
        return ()
    return tuple({t for t in _TOKEN.findall(content) if _unmask_cipher_token(t.decode()) == secret})


def _serve(request, entry) -> HttpResponse:
    content = zlib.decompress(decrypt_bytes(entry["content"]))
    if entry["tokens"]:
        fresh = get_token(request).encode()
        for token in entry["tokens"]:
            content = content.replace(token, fresh)
    response = HttpResponse(content)  # only a 200 is kept
    for name, value in entry["headers"]:
        response[name] = value
    response.kept_page = True
    return response


@contextmanager
def _no_cache_errors():
    try:
        yield
    except (DatabaseError, OSError, ValueError, TypeError, KeyError, zlib.error, DecryptionFailed) as exc:
        logger.warning("kept page skipped: %s", exc)


class _Attempt:
    """One request's use of the kept pages: the entry looked up, and on a miss what the fresh page is kept with."""

    def __init__(self, request, seconds: int, waiting: bool, vary: tuple[str, ...] = ()):
        self.request, self.seconds, self.waiting, self.vary = request, seconds, waiting, vary
        self.key = self.shared = self.snapshot = None
        self.reads = _Reads()

    def served(self) -> HttpResponse | None:
        """The kept page if it is still right; else None, with the snapshot taken for keeping the fresh one."""
        with _no_cache_errors():
            self.key = page_key(self.request, self.seconds, self.vary)
            entry, self.shared = _read_entry(self.key, self.request.user, self.waiting)
            if entry is not None and entry.get("shared") == self.shared \
                    and _still_valid(entry["tables"], entry["snapshot"]):
                return _serve(self.request, entry)
            # read before the page's first query: a write committed after this is a note the snapshot lacks
            self.snapshot = _snapshot()
        return None

    @contextmanager
    def reading(self):
        """Around everything that reads the page's data: the SQL sent is what the page depends on."""
        with connection.execute_wrapper(self.reads):
            yield

    def keep(self, response) -> None:
        # no snapshot: the look-up failed (Redis or the database answered an error), so nothing is kept
        if self.snapshot is None or not _keepable_response(response) or self.reads.wrote():
            return
        from django.core.cache import cache

        with _no_cache_errors():
            content = response.content
            packed = encrypt_bytes(zlib.compress(content, 1))  # the page's personal data, encrypted as in the database
            if len(packed) > _MAX_CONTENT:
                return
            headers = [(name, value) for name, value in response.headers.items()
                       if name.lower() != "content-length"]
            cache.set(self.key, {"tables": self.reads.tables(), "snapshot": self.snapshot, "shared": self.shared,
                                 "tokens": _masked_tokens(self.request, content),
                                 "headers": headers, "content": packed}, KEPT_SECONDS)


def _kept_or_read(view, request, read, vary: tuple[str, ...] = ()) -> tuple[HttpResponse, _Attempt | None]:
    """The kept page (and None), or ``read()``'s response with the attempt to keep it (None: not to be kept)."""
    if not (settings.KEPT_PAGES and _keepable_request(request)):
        return read(), None
    attempt = _Attempt(request, view.kept_page_seconds, view.kept_page_shows_waiting, vary)
    served = attempt.served()
    if served is not None:
        return served, None
    with attempt.reading():
        return read(), attempt


class KeptPageMixin:
    """Keep this view's GET pages per user (see the module's docstring).  ``kept_page_seconds`` is how long
    its rendering stays the same with the same data: a day (it counts by the local date) unless it says less."""

    kept_page_seconds = 86400
    kept_page_shows_waiting = True  # the navigation bar's 待办 count as the cache holds it (not the home page's)

    def get(self, request, *args, **kwargs):
        get = super().get

        def read():
            response = get(request, *args, **kwargs)
            if callable(getattr(response, "render", None)):
                response.render()  # the template's queries are the page's reads too
            return response

        response, attempt = _kept_or_read(self, request, read)
        if attempt is not None:
            attempt.keep(response)
        return response


class KeptListMixin:
    """The same for an API list (DRF): looked up after DRF's authentication, permissions and throttling
    (``initial()`` runs before ``list``), kept in the format the client negotiated (``Accept``)."""

    kept_page_seconds = 86400
    kept_page_shows_waiting = False  # JSON: no navigation bar

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        from rest_framework.mixins import ListModelMixin

        if not issubclass(cls, ListModelMixin):  # a router would route GET to the ``list`` defined here
            raise TypeError(f"{cls.__name__}: KeptListMixin 只用于有列表（ListModelMixin）的视图集")

    def list(self, request, *args, **kwargs):
        list_ = super().list
        response, attempt = _kept_or_read(self, request._request, lambda: list_(request, *args, **kwargs),
                                          vary=("HTTP_ACCEPT",))
        if attempt is not None:
            self._kept_attempt = attempt  # kept once DRF has rendered it in the negotiated format
        return response

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        attempt = self.__dict__.pop("_kept_attempt", None)
        if attempt is not None and response.status_code == 200:
            with attempt.reading():  # the renderer reads nothing more; if it did, that is noted too
                response.render()
            attempt.keep(response)
        return response
