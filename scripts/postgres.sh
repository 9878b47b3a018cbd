#!/usr/bin/env bash
# Starts (or stops) a throwaway PostgreSQL server for the collector's tests: an unprivileged
# user (PostgreSQL refuses to run as root), a temporary data directory, a loopback port.
#   scripts/postgres.sh start   → prints CHRONOSEAL_PG_URL=postgres://…
#   scripts/postgres.sh stop
set -euo pipefail
DIR="${CHRONOSEAL_PG_DIR:-/tmp/chronoseal-pg}"
PORT="${CHRONOSEAL_PG_PORT:-55432}"
PGUSER_OS="${CHRONOSEAL_PG_OSUSER:-postgres}"

bin() {
  local name=$1
  if command -v "$name" >/dev/null 2>&1; then command -v "$name"; return; fi
  local found
  found=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
  [ -n "$found" ] && [ -x "$found/$name" ] && { echo "$found/$name"; return; }
  echo "postgres.sh: $name not found (install postgresql)" >&2
  exit 1
}

as_user() {
  if [ "$(id -u)" = "0" ]; then
    id "$PGUSER_OS" >/dev/null 2>&1 || useradd --system --no-create-home "$PGUSER_OS"
    runuser -u "$PGUSER_OS" -- "$@"
  else
    "$@"
  fi
}

case "${1:-}" in
  start)
    if [ -f "$DIR/data/postmaster.pid" ] && as_user "$(bin pg_ctl)" -D "$DIR/data" status >/dev/null 2>&1; then
      echo "CHRONOSEAL_PG_URL=postgres://chronoseal@127.0.0.1:$PORT/chronoseal"
      exit 0
    fi
    rm -rf "$DIR"
    mkdir -p "$DIR"
    [ "$(id -u)" = "0" ] && { id "$PGUSER_OS" >/dev/null 2>&1 || useradd --system --no-create-home "$PGUSER_OS"; chown "$PGUSER_OS" "$DIR"; }
    as_user "$(bin initdb)" -D "$DIR/data" -U chronoseal --auth=trust -E UTF8 >/dev/null
    as_user "$(bin pg_ctl)" -D "$DIR/data" -l "$DIR/server.log" -w \
      -o "-c listen_addresses=127.0.0.1 -p $PORT -c unix_socket_directories=$DIR -c fsync=on" start >/dev/null
    as_user "$(bin createdb)" -h 127.0.0.1 -p "$PORT" -U chronoseal chronoseal
    echo "CHRONOSEAL_PG_URL=postgres://chronoseal@127.0.0.1:$PORT/chronoseal"
    ;;
  stop)
    [ -d "$DIR/data" ] && as_user "$(bin pg_ctl)" -D "$DIR/data" -m fast stop >/dev/null 2>&1 || true
    ;;
  *)
    echo "usage: scripts/postgres.sh start|stop" >&2
    exit 2
    ;;
esac
