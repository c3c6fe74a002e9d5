"""Issue 17: parameters bound by the server, repeated statements prepared (portal/postgres), and the
protocol's limit of 65,535 parameters a statement handled by writing the values in."""

from datetime import date

import pytest
from django.db import connection

from crackdown.models import Lead
from portal.models import Authority
from portal.postgres.base import MAX_BOUND_PARAMETERS
from portal.settings import base as settings_base

pytestmark = pytest.mark.django_db


def prepared_statements() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements WHERE from_sql = false")
        return [row[0] for row in cursor.fetchall()]


def test_a_repeated_statement_is_prepared_once_and_serves_every_value(xizang_staff):
    names = [f"测试组织{i}" for i in range(8)]
    for name in names:  # eight values, one statement text: prepared after the threshold's five runs
        assert not Lead.objects.filter(org_name=name).exists()
    text = 'FROM "crackdown_lead" WHERE "crackdown_lead"."org_name" = $'
    statements = [s for s in prepared_statements() if text in s]
    assert len(statements) == 1, prepared_statements()
    assert connection.connection.prepare_threshold == 5
    # the prepared statement answers for the other values as well (the plan is kept, not the value)
    authority = xizang_staff.authority
    Lead.objects.create(number="T-PREPARED", source="patrol", org_name=names[3], authority=authority,
                        received_on=date(2025, 1, 1))
    assert [x.org_name for x in Lead.objects.filter(org_name=names[3])] == [names[3]]
    assert not Lead.objects.filter(org_name=names[4]).exists()


def test_more_parameters_than_the_protocol_counts_are_written_in(xizang_staff):
    # an IN of 70,000 keys: a Bind message cannot carry them; the values go into the text instead
    keys = list(range(1, MAX_BOUND_PARAMETERS + 4_466))
    assert Authority.objects.filter(pk__in=keys).count() == Authority.objects.filter(pk__lt=len(keys) + 1).count()
    # text with a quote, a percent sign, a backslash and Chinese comes back as it went in
    values = [f"it's 100% \\ 第{i}条" for i in range(MAX_BOUND_PARAMETERS // 2 + 1)]
    placeholders = ", ".join(["(%s::int, %s)"] * len(values))
    params = [x for i, value in enumerate(values) for x in (i, value)]
    assert len(params) > MAX_BOUND_PARAMETERS
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT v FROM (VALUES {placeholders}) AS t(i, v) ORDER BY i", params)
        assert [row[0] for row in cursor.fetchall()] == values


def test_a_statement_at_the_limit_is_still_bound_by_the_server():
    values = list(range(MAX_BOUND_PARAMETERS))
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*), sum(v) FROM (VALUES " + ", ".join(["(%s::int)"] * len(values)) + ") AS t(v)",
                       values)
        assert cursor.fetchone() == (len(values), sum(values))
        assert cursor._query.params is not None  # the values went apart from the text: bound by the server


@pytest.mark.parametrize(("setting", "threshold"),
                         [(None, 5), ("", 5), ("0", 0), ("20", 20), ("off", None), (" 7 ", 7)])
def test_the_threshold_comes_from_the_environment(monkeypatch, setting, threshold):
    if setting is None:
        monkeypatch.delenv("DB_PREPARE_THRESHOLD", raising=False)
    else:
        monkeypatch.setenv("DB_PREPARE_THRESHOLD", setting)
    config = settings_base.database("postgres://portal@127.0.0.1:5432/portal")
    assert config["ENGINE"] == "portal.postgres"
    assert config["OPTIONS"] == {"server_side_binding": True, "prepare_threshold": threshold}


@pytest.mark.django_db(transaction=True)
def test_a_table_changed_by_another_session_is_planned_again():
    """A migration that changes a column's type while the workers run: PostgreSQL refuses the plans prepared
    before it ("cached plan must not change result type"); outside a transaction the statement runs again."""
    import psycopg

    params = connection.get_connection_params()
    other = psycopg.connect(**{k: params[k] for k in ("dbname", "user", "host", "port", "password") if k in params},
                            autocommit=True)
    try:
        other.execute("CREATE TABLE prepared_scratch (id int PRIMARY KEY, amount int)")
        other.execute("INSERT INTO prepared_scratch VALUES (1, 7)")
        with connection.cursor() as cursor:
            for _ in range(7):  # prepared after five runs
                cursor.execute("SELECT amount FROM prepared_scratch WHERE id = %s", [1])
                assert cursor.fetchone() == (7,)
            assert any("prepared_scratch" in s for s in prepared_statements())
            other.execute("ALTER TABLE prepared_scratch ALTER COLUMN amount TYPE bigint")
            other.execute("UPDATE prepared_scratch SET amount = 8000000000")
            cursor.execute("SELECT amount FROM prepared_scratch WHERE id = %s", [1])
            assert cursor.fetchone() == (8_000_000_000,)
    finally:
        other.execute("DROP TABLE IF EXISTS prepared_scratch")
        other.close()


@pytest.mark.parametrize("setting", ["five", "-1", "1.5", "none"])
def test_a_threshold_that_is_not_a_number_stops_the_start(monkeypatch, setting):
    from django.core.exceptions import ImproperlyConfigured

    monkeypatch.setenv("DB_PREPARE_THRESHOLD", setting)
    with pytest.raises(ImproperlyConfigured, match="DB_PREPARE_THRESHOLD"):
        settings_base.database("postgres://portal@127.0.0.1:5432/portal")
