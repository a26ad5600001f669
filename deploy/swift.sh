#!/usr/bin/env bash
# A single-node OpenStack Swift with its S3 API (the s3api middleware), from Debian 12's
# packages, for the multi-node test deployment (`make cluster-test`, issue 17.6) and the
# object-storage tests (src/jiangxuan/core/tests/test_storage_s3.py). docs/admin/object-storage.md.
#
#   deploy/swift.sh start --dir DIR [--bind ADDR] [--port PORT] [--backend-port N]
#       Writes the configuration and the rings under DIR (once: keys and hash suffix are
#       kept), starts memcached, the account, container and object servers and the proxy in
#       the background, waits until the S3 API answers, creates the bucket and prints to
#       stdout, and only there, the settings the application reads:
#           JX_S3_ENDPOINT_URL=http://ADDR:PORT
#           JX_S3_ACCESS_KEY=...
#           JX_S3_SECRET_KEY=...
#           JX_S3_BUCKET=jiangxuan
#       (`eval "$(deploy/swift.sh start --dir DIR)"`). Already running: checks and prints again.
#   deploy/swift.sh stop --dir DIR
#       Stops every process `start` started (their ids are in DIR/run).
#   deploy/swift.sh status --dir DIR
#       Exit 0 when every process is running.
#   deploy/swift.sh install
#       Installs the Debian packages it needs (scripts/ensure-system-packages.sh), when missing.
#
# Defaults: --bind 127.0.0.1, --port 8089. The proxy (S3 and Swift APIs) listens on
# ADDR:PORT; the object, container and account servers and memcached listen on 127.0.0.1,
# ports N..N+3 (N = --backend-port, default PORT+1): they are not reachable from elsewhere.
# One replica on one device, DIR/srv/d1, a plain directory (mount_check = false; the file
# system must keep user extended attributes: ext4, xfs, btrfs do). Runs as root (or as the
# user who runs it). Logs: DIR/log/*.log. Progress goes to stderr.
# Users: tempauth, one account `jiangxuan` with one admin user `jx`; the S3 access key is
# `jiangxuan:jx`, the secret a random one drawn at the first start (DIR/etc/s3.env).
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/../scripts/lib.sh"

PYTHON=/usr/bin/python3
PACKAGES=(swift-proxy swift-object swift-container swift-account python3-swift memcached)
BUCKET=jiangxuan
REGION=us-east-1
SERVERS=(memcached account container object proxy)
# How long the back ends, then the S3 API, may take to answer (each): Swift's servers take
# 10-60 s to start on a loaded two-core machine. JX_SWIFT_START_SECONDS overrides it.
START_SECONDS=${JX_SWIFT_START_SECONDS:-180}

usage() {
  sed -n '2,/^set -euo/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//' >&2
  exit 2
}

command=${1:-}
[ -n "$command" ] || usage
shift
if [ "$command" = install ]; then
  exec "$JX_ROOT/scripts/ensure-system-packages.sh" "${PACKAGES[@]}"
fi
dir='' bind=127.0.0.1 port=8089 backend_port=''
while [ $# -gt 0 ]; do
  case $1 in
    --dir) dir=${2:?--dir needs a value}; shift 2 ;;
    --bind) bind=${2:?--bind needs a value}; shift 2 ;;
    --port) port=${2:?--port needs a value}; shift 2 ;;
    --backend-port) backend_port=${2:?--backend-port needs a value}; shift 2 ;;
    -h | --help) usage ;;
    *) die "unknown argument $1 (deploy/swift.sh --help)" ;;
  esac
done
[ -n "$dir" ] || die "--dir DIR is required"
case $port in '' | *[!0-9]*) die "--port must be a number" ;; esac
backend_port=${backend_port:-$((port + 1))}
case $backend_port in *[!0-9]*) die "--backend-port must be a number" ;; esac
mkdir -p "$dir"
dir=$(cd "$dir" && pwd)
etc=$dir/etc run=$dir/run log=$dir/log

# ------------------------------------------------------------------ processes

pid_of() { # prints the pid of a server that runs, else returns 1
  local file=$run/$1.pid pid
  [ -f "$file" ] || return 1
  pid=$(cat "$file")
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null && printf '%s\n' "$pid"
}

