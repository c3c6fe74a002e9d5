#!/bin/sh
# Runs once, when the postgres container initialises its data directory (docker-entrypoint-initdb.d).
# Least privilege: the superuser only bootstraps; portal_owner owns the database and runs migrations;
# portal_app (web, worker, beat) owns nothing and gets its grants from `manage.py migrate`
# (portal/db_roles.py: on the audit table only INSERT and SELECT).
set -eu
: "${POSTGRES_OWNER_PASSWORD:?set POSTGRES_OWNER_PASSWORD in .env}"
: "${POSTGRES_APP_PASSWORD:?set POSTGRES_APP_PASSWORD in .env}"
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres \
     -v owner_pw="$POSTGRES_OWNER_PASSWORD" -v app_pw="$POSTGRES_APP_PASSWORD" <<'SQL'
CREATE ROLE portal_owner LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD :'owner_pw';
CREATE ROLE portal_app LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOINHERIT PASSWORD :'app_pw';
CREATE DATABASE portal OWNER portal_owner ENCODING 'UTF8' TEMPLATE template0;
SQL
