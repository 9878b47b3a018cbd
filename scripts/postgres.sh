#!/usr/bin/env bash
# Starts (or stops) a throwaway PostgreSQL server for the collector's storage tests.
#
#   eval "export $(bash scripts/postgres.sh start)"   # prints CHRONOSEAL_PG_URL=postgres://…
#   bash scripts/postgres.sh stop                      # stops it and deletes its data directory
#
# PostgreSQL refuses to run as root, so as root the server runs as an unprivileged user
# (CHRONOSEAL_PG_OSUSER, default `postgres`, created if missing). The data directory is temporary
# (CHRONOSEAL_PG_DIR, default /tmp/chronoseal-pg); the server listens on 127.0.0.1 only, on
# CHRONOSEAL_PG_PORT or the first free port from 55432. Authentication is `trust` on loopback: a
# test server, never a production one. `start` on a directory whose server is running prints its
# URL again. Only the URL goes to stdout; everything else goes to stderr.
set -euo pipefail
DIR="${CHRONOSEAL_PG_DIR:-/tmp/chronoseal-pg}"
OSUSER="${CHRONOSEAL_PG_OSUSER:-postgres}"
DB=chronoseal

say() { echo "postgres.sh: $*" >&2; }

bin() {
  local name=$1 found
  for found in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
    [ -x "$found/$name" ] && { echo "$found/$name"; return; }
  done
  command -v "$name" >/dev/null 2>&1 && { command -v "$name"; return; }
  say "$name not found (install PostgreSQL 15: apt-get install postgresql)"
  exit 1
}

as_user() {
  if [ "$(id -u)" = "0" ]; then
    if command -v runuser >/dev/null 2>&1; then runuser -u "$OSUSER" -- "$@"
    else su -s /bin/sh "$OSUSER" -c "$(printf '%q ' "$@")"; fi
  else
    "$@"
  fi
}

ensure_user() {
  [ "$(id -u)" = "0" ] || return 0
  if ! id "$OSUSER" >/dev/null 2>&1; then
    say "creating the unprivileged user $OSUSER"
    useradd --system --no-create-home --shell /usr/sbin/nologin "$OSUSER"
  fi
}

port_free() {
  ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# The port is line 4 of postmaster.pid.
url() {
  echo "CHRONOSEAL_PG_URL=postgres://chronoseal@127.0.0.1:$(sed -n 4p "$DIR/data/postmaster.pid")/$DB"
}

running() {
  [ -f "$DIR/data/postmaster.pid" ] && as_user "$(bin pg_ctl)" -D "$DIR/data" status >/dev/null 2>&1
}

start() {
  ensure_user
  if running; then
    url
    return
  fi
  rm -rf "$DIR"
  mkdir -p "$DIR"
  chmod 755 "$DIR"
  [ "$(id -u)" = "0" ] && chown "$OSUSER" "$DIR"
  local port="${CHRONOSEAL_PG_PORT:-}"
  if [ -z "$port" ]; then
    port=55432
    while ! port_free "$port"; do port=$((port + 1)); done
  fi
  as_user "$(bin initdb)" -D "$DIR/data" -U chronoseal --auth=trust -E UTF8 --locale=C >"$DIR/initdb.log" 2>&1 ||
    { cat "$DIR/initdb.log" >&2; exit 1; }
  as_user "$(bin pg_ctl)" -D "$DIR/data" -l "$DIR/server.log" -w -t 60 \
    -o "-c listen_addresses=127.0.0.1 -p $port -c unix_socket_directories=$DIR -c max_connections=100" start >&2 ||
    { cat "$DIR/server.log" >&2; exit 1; }
  as_user "$(bin createdb)" -h 127.0.0.1 -p "$port" -U chronoseal "$DB"
  say "PostgreSQL running on 127.0.0.1:$port (data in $DIR/data)"
  url
}

stop() {
  if [ -d "$DIR/data" ]; then
    as_user "$(bin pg_ctl)" -D "$DIR/data" -m fast -w stop >&2 || true
  fi
  rm -rf "$DIR"
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  url) running && url ;;
  *)
    echo "usage: scripts/postgres.sh start|stop|url" >&2
    exit 2
    ;;
esac