all_running() {
  local name
  for name in "${SERVERS[@]}"; do pid_of "$name" >/dev/null || return 1; done
}

stop_all() {
  # All are asked at once and then waited for: each takes about 2 s to finish its
  # requests, so one after the other took 10 s.
  local name pid waited
  local -A asked=()
  for name in proxy object container account memcached; do
    if pid=$(pid_of "$name"); then
      # Each server was started in a session of its own: its id is that of its group.
      kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
      asked[$name]=$pid
    fi
  done
  waited=0
  for name in proxy object container account memcached; do
    [ -n "${asked[$name]:-}" ] || continue
    pid=${asked[$name]}
    while kill -0 "$pid" 2>/dev/null && [ $waited -lt 100 ]; do
      sleep 0.1
      waited=$((waited + 1))
    done
    if kill -0 "$pid" 2>/dev/null; then
      warn "swift $name ($pid) did not stop in 10 s: killing it"
      kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null || true
    fi
    say "stopped swift $name ($pid)"
  done
  for name in proxy object container account memcached; do
    rm -f "$run/$name.pid"
  done
}

# ------------------------------------------------------------------ configuration

random_hex() { od -An -N"$1" -tx1 /dev/urandom | tr -d ' \n'; }

write_config() {
  mkdir -p "$etc" "$run" "$log" "$dir/srv/d1" "$dir/cache"
  chmod 700 "$dir" "$etc"
  if [ ! -f "$etc/swift.conf" ]; then
    cat >"$etc/swift.conf" <<EOF
[swift-hash]
swift_hash_path_suffix = $(random_hex 16)
swift_hash_path_prefix = $(random_hex 16)

[storage-policy:0]
name = Policy-0
default = yes
EOF
  fi
  if [ ! -f "$etc/s3.env" ]; then
    (
      umask 077
      printf 'JX_S3_ACCESS_KEY=jiangxuan:jx\nJX_S3_SECRET_KEY=%s\n' "$(random_hex 20)" >"$etc/s3.env"
    )
  fi
  # shellcheck disable=SC1091 # written just above
  . "$etc/s3.env"

  local object_port=$backend_port container_port=$((backend_port + 1))
  local account_port=$((backend_port + 2)) memcached_port=$((backend_port + 3))
  printf '%s\n' "$memcached_port" >"$etc/memcached.port"
  local common
  common="[DEFAULT]
swift_dir = $etc
devices = $dir/srv
mount_check = false
disable_fallocate = true
bind_ip = 127.0.0.1
workers = 0
user = $(id -un)
log_level = INFO
log_name = swift"
  local name server_port
  for name in object container account; do
    case $name in
      object) server_port=$object_port ;;
      container) server_port=$container_port ;;
      account) server_port=$account_port ;;
    esac
    cat >"$etc/$name-server.conf" <<EOF
$common
bind_port = $server_port

[pipeline:main]
pipeline = $name-server

[app:$name-server]
use = egg:swift#$name
EOF
  done
  cat >"$etc/proxy-server.conf" <<EOF
[DEFAULT]
swift_dir = $etc
bind_ip = $bind
bind_port = $port
workers = 0
user = $(id -un)
log_level = INFO
log_name = swift-proxy

[pipeline:main]
pipeline = catch_errors gatekeeper healthcheck proxy-logging cache listing_formats s3api tempauth copy slo dlo proxy-logging proxy-server

[app:proxy-server]
use = egg:swift#proxy
account_autocreate = true
allow_account_management = true

[filter:catch_errors]
use = egg:swift#catch_errors

[filter:gatekeeper]
use = egg:swift#gatekeeper

[filter:healthcheck]
use = egg:swift#healthcheck

[filter:proxy-logging]
use = egg:swift#proxy_logging

[filter:cache]
use = egg:swift#memcache
memcache_servers = 127.0.0.1:$memcached_port

[filter:listing_formats]
use = egg:swift#listing_formats

[filter:s3api]
use = egg:swift#s3api
location = $REGION
s3_acl = false
check_bucket_owner = false

