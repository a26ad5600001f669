#!/usr/bin/env bash
# Installs the npm packages of package-lock.json (npm ci) and copies the files the pages
# serve into the git-ignored static/vendor/, which settings.STATICFILES_DIRS serves as
# /static/vendor/ when it exists. Nothing is fetched from a CDN at run time, and nothing
# from npm is committed.
#   npm ci runs only when node_modules/ is missing or package-lock.json changed since the
#   last run (its SHA-256 is kept in node_modules/.jx-lock-sha256); npm's download cache
#   stays inside the project (.tools/npm-cache), like uv's.
# Without Node.js/npm, or when npm ci fails, it warns and exits 0: the pages still work,
# and the overview page says that its charts are unavailable.
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"
cd "$JX_ROOT"

# source (under node_modules/) → target (under static/vendor/)
assets=(
  "echarts/dist/echarts.min.js:echarts.min.js"
)
vendor=static/vendor

[ -f package-lock.json ] || exit 0
if ! command -v npm >/dev/null 2>&1; then
  warn "npm is not installed, so the overview page shows no charts. Install Node.js and npm (apt-get install nodejs npm), then run make again."
  exit 0
fi

export npm_config_cache=${npm_config_cache:-$JX_ROOT/.tools/npm-cache}
stamp=node_modules/.jx-lock-sha256
digest=$(sha256sum package-lock.json | cut -d' ' -f1)
if [ ! -d node_modules ] || [ "$(cat "$stamp" 2>/dev/null)" != "$digest" ]; then
  say "npm ci (package-lock.json)"
  # --ignore-scripts: the assets are plain files; no package needs an install script.
  if ! npm ci --no-audit --no-fund --ignore-scripts --loglevel=error >&2; then
    warn "npm ci failed (see above), so the overview page shows no charts. Check the network or npm's registry setting, then run make again."
    exit 0
  fi
  printf '%s\n' "$digest" >"$stamp"
fi

mkdir -p "$vendor"
for asset in "${assets[@]}"; do
  source=node_modules/${asset%%:*}
  target=$vendor/${asset#*:}
  if [ ! -f "$source" ]; then
    warn "$source is missing after npm ci (is package-lock.json up to date?); the overview page shows no charts."
    continue
  fi
  if ! cmp -s "$source" "$target"; then
    # Copied beside the target, then renamed: a running server never reads half a file.
    cp "$source" "$target.tmp"
    mv "$target.tmp" "$target"
    say "copied $source to $target"
  fi
done
