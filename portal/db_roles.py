"""The app role's privileges, kept by every ``migrate`` (run as the owner role).

The app role (DATABASE_APP_ROLE) reads and writes the portal's tables but owns none of them, so it
can neither change the schema nor switch a trigger off; on the audit table it may only INSERT and
SELECT (the trigger refuses UPDATE/DELETE besides, and only the owner's ``portal_audit_purge`` may
remove rows past 183 days).  It is not a superuser, so ``SET session_replication_role`` (which would
silence triggers) is refused to it.
"""

from __future__ import annotations

AUDIT_TABLE = "portal_auditentry"


def grant_app_privileges(connection, app_role: str) -> None:
    role = connection.ops.quote_name(app_role)
    statements = [
        f"GRANT USAGE ON SCHEMA public TO {role}",
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {role}",
        f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {role}",
        # the audit log: append and read, nothing else
        f"REVOKE ALL ON {AUDIT_TABLE} FROM {role}",
        f"GRANT SELECT, INSERT ON {AUDIT_TABLE} TO {role}",
        # the migration record is the owner's; the app only reads it (unapplied-migration checks)
        f"REVOKE ALL ON django_migrations FROM {role}",
        f"GRANT SELECT ON django_migrations TO {role}",
        # the purge runs with the owner's rights but refuses anything younger than 183 days
        "REVOKE ALL ON FUNCTION portal_audit_purge(integer) FROM PUBLIC",
        f"GRANT EXECUTE ON FUNCTION portal_audit_purge(integer) TO {role}",
    ]
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)
