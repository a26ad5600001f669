#!/usr/bin/env bash
# Usage: scripts/cluster-test.sh   (make cluster-test; root: network namespaces)
# Two application nodes behind nginx, one killed under load (issue 17.6,
# docs/admin/multi-node.md). Not part of make test.
#  1. Network: namespaces jxc-node1 and jxc-node2, each linked to the host by a veth pair
#     (node 10.77.N.2, host 10.77.N.1, nothing else routed); the shared services listen on
#     10.77.0.1, an address of this run on the host's loopback, reached through the link.
#  2. Services on 10.77.0.1: PgBouncer (deploy/pgbouncer/pgbouncer.ini, transaction
#     pooling) in front of the PostgreSQL on 127.0.0.1:5432 (database jx_cluster, dropped
#     at the end), a Redis of this run, Swift with its S3 API (deploy/swift.sh). The
#     database is migrated and seeded directly as the owner (bench/cluster_seed.py); the
#     nodes connect through PgBouncer as jx_cluster_app, which `auditroles` lets only
#     append to the audit trail.
#  3. Each node runs deploy/systemd/jiangxuan-web.service and jiangxuan-worker.service:
#     their EnvironmentFile (this run's copy of deploy/systemd/jiangxuan.env.example),
#     Environment, WorkingDirectory and ExecStart, inside the node's namespace (no
#     systemd here; as root, not the units' User=). nginx runs deploy/nginx/jiangxuan.conf
#     on https://127.0.0.1:JX_CLUSTER_PORT (58443) with a certificate made for the run.
#  4. A witness clerk signs in on node 1 directly. Locust (bench/cluster_locustfile.py)
#     runs voters and clerks uploading files through nginx for JX_CLUSTER_SECONDS (60); at
#     the half, every process of node 1 gets SIGKILL.
#  5. The witness's session, made on node 1, must work on node 2; node 1 is started again
#     from its units; bench/cluster_check.py then checks the ballots (every 201 stored,
#     stored = 201 + those a repeated ballot found stored), `jiangxuan recount` exits 0,
#     and every uploaded file is read back byte for byte from each node directly.
#  6. Everything is removed at the end, also on failure or Ctrl-C: processes (by the
#     namespaces' pids and the ids kept), namespaces, links, the address, the database and
#     its role. Logs and the result stay in var/cluster-test/.
# Exit status 0 when every check passed, 1 otherwise.
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"
cd "$JX_ROOT"

[ "$(id -u)" = 0 ] || die "make cluster-test needs root (ip netns, veth links)."
bin=$JX_ROOT/.venv/bin
[ -x "$bin/locust" ] && [ -x "$bin/gunicorn" ] ||
  die "locust or gunicorn is missing from .venv: run 'scripts/ensure-venv.sh --group bench'."
for tool in ip nginx pgbouncer redis-server openssl psql; do
  command -v "$tool" >/dev/null 2>&1 || die "$tool is missing (make cluster-test installs it)."
done
# A worktree's code, not the checkout the shared .venv was installed from.
export PYTHONPATH=$JX_ROOT/src${PYTHONPATH:+:$PYTHONPATH}

