#!/usr/bin/env bash
# Usage: scripts/drill.sh   (make drill; run make venv first)
# The backup/restore drill (docs/security.md check 32; docs/admin/install.md, "Backup and
# restore"), on throwaway databases and folders, with a field key made for the run:
#  1. PostgreSQL: the server on 127.0.0.1:5432, else a throwaway cluster
#     (scripts/with-postgres.sh). Databases JX_DRILL_DB (jx_drill) and JX_DRILL_DB_restored,
#     dropped first if they exist and at the end.
#  2. migrate, then a small world (jiangxuan.demo.drill): the Jilin org tree, the practice
#     copy of seed 001, one nomination with an ID number, a phone and a bank account, and
#     evidence files; `jiangxuan auditanchor` signs the chain head into an anchor folder.
#  3. `jiangxuan backup --out`, then the source database and its uploads folder are
#     dropped, and `jiangxuan restore` restores into the new database and a new folder.
#  4. Checks on the restored copy: `migrate --check`, `auditverify` against the anchors,
#     `backupverify --restored` (rows of every table, migrations, audit head, every file's
#     SHA-256), the nomination's personal data decrypts to the original and the evidence
#     downloads byte-identical, and with another JX_FIELD_KEY `check --database default`
#     refuses the copy with jiangxuan.E004's Chinese message and no traceback.
# Prints a summary; exits 1 when any step or check failed. JX_DRILL_KEEP=1 keeps the
# databases and the folder (printed) for a look afterwards.
set -uo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"
cd "$JX_ROOT" || exit 1

bin=$JX_ROOT/.venv/bin
[ -x "$bin/jiangxuan" ] || die ".venv is missing or incomplete: run 'make venv' first."
command -v pg_dump >/dev/null 2>&1 && command -v pg_restore >/dev/null 2>&1 ||
  die "pg_dump or pg_restore is missing: install postgresql-client (the server's major version)."

# Run the rest with DATABASE_URL set by with-postgres.sh (which may start a throwaway
# cluster and removes it when this script ends).
if [ -z "${JX_DRILL_INNER:-}" ]; then
  JX_DRILL_INNER=1 exec "$JX_ROOT/scripts/with-postgres.sh" "$0" "$@"
fi