[filter:tempauth]
use = egg:swift#tempauth
user_jiangxuan_jx = $JX_S3_SECRET_KEY .admin
storage_url_scheme = default

[filter:copy]
use = egg:swift#copy

[filter:slo]
use = egg:swift#slo

[filter:dlo]
use = egg:swift#dlo
EOF
  # One device, one replica: every partition is on d1, so rebuilding the rings at each
  # start (ports may have changed) keeps every object where it is.
  # The three rings are built side by side: each swift-ring-builder call starts Python and
  # imports Swift (≈ 0.4 s), nine calls in a row took most of the start.
  local ring builders=()
  for ring in object container account; do
    case $ring in
      object) server_port=$object_port ;;
      container) server_port=$container_port ;;
      account) server_port=$account_port ;;
    esac
    rm -f "$etc/$ring.builder" "$etc/$ring.ring.gz"
    (
      swift-ring-builder "$etc/$ring.builder" create 8 1 1 >/dev/null &&
        swift-ring-builder "$etc/$ring.builder" add "r1z1-127.0.0.1:$server_port/d1" 100 >/dev/null &&
        { swift-ring-builder "$etc/$ring.builder" rebalance >/dev/null || [ -f "$etc/$ring.ring.gz" ]; }
    ) &
    builders+=("$!:$ring")
  done
  local builder
  for builder in "${builders[@]}"; do
    wait "${builder%%:*}" || die "swift-ring-builder could not build the ${builder#*:} ring"
  done
  rm -rf "$etc/backups"

  # Swift reads its hash suffix from /etc/swift/swift.conf; this launcher points it at
  # DIR/etc first, so nothing outside DIR is read or written.
  cat >"$etc/run-server.py" <<'EOF'
import sys

from swift.common import utils

utils.set_swift_dir(sys.argv[1])
from swift.common import storage_policy  # noqa: E402

storage_policy.reload_storage_policies()
from swift.common.wsgi import run_wsgi  # noqa: E402

sys.exit(run_wsgi(sys.argv[2], sys.argv[3], verbose=True))
EOF
}

launch() { # name, command...: in a session of its own, output to DIR/log/name.log
  local name=$1
  shift
  setsid "$@" </dev/null >>"$log/$name.log" 2>&1 &
  printf '%s\n' "$!" >"$run/$name.pid"
}

start_all() {
  command -v swift-ring-builder >/dev/null && "$PYTHON" -c 'import swift' 2>/dev/null ||
    die "OpenStack Swift is not installed: deploy/swift.sh install (Debian: ${PACKAGES[*]})"
  command -v memcached >/dev/null || die "memcached is not installed (apt-get install memcached)"
  write_config
  say "starting swift under $dir (S3 API on $bind:$port, back ends on 127.0.0.1:$backend_port-$((backend_port + 3)))"
  launch memcached memcached -u "$(id -un)" -l 127.0.0.1 -p "$(cat "$etc/memcached.port")" -U 0 -m 64
  local name
  for name in account container object; do
    launch "$name" "$PYTHON" "$etc/run-server.py" "$etc" "$etc/$name-server.conf" "$name-server"
  done
  # The proxy counts refused connections against a back end and stops asking it for a
  # minute: it starts once the back ends listen.
  local deadline=$((SECONDS + START_SECONDS)) ready
  while :; do
    ready=1
    for name in $backend_port $((backend_port + 1)) $((backend_port + 2)) $((backend_port + 3)); do
      (exec 3<>"/dev/tcp/127.0.0.1/$name") 2>/dev/null || ready=0
    done
    [ $ready = 1 ] && break
    check_alive
    [ $SECONDS -lt "$deadline" ] || {
      stop_all
      die "the swift back ends did not listen in $START_SECONDS s (logs: $log)"
    }
    sleep 0.2
  done
  launch proxy "$PYTHON" "$etc/run-server.py" "$etc" "$etc/proxy-server.conf" proxy-server
}

check_alive() { # stops everything and fails when a started server has stopped
  local name
  for name in "${SERVERS[@]}"; do
    [ -f "$run/$name.pid" ] || continue
    pid_of "$name" >/dev/null || {
      tail -n 20 "$log/$name.log" >&2 || true
      stop_all
      die "swift $name stopped at start-up (log: $log/$name.log)"
    }
  done
}