seconds=${JX_CLUSTER_SECONDS:-60}
voters=${JX_CLUSTER_VOTERS:-16}
clerks=${JX_CLUSTER_CLERKS:-6}
port=${JX_CLUSTER_PORT:-58443}
svc=10.77.0.1
redis_port=56390
bouncer_port=56432
swift_port=58180
node_port=8000
db=jx_cluster
role=jx_cluster_app
# The server scripts/with-postgres.sh chose (DATABASE_URL), as its superuser.
pg_admin=${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/x}
pg_admin=${pg_admin%/*}
out=$JX_ROOT/var/cluster-test
nodes=(1 2)

tmp=$(mktemp -d "${TMPDIR:-/tmp}/jx-cluster.XXXXXX")
chmod 755 "$tmp"
rm -rf "$out"
mkdir -p "$out"
locust_pid=""
bouncer_pid=""
nginx_started=0
swift_started=0
redis_started=0
db_made=0

ns() { echo "jxc-node$1"; }

kill_node() { # SIGKILL every process in node $1's namespace
  local pids
  pids=$(ip netns pids "$(ns "$1")" 2>/dev/null || true)
  [ -z "$pids" ] || kill -KILL $pids 2>/dev/null || true
}

cleanup() {
  local status=$?
  set +e
  [ -z "$locust_pid" ] || kill -TERM "$locust_pid" 2>/dev/null
  for n in "${nodes[@]}"; do
    kill_node "$n"
  done
  [ "$nginx_started" = 0 ] || nginx -c "$tmp/nginx/nginx.conf" -p "$tmp/nginx" -s stop 2>/dev/null
  [ -z "$bouncer_pid" ] || kill -TERM "$bouncer_pid" 2>/dev/null
  [ "$redis_started" = 0 ] || kill -TERM "$(cat "$tmp/redis/redis.pid" 2>/dev/null)" 2>/dev/null
  [ "$swift_started" = 0 ] || deploy/swift.sh stop --dir "$tmp/swift" >/dev/null 2>&1
  sleep 1
  for n in "${nodes[@]}"; do
    ip netns del "$(ns "$n")" 2>/dev/null
    ip link del "jxc-h$n" 2>/dev/null
  done
  ip addr del "$svc/32" dev lo 2>/dev/null
  if [ "$db_made" = 1 ]; then
    psql -q -X -d "$pg_admin/postgres" -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" \
      -c "DROP ROLE IF EXISTS $role" >/dev/null 2>&1
  fi
  # Keep the logs for a look after a failure.
  for f in "$tmp"/node*/*.log "$tmp"/nginx/logs/error.log "$tmp"/pgbouncer/pgbouncer.log "$tmp"/redis/redis.log; do
    [ -f "$f" ] && cp "$f" "$out/$(basename "$(dirname "$f")")-$(basename "$f")"
  done
  rm -rf "$tmp"
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

wait_for() { # description, then a command that succeeds when ready; JX_CLUSTER_WAIT s at most
  local what=$1
  shift
  for _ in $(seq "$((${JX_CLUSTER_WAIT:-180} * 5))"); do
    "$@" >/dev/null 2>&1 && return 0
    sleep 0.2
  done
  die "$what did not come up (logs in var/cluster-test/)."
}
# The nodes answer to the public name only (ALLOWED_HOSTS), as behind nginx.
http_ok() { curl -sf -o /dev/null --max-time 5 -H "Host: 127.0.0.1" "$@"; }

# ---------------------------------------------------------------------------- network

# Leftovers of an interrupted run of this script (same names) go first.
for n in "${nodes[@]}"; do
  ip netns del "$(ns "$n")" 2>/dev/null || true
  ip link del "jxc-h$n" 2>/dev/null || true
done
ip addr del "$svc/32" dev lo 2>/dev/null || true

say "network: namespaces $(ns 1) (10.77.1.2) and $(ns 2) (10.77.2.2), services on $svc"
ip addr add "$svc/32" dev lo
for n in "${nodes[@]}"; do
  ip netns add "$(ns "$n")"
  ip -n "$(ns "$n")" link set lo up
  ip link add "jxc-h$n" type veth peer name eth0 netns "$(ns "$n")"
  ip addr add "10.77.$n.1/24" dev "jxc-h$n"
  ip link set "jxc-h$n" up
  ip -n "$(ns "$n")" addr add "10.77.$n.2/24" dev eth0
  ip -n "$(ns "$n")" link set eth0 up
  ip -n "$(ns "$n")" route add "$svc/32" via "10.77.$n.1"
done

# ---------------------------------------------------------------------------- services

say "Redis on $svc:$redis_port (with a password: it is reached over the nodes' links)"
mkdir -p "$tmp/redis"
redis_password=$("$bin/python" -c "import secrets; print(secrets.token_hex(16))")
printf 'requirepass %s\n' "$redis_password" >"$tmp/redis/redis.conf"
chmod 600 "$tmp/redis/redis.conf"
redis-server "$tmp/redis/redis.conf" --daemonize yes --bind "$svc" --port "$redis_port" \
  --save "" --appendonly no --dir "$tmp/redis" --pidfile "$tmp/redis/redis.pid" \
  --logfile "$tmp/redis/redis.log"
redis_started=1
wait_for Redis "$bin/python" -c "import redis, sys; redis.Redis.from_url(sys.argv[1]).ping()" \
  "redis://:$redis_password@$svc:$redis_port/0"

say "Swift (deploy/swift.sh) on $svc:$swift_port"
swift_started=1
s3_env=$(deploy/swift.sh start --dir "$tmp/swift" --bind "$svc" --port "$swift_port" 2>"$out/swift-start.log") ||
  die "deploy/swift.sh start failed (var/cluster-test/swift-start.log)."
grep -q '^JX_S3_ENDPOINT_URL=' <<<"$s3_env" || die "deploy/swift.sh printed no JX_S3_ENDPOINT_URL."

say "PostgreSQL: fresh database $db (owner: postgres), role $role"
password=$("$bin/python" -c "import secrets; print(secrets.token_hex(16))")
psql -q -X -v ON_ERROR_STOP=1 -d "$pg_admin/postgres" -c "SET client_min_messages TO warning" \
  -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" -c "DROP ROLE IF EXISTS $role" \
  -c "CREATE DATABASE $db" -c "CREATE ROLE $role LOGIN PASSWORD '$password'" >/dev/null
db_made=1

say "PgBouncer (deploy/pgbouncer/pgbouncer.ini) on $svc:$bouncer_port, transaction pooling"
mkdir -p "$tmp/pgbouncer"
printf '"%s" "%s"\n' "$role" "$password" >"$tmp/pgbouncer/userlist.txt"
pg_hostport=${pg_admin#*@}
sed -e "s|^jiangxuan = host=127.0.0.1 port=5432 dbname=jiangxuan\$|$db = host=${pg_hostport%:*} port=${pg_hostport#*:} dbname=$db|" \
  -e "s|^listen_addr = .*|listen_addr = $svc|" \
  -e "s|^listen_port = .*|listen_port = $bouncer_port|" \
  -e "s|^unix_socket_dir = .*|unix_socket_dir =|" \
  -e "s|^auth_file = .*|auth_file = $tmp/pgbouncer/userlist.txt|" \
  -e "s|^pidfile = .*|pidfile = $tmp/pgbouncer/pgbouncer.pid|" \
  -e "s|^logfile = .*|logfile = $tmp/pgbouncer/pgbouncer.log|" \
  deploy/pgbouncer/pgbouncer.ini >"$tmp/pgbouncer/pgbouncer.ini"
[ "$(grep -c "$svc\|$tmp\|^$db =" "$tmp/pgbouncer/pgbouncer.ini")" = 5 ] ||
  die "deploy/pgbouncer/pgbouncer.ini: a line marked cluster-test was not found."
chown -R postgres "$tmp/pgbouncer"
chmod 600 "$tmp/pgbouncer/userlist.txt"
# PgBouncer refuses to run as root: -u drops to the postgres user.
pgbouncer -d -u postgres "$tmp/pgbouncer/pgbouncer.ini"
wait_for PgBouncer test -s "$tmp/pgbouncer/pgbouncer.pid"
bouncer_pid=$(cat "$tmp/pgbouncer/pgbouncer.pid")

# ---------------------------------------------------------------------------- settings

# The nodes' EnvironmentFile: deploy/systemd/jiangxuan.env.example with this run's values.
# The voters' SMS codes go to files in a folder both nodes write (the test's SMS gateway);
# the load generator is a trusted front proxy (127.0.0.1) so each voter keeps its address.
env_file=$tmp/env
(
  grep -v -e '^#' -e '^$' deploy/systemd/jiangxuan.env.example | while IFS='=' read -r key _value; do
    case $key in
      SECRET_KEY) echo "SECRET_KEY=$("$bin/python" -c "import secrets; print(secrets.token_urlsafe(50))")" ;;
      JX_FIELD_KEY | JX_AUDIT_ANCHOR_KEY) echo "$key=$("$bin/python" -c "import secrets; print(secrets.token_hex(32))")" ;;
      ALLOWED_HOSTS) echo "ALLOWED_HOSTS=127.0.0.1" ;;
      CSRF_TRUSTED_ORIGINS) echo "CSRF_TRUSTED_ORIGINS=https://127.0.0.1:$port" ;;
      DATABASE_URL) echo "DATABASE_URL=postgres://$role:$password@$svc:$bouncer_port/$db" ;;
      REDIS_URL) echo "REDIS_URL=redis://:$redis_password@$svc:$redis_port/0" ;;
      JX_S3_*) grep "^$key=" <<<"$s3_env" ;;
      JX_TRUSTED_PROXIES) echo "JX_TRUSTED_PROXIES=10.77.1.1,10.77.2.1,127.0.0.1" ;;
      JX_VAR_DIR) echo "JX_VAR_DIR=$tmp/var" ;;
      JX_EMAIL_BACKEND) echo "JX_EMAIL_BACKEND=django.core.mail.backends.locmem.EmailBackend" ;;
      *) grep "^$key=" deploy/systemd/jiangxuan.env.example ;;
    esac
  done
  echo "JX_SMS_BACKEND=jiangxuan.voting.sms.FileBackend"
  echo "JX_SMS_FILE_PATH=$tmp/sms"
  echo "JX_SMS_FILE_ALLOWED=1"
) >"$env_file"
chmod 600 "$env_file"
mkdir -p "$tmp/sms" "$tmp/var"
[ "$(grep -c '' "$env_file")" -ge 20 ] || die "the environment file is incomplete."