name=${JX_DRILL_DB:-jx_drill}
pg_base=${DATABASE_URL%/*}
source_url=$pg_base/$name
restored_url=$pg_base/${name}_restored
tmp=$(mktemp -d "${TMPDIR:-/tmp}/jx-drill.XXXXXX")
results=()
failed=0

# databases drop|fresh: drop both databases; fresh then creates the source database.
databases() {
  "$bin/python" - "$1" "$pg_base/postgres" "$name" "${name}_restored" <<'PY'
import sys

import psycopg
from psycopg import sql

action, url, source, restored = sys.argv[1:]
with psycopg.connect(url, autocommit=True) as conn:
    for db in (source, restored):
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(db)))
    if action == "fresh":
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(source)))
PY
}
cleanup() {
  if [ "${JX_DRILL_KEEP:-0}" = 1 ]; then
    say "kept: $tmp, databases $name (dropped by the drill) and ${name}_restored"
  else
    databases drop
    rm -rf "$tmp"
  fi
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# step NAME COMMAND...: runs COMMAND, records ok/FAILED; a failed step ends the drill.
step() {
  local title=$1
  shift
  say "$title"
  if "$@"; then
    results+=("ok      $title")
  else
    results+=("FAILED  $title")
    failed=1
    return 1
  fi
}

summary() {
  printf '\ndrill summary (backup/restore, docs/security.md check 32)\n' >&2
  printf '  %s\n' "${results[@]}" >&2
  if [ "$failed" = 0 ]; then
    printf 'drill: all checks passed\n' >&2
  else
    printf 'drill: FAILED\n' >&2
  fi
}

# The application's environment for this run: a field key of its own, anchors apart.
JX_FIELD_KEY=$("$bin/python" -c "import secrets; print(secrets.token_hex(32))")
export JX_FIELD_KEY JX_AUDIT_ANCHOR_DIR=$tmp/anchors JX_LOG_LEVEL=WARNING
source_env() { env JX_VAR_DIR="$tmp/var-source" DATABASE_URL="$source_url" "$@"; }
restored_env() { env JX_VAR_DIR="$tmp/var-restored" DATABASE_URL="$restored_url" "$@"; }

build_world() {
  source_env "$bin/jiangxuan" migrate --noinput --verbosity 0 &&
    source_env "$bin/jiangxuan" shell --no-imports -c "
import json
from django.db import transaction
from jiangxuan.demo.drill import build_drill_world
with transaction.atomic():
    world = build_drill_world()
with open('$tmp/world.json', 'w', encoding='utf-8') as out:
    json.dump(world, out)
" >/dev/null &&
    source_env "$bin/jiangxuan" auditanchor
}

drop_source() {
  "$bin/python" - "$pg_base/postgres" "$name" <<'PY' && rm -rf "$tmp/var-source"
import sys

import psycopg
from psycopg import sql

with psycopg.connect(sys.argv[1], autocommit=True) as conn:
    conn.execute(sql.SQL("DROP DATABASE {} WITH (FORCE)").format(sql.Identifier(sys.argv[2])))
PY
}

check_world() {
  restored_env "$bin/jiangxuan" shell --no-imports -c "
import json, sys
from jiangxuan.demo.drill import check_drill_world
with open('$tmp/world.json', encoding='utf-8') as source:
    problems = check_drill_world(json.load(source))
for problem in problems:
    print('  ' + problem, file=sys.stderr)
print('personal data decrypts, evidence downloads byte-identical' if not problems else '')
sys.exit(1 if problems else 0)
" 2>&1 | { grep -v '^AXES: ' || true; }
}

wrong_key_refused() {
  local out status=0
  out=$(restored_env JX_FIELD_KEY="$("$bin/python" -c "import secrets; print(secrets.token_hex(32))")" \
    "$bin/jiangxuan" check --database default 2>&1) || status=$?
  printf '%s\n' "$out" | sed -n '1,6p' >&2
  if [ "$status" = 0 ]; then
    printf 'error: the copy started with a wrong JX_FIELD_KEY\n' >&2
    return 1
  fi
  if ! grep -q 'jiangxuan.E004' <<<"$out" || ! grep -q 'JX_FIELD_KEY 无法解密' <<<"$out"; then
    printf 'error: the refusal does not name jiangxuan.E004 and its message\n' >&2
    return 1
  fi
  if grep -q 'Traceback' <<<"$out"; then
    printf 'error: the refusal printed a traceback\n' >&2
    return 1
  fi
}

say "PostgreSQL: fresh database $name"
databases fresh || die "could not create the database $name."
start=$SECONDS
# The steps up to the restore depend on each other: the first failure ends the drill.
step "migrate and build the world (a campaign, a nomination, evidence) in $name" build_world &&
  step "jiangxuan backup --out $tmp/backup" source_env "$bin/jiangxuan" backup --out "$tmp/backup" &&
  step "drop the source database and its uploads folder" drop_source &&
  step "jiangxuan restore into ${name}_restored and a new uploads folder" \
    restored_env "$bin/jiangxuan" restore "$tmp/backup" --database-url "$restored_url" \
    --media-root "$tmp/var-restored/media" || {
  summary
  exit 1
}
# The checks of the restored copy each run, so one drill shows every mismatch.
step "migrate --check on the restored database" \
  restored_env "$bin/jiangxuan" migrate --check --verbosity 0
step "auditverify against the anchors made before the backup" \
  restored_env "$bin/jiangxuan" auditverify --anchors "$tmp/anchors"
step "backupverify --restored: rows of every table, migrations, audit head, file SHA-256" \
  restored_env "$bin/jiangxuan" backupverify "$tmp/backup" --restored
step "personal data decrypts and evidence downloads byte-identical" check_world
step "a wrong JX_FIELD_KEY is refused (jiangxuan.E004, no traceback)" wrong_key_refused
results+=("        $((SECONDS - start)) s")
summary
exit "$failed"
