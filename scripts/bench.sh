#!/usr/bin/env bash
# Usage: scripts/bench.sh   (make bench; run `scripts/ensure-venv.sh --group bench` first)
# Load benchmark of the public vote and the public notice page (docs/security.md check 34):
#  1. PostgreSQL: the server on 127.0.0.1:5432, else a throwaway cluster
#     (scripts/with-postgres.sh); Redis: the server on 127.0.0.1:6379 (database
#     JX_BENCH_REDIS_DB, default 13, emptied before and after), else a throwaway
#     redis-server on 62379 (installed through apt when missing).
#     JX_FORCE_THROWAWAY_PG=1 / JX_FORCE_THROWAWAY_REDIS=1 use the throwaway ones anyway.
#  2. A fresh database jx_bench: migrate, then bench/seed.py (seed 003 with approved
#     candidates, a running social notice, an open public vote), as the owner; then
#     `jiangxuan auditroles` lets the role jx_bench_app only append to the audit trail,
#     and everything after this step connects as jx_bench_app (docs/admin/install.md).
#  3. gunicorn (JX_BENCH_WORKERS=4 gthread workers x JX_BENCH_THREADS=4 threads) on
#     127.0.0.1:JX_BENCH_PORT (62000), DEBUG off, CONN_MAX_AGE 60, Redis for cache,
#     sessions and rate limits, behind a simulated proxy (JX_TRUSTED_PROXIES=127.0.0.1).
#  4. Locust headless, one run per scenario, JX_BENCH_USERS (100) users each, for
#     JX_BENCH_SECONDS (20) + 5 s, statistics reset once all users started: baseline
#     (/healthz), notice page, voters at full speed, then voters with a phone user's pauses.
#  5. bench/report.py prints the summary and writes it, with the CSVs, to var/bench/;
#     `jiangxuan recount` must exit 0 and the stored votes must equal the 201 answers.
#  6. Stops what it started; the machine's own PostgreSQL and Redis keep running.
#  7. The wrk comparison (issue 17; bench/wrk_compare.py): after the Locust scenarios, one
#     gunicorn with 2 sync workers and bench/server/settings.py (the project plus a naive
#     SELECT + INSERT view and a cached template page), wrk -t2 -c50, JX_BENCH_WRK_ROUNDS (3)
#     interleaved rounds of JX_BENCH_WRK_SECONDS (10) s per target; JX_BENCH_WRK_VARIANTS
#     (space-separated NAME:ENV=VALUE,...) adds server variants, e.g. nohc:JX_CONN_HEALTH_CHECKS=0.
#     JX_BENCH_LOCUST=0 skips the Locust part (4-5), JX_BENCH_WRK=0 the wrk part.
# Exit status: 0 when the run completed (goals missed are reported, not failed), 1 when
# the server failed to start, a scenario had errors or the recount did not match.
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"
cd "$JX_ROOT"

bin=$JX_ROOT/.venv/bin
[ -x "$bin/locust" ] && [ -x "$bin/gunicorn" ] ||
  die "locust or gunicorn is missing from .venv: run 'scripts/ensure-venv.sh --group bench' (make bench does)."

# Run the rest with DATABASE_URL set by with-postgres.sh (which may start a throwaway
# cluster and removes it when this script ends).
if [ -z "${JX_BENCH_INNER:-}" ]; then
  JX_BENCH_INNER=1 exec "$JX_ROOT/scripts/with-postgres.sh" "$0" "$@"
fi

users=${JX_BENCH_USERS:-100}
seconds=${JX_BENCH_SECONDS:-20}
# The ports lie above Linux's default range for outgoing connections (32768-60999,
# net.ipv4.ip_local_port_range): wrk's thousands of short connections to the last server
# took ports of that range, and a server started on one of them failed with "Address
# already in use".
port=${JX_BENCH_PORT:-62000}
workers=${JX_BENCH_WORKERS:-4}
threads=${JX_BENCH_THREADS:-4}
out=$JX_ROOT/var/bench
tmp=$(mktemp -d "${TMPDIR:-/tmp}/jx-bench.XXXXXX")
server=""
redis_pid=""
flush_url=""