# This script's own commands: the same settings, as the owner straight to PostgreSQL.
set -a
# shellcheck disable=SC1090
. "$env_file"
set +a
export JX_VAR_DIR=$tmp/host DATABASE_URL=$pg_admin/$db JX_PGBOUNCER=0
export JX_CLUSTER_PASSWORD=$("$bin/python" -c "import secrets; print('Cl-' + secrets.token_urlsafe(12))")
export JX_CLUSTER_ORIGIN=https://127.0.0.1:$port JX_CLUSTER_SEED=$tmp/seed.json

say "migrating $db and seeding (bench/cluster_seed.py: seed 003, an open vote, $clerks clerks)"
start=$SECONDS
"$bin/jiangxuan" migrate --noinput --verbosity 0
"$bin/python" bench/cluster_seed.py "$JX_CLUSTER_SEED" "$JX_CLUSTER_PASSWORD" "$clerks" 6
"$bin/jiangxuan" auditroles --app-role "$role" --apply >/dev/null
"$bin/jiangxuan" collectstatic --noinput --verbosity 0
DATABASE_URL=postgres://$role:$password@$svc:$bouncer_port/$db JX_PGBOUNCER=1 \
  "$bin/jiangxuan" auditroles --check
say "database ready in $((SECONDS - start)) s"
campaign=$("$bin/python" -c "import json, sys; print(json.load(open(sys.argv[1]))['campaign'])" "$JX_CLUSTER_SEED")
witness=$("$bin/python" -c "import json, sys; print(json.load(open(sys.argv[1]))['witness']['username'])" "$JX_CLUSTER_SEED")
witness_nomination=$("$bin/python" -c "import json, sys; print(json.load(open(sys.argv[1]))['witness']['nomination'])" "$JX_CLUSTER_SEED")

