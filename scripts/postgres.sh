#!/usr/bin/env bash
# A throwaway PostgreSQL server for the test suite and benchmarks, on loopback only.
#
#   bash scripts/postgres.sh start   install Debian's postgresql if missing, start the cluster
#   bash scripts/postgres.sh stop    stop it (the data directory is kept)
#   bash scripts/postgres.sh url     print the DATABASE_URL to use
#
# The cluster lives in $ERRORKB_PGDATA (default /tmp/errorkb-pgdata: the `postgres` user
# may not be able to reach a checkout under /root), owned by the `postgres` OS user when
# run as root (initdb refuses root), and listens
# on 127.0.0.1:$ERRORKB_PGPORT only. The `errorkb` role may create databases, so
# pytest-django can make its test databases. Every command is idempotent; it exits
# non-zero only when PostgreSQL cannot be installed or started.
set -euo pipefail

PGDATA="${ERRORKB_PGDATA:-/tmp/errorkb-pgdata}"
PORT="${ERRORKB_PGPORT:-54329}"
ROLE=errorkb
PASSWORD=errorkb
DB=errorkb
URL="postgres://$ROLE:$PASSWORD@127.0.0.1:$PORT/$DB"

pg_bindir() {
    local version
    version="$(ls /usr/lib/postgresql 2>/dev/null | sort -V | tail -n 1)"
    [ -n "$version" ] && [ -x "/usr/lib/postgresql/$version/bin/initdb" ] && echo "/usr/lib/postgresql/$version/bin"
}

install_postgres() {
    pg_bindir >/dev/null && return 0
    if [ "$(id -u)" != 0 ]; then
        echo "postgres.sh: PostgreSQL is not installed and we are not root to install it" >&2
        return 1
    fi
    echo "postgres.sh: installing Debian's postgresql" >&2
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null \
        || return 1
    # The package starts its own `main` cluster; this script never uses it.
    pg_bindir >/dev/null
}

# Run a command as the cluster's owner: `postgres` when we are root, ourselves otherwise.
as_owner() {
    if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

is_running() {
    [ -f "$PGDATA/PG_VERSION" ] && as_owner "$BIN/pg_ctl" -D "$PGDATA" status >/dev/null 2>&1
}

start() {
    install_postgres || { echo "postgres.sh: PostgreSQL could not be installed" >&2; exit 1; }
    BIN="$(pg_bindir)"
    if ! [ -f "$PGDATA/PG_VERSION" ]; then
        mkdir -p "$PGDATA"
        [ "$(id -u)" = 0 ] && chown postgres: "$PGDATA"
        chmod 700 "$PGDATA"
        as_owner "$BIN/initdb" -D "$PGDATA" -U postgres --auth=trust --encoding=UTF8 --locale=C.UTF-8 \
            >"${TMPDIR:-/tmp}/errorkb-initdb.log" 2>&1 \
            || { echo "postgres.sh: initdb failed (see ${TMPDIR:-/tmp}/errorkb-initdb.log)" >&2; exit 1; }
        cat >>"$PGDATA/postgresql.conf" <<CONF
listen_addresses = '127.0.0.1'
port = $PORT
unix_socket_directories = '$PGDATA'
max_connections = 200
shared_buffers = 128MB
# A throwaway cluster for tests: durability is not wanted, speed is.
fsync = off
synchronous_commit = off
full_page_writes = off
CONF
    fi
    if ! is_running; then
        # A server killed uncleanly (a session that stopped) leaves its pid file behind,
        # and pg_ctl then trusts the stale file and returns before the new server is up.
        # Its socket lock file too; a dying server may still hold it for a moment, hence two tries.
        for attempt in 1 2; do
            rm -f "$PGDATA/postmaster.pid" "$PGDATA"/.s.PGSQL.*.lock
            as_owner "$BIN/pg_ctl" -D "$PGDATA" -l "$PGDATA/server.log" -w -t 60 start >/dev/null && break
            [ "$attempt" = 2 ] && { echo "postgres.sh: the server did not start (see $PGDATA/server.log)" >&2; exit 1; }
            sleep 3
        done
    fi
    for _ in $(seq 60); do
        as_owner "$BIN/pg_isready" -q -h "$PGDATA" -p "$PORT" && break
        sleep 0.5
    done
    as_owner "$BIN/pg_isready" -q -h "$PGDATA" -p "$PORT" \
        || { echo "postgres.sh: the server does not accept connections (see $PGDATA/server.log)" >&2; exit 1; }
    psql_admin() { as_owner "$BIN/psql" -h "$PGDATA" -p "$PORT" -U postgres -d postgres -qtAX "$@"; }
    if [ "$(psql_admin -c "SELECT 1 FROM pg_roles WHERE rolname = '$ROLE'")" != 1 ]; then
        psql_admin -c "CREATE ROLE $ROLE LOGIN CREATEDB PASSWORD '$PASSWORD'"
    fi
    if [ "$(psql_admin -c "SELECT 1 FROM pg_database WHERE datname = '$DB'")" != 1 ]; then
        psql_admin -c "CREATE DATABASE $DB OWNER $ROLE"
    fi
    echo "postgres.sh: PostgreSQL is running on 127.0.0.1:$PORT ($PGDATA)" >&2
}

stop() {
    BIN="$(pg_bindir)" || return 0
    if is_running; then
        as_owner "$BIN/pg_ctl" -D "$PGDATA" -m fast -w stop >/dev/null
    fi
}

case "${1:-}" in
    start) start ;;
    stop) stop ;;
    url) echo "$URL" ;;
    *) echo "usage: $0 start|stop|url" >&2; exit 2 ;;
esac
