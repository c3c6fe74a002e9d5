"""Django's PostgreSQL backend with the parameters bound by the server and repeated statements prepared
(issue 17).

Django binds parameters on the client by default (the literals are written into the SQL text), so
PostgreSQL parses and plans every statement afresh.  A list page's statement joins up to eight tables
(the matches: two items, two lists, four authorities) and took 6.5 ms to plan and 1 ms to run.  With
``server_side_binding`` the text is the same for every user and value; psycopg prepares a statement
on a connection after it ran ``prepare_threshold`` times (``DB_PREPARE_THRESHOLD``, 5 by default;
``off`` for a pooler that cannot keep prepared statements), and PostgreSQL keeps its plan
(``plan_cache_mode = auto``: a generic plan only when it costs no more than the plans made for the
values).  Django supports the mode and runs its own tests with it; the one case it does not handle
(a parameter nested inside an expression used both in SELECT and in GROUP BY, Django #34255) does
not occur in this portal — the test suite runs in this mode.

One limit comes with it: the protocol counts a statement's parameters in 16 bits (65,535 at most;
Django 5.2 does not batch for it, Django #36822).  A statement with more — a large ``bulk_create``,
an ``IN`` of a hundred thousand keys — is sent with its values written in as literals, as Django's
default cursor would send it.

A plan kept on a connection can go stale when another session changes a table's columns (a migration run
while the workers serve): the statement is then planned again (``Cursor.execute``), not refused until the
connection closes.
"""

from __future__ import annotations

from django.db.backends.postgresql import base
from psycopg import ClientCursor, errors, pq

MAX_BOUND_PARAMETERS = 65_535  # a Bind message's parameter count is an Int16 (PostgreSQL protocol, Bind)


class Cursor(base.ServerBindingCursor):
    def execute(self, query, params=None, **kwargs):
        if params is not None and len(params) > MAX_BOUND_PARAMETERS:
            # the values as literals, exactly as Django's client-side binding cursor writes them
            query, params = ClientCursor(self.connection).mogrify(query, params), None
        try:
            return super().execute(query, params, **kwargs)
        except errors.FeatureNotSupported as error:
            # Another session changed a table under a statement prepared on this connection (a migration that
            # alters a column's type while the web workers run): PostgreSQL refuses the kept plan ("cached plan
            # must not change result type").  In a transaction, its ROLLBACK makes psycopg forget the prepared
            # statements; outside one they are deallocated here and the statement runs again, planned afresh.
            if (error.diag.source_function != "RevalidateCachedQuery"
                    or self.connection.info.transaction_status != pq.TransactionStatus.IDLE):
                raise
            super().execute("DEALLOCATE ALL")  # psycopg forgets its prepared statements with it
            return super().execute(query, params, **kwargs)


class DatabaseWrapper(base.DatabaseWrapper):
    def get_connection_params(self):
        params = super().get_connection_params()
        if self.settings_dict["OPTIONS"].get("server_side_binding") is True:
            params["cursor_factory"] = Cursor
        return params