# ---------------------------------------------------------------------------- nodes

# run_unit UNIT NODE: what systemd would run for UNIT, inside the node's namespace: the
# Environment= lines, then the EnvironmentFile (which wins, as in systemd), in
# WorkingDirectory, ExecStart split on blanks (the units quote nothing). /srv/jiangxuan
# is this checkout, /etc/jiangxuan/env this run's file.
run_unit() {
  local unit=deploy/systemd/$1 n=$2 line key value workdir="" exec_start="" envs=()
  envs=("PATH=/usr/local/bin:/usr/bin:/bin" "HOME=$tmp/node$n" "LANG=C.UTF-8" "PYTHONPATH=$PYTHONPATH")
  while IFS= read -r line; do
    key=${line%%=*}
    value=${line#*=}
    value=${value//\/srv\/jiangxuan/$JX_ROOT}
    case $key in
      WorkingDirectory) workdir=$value ;;
      ExecStart) exec_start=$value ;;
      Environment) read -ra more <<<"$value" && envs+=("${more[@]}") ;;
      EnvironmentFile)
        [ "${value#-}" = /etc/jiangxuan/env ] || die "$unit: unexpected EnvironmentFile $value"
        while IFS= read -r line; do
          case $line in '' | '#'*) ;; *) envs+=("$line") ;; esac
        done <"$env_file"
        ;;
    esac
  done < <(grep -E '^(WorkingDirectory|ExecStart|Environment|EnvironmentFile)=' "$unit")
  [ -n "$exec_start" ] && [ -n "$workdir" ] || die "$unit: no ExecStart or WorkingDirectory"
  case $exec_start in *[\"\']*) die "$unit: quoted ExecStart is not supported here" ;; esac
  envs+=("JX_VAR_DIR=$tmp/node$n/var")
  mkdir -p "$tmp/node$n/var"
  read -ra argv <<<"$exec_start"
  (cd "$workdir" && exec ip netns exec "$(ns "$n")" env -i "${envs[@]}" "${argv[@]}") \
    >"$tmp/node$n/${1%.service}.log" 2>&1 &
  disown  # killed on purpose later: no job notice
}

