#!/bin/sh
# Runs once, when the postgres container initialises an empty data folder (/docker-entrypoint-initdb.d), after
# 00-cdr.sql (docker/postgres/cdr.sql) made the CDR table: a role for Asterisk's cdr_pgsql that may only add CDRs.
set -eu
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" \
  -v cdr_password="${CDR_DB_PASSWORD:?set CDR_DB_PASSWORD}" <<'SQL'
CREATE ROLE asterisk_cdr LOGIN PASSWORD :'cdr_password';
GRANT USAGE ON SCHEMA asterisk TO asterisk_cdr;
GRANT INSERT ON asterisk.cdr TO asterisk_cdr;
SQL
