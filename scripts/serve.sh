#!/usr/bin/env bash
# Usage: scripts/serve.sh demo|run   (make demo / make run; run make venv first)
# Migrates the database (DATABASE_URL, default var/jiangxuan.sqlite3), starts the task worker
# (jiangxuan db_worker) in the background, then runs the server in the foreground:
#   demo: `jiangxuan demo`, which loads the seed campaigns and sample data, prints the demo
#         accounts and serves on 127.0.0.1:8000;
#   run:  `jiangxuan runserver ${JX_ADDR:-127.0.0.1:8000}` on the data already there.
# The worker is stopped when the server stops (Ctrl-C included); its log is var/db_worker.log.
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"
cd "$JX_ROOT"

mode=${1:-}
case $mode in demo | run) ;; *) die "usage: scripts/serve.sh demo|run" ;; esac
jiangxuan=$JX_ROOT/.venv/bin/jiangxuan
[ -x "$jiangxuan" ] || die ".venv is missing or incomplete: run 'make venv' first."
var_dir=${JX_VAR_DIR:-$JX_ROOT/var}
mkdir -p "$var_dir"

if [ -d locale ]; then
  if command -v msgfmt >/dev/null 2>&1; then
    "$jiangxuan" compilemessages --ignore .venv --ignore .tools --ignore node_modules --verbosity 0
  else
    warn "msgfmt is missing, so translations are not compiled: apt-get install gettext"
  fi
fi

say "migrating the database"
"$jiangxuan" migrate --noinput --verbosity 0

worker_log=$var_dir/db_worker.log
"$jiangxuan" db_worker --no-reload >"$worker_log" 2>&1 &
worker=$!
stop_worker() {
  kill -TERM "$worker" 2>/dev/null || return 0
  # The worker finishes its current task and exits within a few seconds of SIGTERM.
  for _ in $(seq 50); do
    kill -0 "$worker" 2>/dev/null || return 0
    sleep 0.2
  done
  kill -KILL "$worker" 2>/dev/null || true
}
trap stop_worker EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
say "task worker started (pid $worker, log ${worker_log#"$JX_ROOT"/})"

case $mode in
  demo) "$jiangxuan" demo ;;
  run) "$jiangxuan" runserver "${JX_ADDR:-127.0.0.1:8000}" ;;
esac