start_node() {
  run_unit jiangxuan-web.service "$1"
  run_unit jiangxuan-worker.service "$1"
}
node_url() { echo "http://10.77.$1.2:$node_port"; }

for n in "${nodes[@]}"; do
  say "node $n: jiangxuan-web.service and jiangxuan-worker.service in $(ns "$n")"
  start_node "$n"
done
for n in "${nodes[@]}"; do
  wait_for "node $n" http_ok "$(node_url "$n")/healthz"
done

say "nginx (deploy/nginx/jiangxuan.conf) on https://127.0.0.1:$port"
mkdir -p "$tmp/nginx/logs" "$tmp/nginx/tls"
openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj "/CN=127.0.0.1" \
  -addext "subjectAltName=IP:127.0.0.1" \
  -keyout "$tmp/nginx/tls/privkey.pem" -out "$tmp/nginx/tls/fullchain.pem" 2>/dev/null
sed -e "s|10.0.0.11:8000|10.77.1.2:$node_port|" -e "s|10.0.0.12:8000|10.77.2.2:$node_port|" \
  -e "s|listen 80;  # cluster-test: http|listen 127.0.0.1:$((port + 1));|" \
  -e "s|listen 443 ssl http2;  # cluster-test: https|listen 127.0.0.1:$port ssl http2;|" \
  -e "s|/etc/ssl/jiangxuan/|$tmp/nginx/tls/|" \
  -e "s|/srv/jiangxuan/var/static/|$JX_VAR_DIR/static/|" \
  deploy/nginx/jiangxuan.conf >"$tmp/nginx/jiangxuan.conf"
[ "$(grep -c "10.77.\|127.0.0.1:\|$tmp" "$tmp/nginx/jiangxuan.conf")" = 7 ] ||
  die "deploy/nginx/jiangxuan.conf: a line the test changes was not found."
cat >"$tmp/nginx/nginx.conf" <<EOF
# The run's main file (Debian's /etc/nginx/nginx.conf, reduced); the site is deploy's.
worker_processes 1;
pid $tmp/nginx/nginx.pid;
error_log $tmp/nginx/logs/error.log warn;
events { worker_connections 1024; }
http {
    include /etc/nginx/mime.types;
    access_log off;
    client_body_temp_path $tmp/nginx/body;
    proxy_temp_path $tmp/nginx/proxy;
    fastcgi_temp_path $tmp/nginx/fastcgi;
    uwsgi_temp_path $tmp/nginx/uwsgi;
    scgi_temp_path $tmp/nginx/scgi;
    include $tmp/nginx/jiangxuan.conf;
}
EOF
nginx -c "$tmp/nginx/nginx.conf" -p "$tmp/nginx" -t -q
nginx -c "$tmp/nginx/nginx.conf" -p "$tmp/nginx"
nginx_started=1
export JX_CLUSTER_CA=$tmp/nginx/tls/fullchain.pem
wait_for nginx http_ok --cacert "$JX_CLUSTER_CA" "https://127.0.0.1:$port/healthz"

# ---------------------------------------------------------------------------- load

say "witness: $witness signs in on node 1 directly"
"$bin/python" bench/cluster_check.py login "$(node_url 1)" "$witness" "$tmp/witness.json" ||
  die "the witness could not sign in on node 1."
"$bin/python" bench/cluster_check.py use "$(node_url 1)" "$tmp/witness.json" "/nominations/$witness_nomination/"