# ------------------------------------------------------------------ the S3 API

# Signs an S3 request (AWS signature version 4) with the standard library only, sends it and
# prints the HTTP status: PUT creates the bucket, HEAD checks it.
s3_request() { # method
  # shellcheck disable=SC1091
  . "$etc/s3.env"
  JX_S3_ACCESS_KEY=$JX_S3_ACCESS_KEY JX_S3_SECRET_KEY=$JX_S3_SECRET_KEY \
    "$PYTHON" - "$1" "http://$bind:$port/$BUCKET" "$REGION" <<'EOF'
import datetime
import hashlib
import hmac
import os
import sys
import urllib.error
import urllib.parse
import urllib.request

method, url, region = sys.argv[1:4]
access, secret = os.environ["JX_S3_ACCESS_KEY"], os.environ["JX_S3_SECRET_KEY"]
parts = urllib.parse.urlsplit(url)
now = datetime.datetime.now(datetime.timezone.utc)
stamp, day = now.strftime("%Y%m%dT%H%M%SZ"), now.strftime("%Y%m%d")
empty = hashlib.sha256(b"").hexdigest()
signed = "host;x-amz-content-sha256;x-amz-date"
canonical = "\n".join(
    [method, urllib.parse.quote(parts.path), "",
     f"host:{parts.netloc}", f"x-amz-content-sha256:{empty}", f"x-amz-date:{stamp}", "",
     signed, empty]
)
scope = f"{day}/{region}/s3/aws4_request"
to_sign = "\n".join(
    ["AWS4-HMAC-SHA256", stamp, scope, hashlib.sha256(canonical.encode()).hexdigest()]
)
key = ("AWS4" + secret).encode()
for part in (day, region, "s3", "aws4_request"):
    key = hmac.new(key, part.encode(), hashlib.sha256).digest()
signature = hmac.new(key, to_sign.encode(), hashlib.sha256).hexdigest()
request = urllib.request.Request(url, method=method, data=b"" if method == "PUT" else None)
request.add_header("x-amz-date", stamp)
request.add_header("x-amz-content-sha256", empty)
request.add_header(
    "Authorization",
    f"AWS4-HMAC-SHA256 Credential={access}/{scope}, SignedHeaders={signed}, Signature={signature}",
)
try:
    with urllib.request.urlopen(request, timeout=5) as response:
        print(response.status)
except urllib.error.HTTPError as error:
    print(error.code)
except OSError:
    print(0)
EOF
}

# Waits until the bucket answers through the S3 API, creating it when it is missing.
wait_for_bucket() {
  local deadline=$((SECONDS + START_SECONDS)) status
  while :; do
    status=$(s3_request HEAD)
    [ "$status" = 200 ] && return 0
    if [ "$status" = 404 ] && [ "$(s3_request PUT)" = 200 ]; then
      say "created the bucket $BUCKET"
      continue
    fi
    check_alive
    if [ $SECONDS -ge "$deadline" ]; then
      stop_all
      die "the S3 API on $bind:$port did not answer for the bucket $BUCKET in $START_SECONDS s (last status $status; logs: $log)"
    fi
    sleep 0.2
  done
}

print_settings() {
  # shellcheck disable=SC1091
  . "$etc/s3.env"
  printf 'JX_S3_ENDPOINT_URL=http://%s:%s\n' "$bind" "$port"
  printf 'JX_S3_ACCESS_KEY=%s\n' "$JX_S3_ACCESS_KEY"
  printf 'JX_S3_SECRET_KEY=%s\n' "$JX_S3_SECRET_KEY"
  printf 'JX_S3_BUCKET=%s\n' "$BUCKET"
}

case $command in
  start)
    if all_running; then
      say "swift already runs under $dir"
    else
      stop_all
      start_all
    fi
    wait_for_bucket
    say "swift ready: S3 API on http://$bind:$port, bucket $BUCKET"
    print_settings
    ;;
  stop)
    stop_all
    ;;
  status)
    all_running
    ;;
  *) usage ;;
esac
