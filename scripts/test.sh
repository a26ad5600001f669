#!/usr/bin/env bash
# Usage: scripts/test.sh lint|all   (make lint / make test; run make venv first)
#   lint: ruff check, ruff format --check, makemigrations --check, lint-imports (the app
#         order, pyproject.toml [tool.importlinter]), mypy (the types of src/jiangxuan,
#         pyproject.toml [tool.mypy]), every tools/check_*.py
#   all:  compilemessages, then pytest on PostgreSQL (browser tests included; in parallel,
#         one process per core with pytest-xdist, each with its own test database; the 20
#         slowest tests listed at the end). Beside pytest, in one background chain: the lint
#         stages, then a smoke run of `jiangxuan demo --no-serve` and the task worker on a
#         fresh SQLite database, which must then hold every seed campaign of
#         specs/NNN-*.yaml. Their output is shown after pytest's.
# Every stage runs even after one failed, so one CI run shows every problem. The exit status
# is pytest's when pytest failed, else 1 when any stage failed, else 0.
# pytest reads extra arguments from PYTEST_ADDOPTS, e.g. "src/jiangxuan/nominations -m 'not e2e'"
# JX_PYTEST_WORKERS sets the number of pytest processes (default: one per core; 0 runs the
# tests in this process). JX_HYPOTHESIS_PROFILE=deep (make test-deep) runs 200
# examples per Hypothesis test instead of 40.
set -uo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"
cd "$JX_ROOT" || exit 1

mode=${1:-all}
case $mode in lint | all) ;; *) die "usage: scripts/test.sh lint|all" ;; esac
bin=$JX_ROOT/.venv/bin
[ -x "$bin/jiangxuan" ] || die ".venv is missing or incomplete: run 'make venv' (or make test) first."

tmp=$(mktemp -d "${TMPDIR:-/tmp}/jx-test.XXXXXX")
beside=
# On an early exit (Ctrl-C) the stages running beside pytest are stopped too.
stop_beside() {
  if [ -n "$beside" ] && kill -0 "$beside" 2>/dev/null; then
    pkill -TERM -P "$beside"
    kill "$beside" 2>/dev/null
  fi
}
trap 'stop_beside; rm -rf "$tmp"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

results=()
failed=0
pytest_status=0

# stage NAME COMMAND...: runs COMMAND and records its status and time.
stage() {
  local name=$1 start=$SECONDS status=0
  shift
  say "$name"
  "$@" || status=$?
  if [ "$status" = 0 ]; then
    results+=("$(printf 'ok      %4d s  %s' $((SECONDS - start)) "$name")")
  else
    results+=("$(printf 'FAILED  %4d s  %s (exit %d)' $((SECONDS - start)) "$name" "$status")")
    failed=1
  fi
  return "$status"
}

# Commands that read settings get a throwaway JX_VAR_DIR and the default (SQLite) database,
# so a check never writes into var/ or into a database named in the caller's environment.
sqlite_env() { env -u DATABASE_URL JX_VAR_DIR="$tmp/var-$1" "${@:2}"; }

repo_checks() {
  local check status=0
  for check in tools/check_*.py; do
    "$bin/python" "$check" || status=1
  done
  return "$status"
}

compile_messages() {
  sqlite_env messages "$bin/jiangxuan" compilemessages --ignore .venv --ignore .tools \
    --ignore node_modules --verbosity 0
}

run_pytest() {
  local home=$tmp/home status=0
  mkdir -p "$home"
  # Chromium writes crash reports and caches under HOME even with a temporary profile.
  HOME=$home XDG_CONFIG_HOME=$home/.config XDG_CACHE_HOME=$home/.cache \
    JX_VAR_DIR=$tmp/var-pytest scripts/with-postgres.sh \
    "$bin/pytest" -n "${JX_PYTEST_WORKERS:-auto}" --dist loadgroup --no-loadscope-reorder \
    --durations=20 || status=$?
  if [ "$status" = 5 ]; then
    warn "pytest collected no tests (exit 5); not counted as a failure."
    return 0
  fi
  pytest_status=$status
  return "$status"
}

smoke_demo() {
  local codes missing
  # The seed campaigns are specs/NNN-*.yaml; each names its campaign in a top-level `code:`.
  codes=$(sed -n 's/^code: *//p' specs/[0-9][0-9][0-9]-*.yaml 2>/dev/null | tr '\n' ' ')
  [ -n "$codes" ] || {
    printf 'error: no seed specification (specs/NNN-*.yaml) names a campaign code.\n' >&2
    return 1
  }
  sqlite_env demo "$bin/jiangxuan" migrate --noinput --verbosity 0 &&
    sqlite_env demo timeout 600 "$bin/jiangxuan" demo --no-serve &&
    sqlite_env demo timeout 300 "$bin/jiangxuan" db_worker --batch --no-startup-delay \
      --no-reload &&
    missing=$(sqlite_env demo "$bin/jiangxuan" shell --no-imports --command "
from jiangxuan.campaigns.models import Campaign
loaded = set(Campaign.objects.values_list('code', flat=True))
print(' '.join(sorted(set('$codes'.split()) - loaded)))") || return 1
  if [ -n "$missing" ]; then
    printf 'error: jiangxuan demo did not load the seed campaigns %s\n' "$missing" >&2
    return 1
  fi
  say "the demo database holds all $(wc -w <<<"$codes") seed campaigns"
}

lint_stages() {
  stage "ruff check" "$bin/ruff" check src tools
  stage "ruff format --check" "$bin/ruff" format --check src tools
  stage "makemigrations --check" sqlite_env migrations "$bin/jiangxuan" makemigrations --check --dry-run
  stage "lint-imports (the app order)" "$bin/lint-imports" --no-logo
  stage "mypy (types, django-stubs)" sqlite_env mypy "$bin/mypy"
  stage "tools/check_*.py" repo_checks
}

# The stages that need no PostgreSQL, run beside pytest in `all` mode: pytest's two
# processes and PostgreSQL leave part of two cores idle (docs/testing.md, "How long CI
# takes"). They run at a lower priority (nice 10), so they take that idle time rather
# than time from pytest. Their output goes to a file shown after pytest; their results to
# another.
beside_pytest() {
  renice -n 10 -p "$BASHPID" >/dev/null 2>&1 || true
  results=()
  lint_stages
  stage "demo smoke test (fresh SQLite)" smoke_demo
  printf '%s\n' "${results[@]}" >"$tmp/beside.results"
}

if [ "$mode" = lint ]; then
  lint_stages
else
  if [ -d locale ]; then
    stage "compilemessages" compile_messages # pytest reads the compiled catalogues
  fi
  say "lint, mypy and the demo smoke test run beside pytest (their output follows pytest's)"
  beside_pytest >"$tmp/beside.log" 2>&1 &
  beside=$!
  stage "pytest (PostgreSQL, browser tests in /usr/bin/chromium-headless-shell)" run_pytest
  wait "$beside"
  beside=
  say "output of the stages run beside pytest"
  cat "$tmp/beside.log" >&2
  if [ -f "$tmp/beside.results" ]; then
    while IFS= read -r line; do
      results+=("$line")
      case $line in FAILED*) failed=1 ;; esac
    done <"$tmp/beside.results"
  else
    results+=("FAILED          the stages beside pytest (stopped early)")
    failed=1
  fi
fi

printf '\n%s summary\n' "$mode" >&2
printf '  %s\n' "${results[@]}" >&2
if [ "$pytest_status" != 0 ]; then
  exit "$pytest_status"
fi
exit "$failed"