say "load: $voters voters and $clerks clerks through nginx for $seconds s; node 1 dies at $((seconds / 2)) s"
JX_CLUSTER_RESULT=$out/result.json JX_SMS_FILE_PATH=$tmp/sms \
  "$bin/locust" -f bench/cluster_locustfile.py ClusterVoter Clerk --headless \
  --host "https://127.0.0.1:$port" -u "$((voters + clerks))" -r 10 -t "${seconds}s" \
  --stop-timeout 10 --csv "$out/load" --only-summary --loglevel WARNING --exit-code-on-error 0 \
  >"$out/locust.log" 2>&1 &
locust_pid=$!
sleep "$((seconds / 2))"
node1_pids=$(ip netns pids "$(ns 1)" | wc -l)
say "SIGKILL to node 1's $node1_pids processes (gunicorn master and workers, task worker)"
kill_node 1
killed_at=$(date -u +%H:%M:%S)
sleep 2
ip netns pids "$(ns 1)" | grep -q . && die "node 1 still has processes after SIGKILL."

say "witness: the session made on node 1, on node 2 directly and through nginx"
session_ok=1
"$bin/python" bench/cluster_check.py use "$(node_url 2)" "$tmp/witness.json" "/nominations/$witness_nomination/" ||
  session_ok=0
"$bin/python" bench/cluster_check.py use "https://127.0.0.1:$port" "$tmp/witness.json" "/nominations/$witness_nomination/" ||
  session_ok=0
wait "$locust_pid" || true
locust_pid=""
[ -s "$out/result.json" ] || die "Locust wrote no result (var/cluster-test/locust.log)."

say "node 1 starts again from its units"
start_node 1
wait_for "node 1 (restart)" http_ok "$(node_url 1)/healthz"
"$bin/python" bench/cluster_check.py use "$(node_url 1)" "$tmp/witness.json" "/nominations/$witness_nomination/" ||
  session_ok=0

# ---------------------------------------------------------------------------- checks

say "checks"
status=0
"$bin/python" bench/cluster_check.py verify "$JX_CLUSTER_SEED" "$out/result.json" \
  "$(node_url 1)" "$(node_url 2)" | tee "$out/checks.txt" || status=1
recount_status=0
"$bin/jiangxuan" recount "$campaign" >"$out/recount.txt" 2>&1 || recount_status=$?
tail -n 1 "$out/recount.txt"
[ "$recount_status" = 0 ] || { warn "jiangxuan recount exited $recount_status"; status=1; }
[ "$session_ok" = 1 ] || { warn "the witness's session did not survive node 1"; status=1; }
report_status=0
"$bin/python" - "$out/result.json" "$killed_at" <<'PY' | tee -a "$out/checks.txt" || report_status=1
import json, sys

result = json.load(open(sys.argv[1]))
c = result["counts"]
seen = result["requests"]
print(f"node 1 killed at {sys.argv[2]} UTC")
total, failed = sum(v[0] for v in seen.values()), sum(v[1] for v in seen.values())
print(f"requests: {total}, failed: {failed} (answers lost with the killed node)")
for name, (count, failures, errors) in sorted(seen.items()):
    if failures:
        why = ", ".join(f"{n}x {e}" for e, n in errors.items())
        print(f"  {name}: {failures} failed of {count} ({why})")
print(
    f"GET retried by the client: {c['get_retries']} ({c['get_failed_after_retry']} failed again);"
    f" ballots whose answer was lost: {c['ballots_lost_answer']} (sent again: "
    f"{c['ballots_retried_201']} stored then, {c['ballots_confirmed_409']} already stored,"
    f" {c['ballots_unresolved']} unresolved); voter steps failed: {c['voter_steps_failed']};"
    f" uploads failed: {c['uploads_failed']}; clerks' sign-ins tried again: {c['login_retries']}"
    f" ({c['logins_failed']} failed 3 times); sessions lost: {c['sessions_lost']}"
)
sys.exit(1 if c["sessions_lost"] or c["reads_bad"] or c["logins_failed"] else 0)
PY
[ "$report_status" = 0 ] || status=1
if [ "$status" = 0 ]; then
  say "cluster test passed (var/cluster-test/)"
else
  warn "cluster test FAILED (var/cluster-test/)"
fi
exit "$status"