cleanup() {
  if [ -n "$server" ]; then
    kill -TERM "$server" 2>/dev/null || true
    wait "$server" 2>/dev/null || true
  fi
  if [ -n "$redis_pid" ]; then
    kill -TERM "$redis_pid" 2>/dev/null || true
  elif [ -n "$flush_url" ]; then
    "$bin/python" -c "import redis, sys; redis.Redis.from_url(sys.argv[1]).flushdb()" "$flush_url" 2>/dev/null || true
  fi
  rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# ---------------------------------------------------------------------------- services

pg_base=${DATABASE_URL%/*}
# JX_BENCH_DB (default jx_bench): the database, and <name>_app the server's role, so two
# people benchmarking on one machine do not drop each other's database.
db=${JX_BENCH_DB:-jx_bench}
[[ $db =~ ^[a-z_][a-z0-9_]*$ ]] || die "JX_BENCH_DB must be a lower-case identifier"
export DATABASE_URL=$pg_base/$db
say "PostgreSQL: fresh database $db"
psql -q -X -d "$pg_base/postgres" -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" -c "CREATE DATABASE $db" >/dev/null 2>&1 ||
  "$bin/python" - "$pg_base/postgres" "$db" <<'PY'
import sys

import psycopg

with psycopg.connect(sys.argv[1], autocommit=True) as conn:
    conn.execute(f"DROP DATABASE IF EXISTS {sys.argv[2]} WITH (FORCE)")
    conn.execute(f"CREATE DATABASE {sys.argv[2]}")
PY

redis_ping() {
  "$bin/python" -c "import redis, sys; redis.Redis.from_url(sys.argv[1], socket_timeout=1).ping()" "$1" >/dev/null 2>&1
}
if [ "${JX_FORCE_THROWAWAY_REDIS:-0}" != 1 ] && redis_ping "redis://127.0.0.1:6379/0"; then
  export REDIS_URL=redis://127.0.0.1:6379/${JX_BENCH_REDIS_DB:-13}
  flush_url=$REDIS_URL
  say "Redis: the server on 127.0.0.1:6379, database ${JX_BENCH_REDIS_DB:-13} (emptied)"
  "$bin/python" -c "import redis, sys; redis.Redis.from_url(sys.argv[1]).flushdb()" "$REDIS_URL"
else
  command -v redis-server >/dev/null 2>&1 || "$JX_ROOT/scripts/ensure-system-packages.sh" redis-server
  redis_port=${JX_BENCH_REDIS_PORT:-62379}
  say "Redis: starting a throwaway server on 127.0.0.1:$redis_port"
  redis-server --daemonize yes --bind 127.0.0.1 --port "$redis_port" --save "" --appendonly no \
    --dir "$tmp" --pidfile "$tmp/redis.pid" --logfile "$tmp/redis.log"
  for _ in $(seq 50); do
    redis_ping "redis://127.0.0.1:$redis_port/0" && break
    sleep 0.1
  done
  redis_pid=$(cat "$tmp/redis.pid")
  export REDIS_URL=redis://127.0.0.1:$redis_port/0
fi

# ---------------------------------------------------------------------------- settings

# Production-like settings (DEBUG off, HTTPS redirect on, secure cookies), with keys
# made for this run only.
JX_FIELD_KEY=$("$bin/python" -c "import secrets; print(secrets.token_hex(32))")
SECRET_KEY=$("$bin/python" -c "import secrets; print(secrets.token_urlsafe(50))")
export JX_FIELD_KEY SECRET_KEY
export JX_DEBUG=0 ALLOWED_HOSTS=127.0.0.1,localhost JX_CONN_MAX_AGE=60 JX_LOG_LEVEL=WARNING
export JX_VAR_DIR=$tmp/var JX_SMS_BACKEND=jiangxuan.voting.sms.FileBackend JX_SMS_FILE_PATH=$tmp/sms
# The file backend in production settings: allowed for the benchmark only (voting/checks.py).
export JX_SMS_FILE_ALLOWED=1
export JX_TRUSTED_PROXIES=127.0.0.1
mkdir -p "$JX_VAR_DIR" "$JX_SMS_FILE_PATH" "$out"

say "migrating $db and loading seed 003 (bench/seed.py)"
start=$SECONDS
"$bin/jiangxuan" migrate --noinput --verbosity 0
# A voter of its own for every ballot of the wrk comparison (bench/wrk_compare.py takes a
# slice of the voters per round and server variant; past its slice a ballot is refused as
# a second vote and counted as an error): by default 2,000 per second of each slice, which
# is 60,000 for 3 rounds of 10 s (1,000 a second was short by 195 in a round at 1,010
# ballots a second).
wrk_slices=$((${JX_BENCH_WRK_ROUNDS:-3} * (1 + $(wc -w <<<"${JX_BENCH_WRK_VARIANTS:-}"))))
voters=${JX_BENCH_VOTERS:-$((wrk_slices * 2000 * ${JX_BENCH_WRK_SECONDS:-10}))}
"$bin/python" bench/seed.py "$tmp/seed.json" 12 "$voters"
say "database ready in $((SECONDS - start)) s"

# As in production (docs/admin/install.md, step 2): migrate and the seed ran as the owner;
# the server connects as a role that may only append to the audit trail (issue 16.1).
app_password=$("$bin/python" -c "import secrets; print(secrets.token_hex(16))")
app_url=$("$bin/python" - "$DATABASE_URL" "$app_password" "${db}_app" <<'PY'
import sys
from urllib.parse import urlsplit, urlunsplit

import psycopg
from psycopg import sql

url, password, role = urlsplit(sys.argv[1]), sys.argv[2], sys.argv[3]
with psycopg.connect(sys.argv[1], autocommit=True) as conn:
    if not conn.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [role]).fetchone():
        conn.execute(sql.SQL("CREATE ROLE {} LOGIN").format(sql.Identifier(role)))
    conn.execute(
        sql.SQL("ALTER ROLE {} PASSWORD {}").format(sql.Identifier(role), sql.Literal(password))
    )
host = url.netloc.rpartition("@")[2]
print(urlunsplit(url._replace(netloc=f"{role}:{password}@{host}")))
PY
)
"$bin/jiangxuan" auditroles --app-role "${db}_app" --apply
export DATABASE_URL=$app_url
"$bin/jiangxuan" auditroles --check
notice_path=$("$bin/python" -c "import json, sys; print(json.load(open(sys.argv[1]))['notice_path'])" "$tmp/seed.json")
campaign=$("$bin/python" -c "import json, sys; print(json.load(open(sys.argv[1]))['campaign'])" "$tmp/seed.json")

# ---------------------------------------------------------------------------- server

# gthread keeps connections alive (a sync worker answers Connection: close: a new TCP
# connection per request); 75 s is nginx's keepalive_timeout, longer than a paced voter's
# pauses, so the client never reuses a connection the server has just closed.
say "gunicorn: $workers gthread workers x $threads threads on 127.0.0.1:$port"
"$bin/gunicorn" jiangxuan.wsgi:application --bind "127.0.0.1:$port" --workers "$workers" \
  --worker-class gthread --threads "$threads" --keep-alive 75 --backlog 2048 \
  --error-logfile "$out/gunicorn.log" --log-level warning &
server=$!
for _ in $(seq 100); do
  if "$bin/python" -c "import sys, urllib.request; urllib.request.urlopen(sys.argv[1], timeout=1)" \
    "http://127.0.0.1:$port/healthz" 2>/dev/null; then
    break
  fi
  kill -0 "$server" 2>/dev/null || die "gunicorn did not start (see var/bench/gunicorn.log)."
  sleep 0.2
done

# ---------------------------------------------------------------------------- load

export JX_BENCH_CAMPAIGN=$campaign JX_BENCH_NOTICE_PATH=$notice_path JX_BENCH_SERVER_PID=$server
scenario() {
  local name=$1 class=$2 prefix=$3
  say "scenario $name: $users users ($class), $seconds s"
  rm -f "$out/$name"_*.csv "$out/$name.json"
  JX_BENCH_RESULT=$out/$name.json JX_BENCH_PHONE_PREFIX=$prefix \
    "$bin/locust" -f bench/locustfile.py "$class" --headless --host "http://127.0.0.1:$port" \
    -u "$users" -r "$users" -t "$((seconds + 5))s" --reset-stats --stop-timeout 10 \
    --csv "$out/$name" --only-summary --loglevel WARNING --exit-code-on-error 0 \
    >"$out/$name.log" 2>&1
}
if [ "${JX_BENCH_LOCUST:-1}" = 1 ]; then
scenario baseline Baseline 130
scenario notice NoticeReader 131
scenario vote Voter 138
scenario vote_paced PacedVoter 139

# ---------------------------------------------------------------------------- report

say "recount (jiangxuan recount $campaign)"
recount_status=0
"$bin/jiangxuan" recount "$campaign" >"$out/recount.txt" 2>&1 || recount_status=$?
"$bin/jiangxuan" shell --no-imports -c "
import json
from jiangxuan.voting.models import Receipt, Vote
print(json.dumps({
    'receipts': Receipt.objects.count(),
    'valid_votes': Vote.objects.filter(invalidation__isnull=True).count(),
}))" >"$out/stored.json"
bench_status=0
"$bin/python" bench/report.py "$out" --recount-status "$recount_status" \
  --workers "$workers" --threads "$threads" --users "$users" --seconds "$seconds" || bench_status=$?
fi

# ---------------------------------------------------------------------------- wrk (issue 17)

# The issue's comparison: its own server (2 sync workers, bench settings), so the Locust
# server stops first; wrk's ballots come after the recount above, and the recount is run
# again after them.
if [ "${JX_BENCH_WRK:-1}" = 1 ]; then
  command -v wrk >/dev/null 2>&1 || "$JX_ROOT/scripts/ensure-system-packages.sh" wrk
  kill -TERM "$server" 2>/dev/null || true
  wait "$server" 2>/dev/null || true
  server=""
  wrk_variants=()
  for variant in production ${JX_BENCH_WRK_VARIANTS:-}; do wrk_variants+=(--variant "$variant"); done
  say "wrk comparison: ${JX_BENCH_WRK_ROUNDS:-3} rounds x 6 targets x ${JX_BENCH_WRK_SECONDS:-10} s"
  "$bin/python" bench/wrk_compare.py "$out" "$tmp/seed.json" --port "$((port + 1))" \
    --rounds "${JX_BENCH_WRK_ROUNDS:-3}" --seconds "${JX_BENCH_WRK_SECONDS:-10}" \
    "${wrk_variants[@]}" || bench_status=1
  if ! "$bin/jiangxuan" recount "$campaign" >"$out/recount-wrk.txt" 2>&1; then
    warn "recount after the wrk ballots did not match (var/bench/recount-wrk.txt)"
    bench_status=1
  fi
fi
[ "${bench_status:-0}" = 0 ]
