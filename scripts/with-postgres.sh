#!/usr/bin/env bash
# Usage: scripts/with-postgres.sh COMMAND [ARG...]
# Runs COMMAND with DATABASE_URL pointing at PostgreSQL and exits with COMMAND's status.
# Uses the server on 127.0.0.1:5432 when it answers (database jiangxuan_ci, or JX_PG_DB;
# pytest-django makes and drops its own test_jiangxuan_ci beside it, one per xdist worker:
# test_jiangxuan_ci_gw0, _gw1, ...). Otherwise, or when
# JX_FORCE_THROWAWAY_PG=1, starts a throwaway cluster in a temporary directory on port
# 55432 (JX_PG_PORT), runs COMMAND, then stops the cluster and deletes it, also on Ctrl-C.
# initdb refuses to run as root, so as root the cluster runs as the postgres user.
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"
[ "$#" -gt 0 ] || die "usage: scripts/with-postgres.sh COMMAND [ARG...]"
# Two runs on one server need two names, or their test databases collide.
db=${JX_PG_DB:-jiangxuan_ci}

if postgres_answers; then
  say "PostgreSQL: the server on 127.0.0.1:5432"
  export DATABASE_URL=postgres://postgres@127.0.0.1:5432/$db
  exec "$@"
fi

bindir=$(postgres_bindir) ||
  die "no PostgreSQL server answers on 127.0.0.1:5432 and none is installed: run 'apt-get install postgresql' (make test does it as root), or start your server."
port=${JX_PG_PORT:-55432}
if pg_isready -q -h 127.0.0.1 -p "$port" 2>/dev/null; then
  die "port $port is taken by another PostgreSQL: stop it or choose another port with JX_PG_PORT=..."
fi

as_owner=()
if [ "$(id -u)" = 0 ]; then
  id postgres >/dev/null 2>&1 || die "user 'postgres' is missing: reinstall the postgresql package."
  as_owner=(runuser -u postgres --)
fi
base=$(mktemp -d "${TMPDIR:-/tmp}/jx-pg.XXXXXX")
[ "$(id -u)" = 0 ] && chown postgres: "$base"

stop_cluster() {
  if [ -f "$base/data/postmaster.pid" ]; then
    "${as_owner[@]}" "$bindir/pg_ctl" -D "$base/data" -m fast -w stop >/dev/null 2>&1 || true
  fi
  rm -rf "$base"
}
trap stop_cluster EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

say "PostgreSQL: starting a throwaway cluster on 127.0.0.1:$port ($("$bindir/postgres" --version))"
start=$SECONDS
"${as_owner[@]}" "$bindir/initdb" -D "$base/data" -U postgres --auth=trust --encoding=UTF8 \
  --locale=C.UTF-8 >"$base/initdb.log" 2>&1 ||
  { cat "$base/initdb.log" >&2; die "initdb failed (output above)."; }
# fsync and friends are off: the cluster lives for one test run.
"${as_owner[@]}" "$bindir/pg_ctl" -D "$base/data" -l "$base/server.log" -w -o \
  "-c listen_addresses=127.0.0.1 -c port=$port -c unix_socket_directories=$base -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
  start >/dev/null ||
  { cat "$base/server.log" >&2; die "the throwaway PostgreSQL did not start (log above)."; }
say "PostgreSQL: ready in $((SECONDS - start)) s"

export DATABASE_URL=postgres://postgres@127.0.0.1:$port/$db
status=0
"$@" || status=$?
exit "$status"
