#!/usr/bin/env bash
# Installs the Debian packages named as arguments that are missing, as root or through sudo.
#   --postgres   also install PostgreSQL when no server answers on 127.0.0.1:5432 and none
#                is installed (scripts/with-postgres.sh then starts a throwaway one)
#   --optional   only warn when the packages cannot be installed (no root, no sudo)
# Nothing to install costs one dpkg-query (well under a second); otherwise apt-get update runs
# once, then one apt-get install. On a system without apt it only lists what is missing.
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"

optional=0
packages=()
for arg in "$@"; do
  case $arg in
    --optional) optional=1 ;;
    --postgres) postgres_answers || postgres_bindir >/dev/null || packages+=(postgresql) ;;
    -*) die "unknown option $arg" ;;
    *) packages+=("$arg") ;;
  esac
done
[ "${#packages[@]}" -gt 0 ] || exit 0

fail() {
  if [ "$optional" = 1 ]; then
    warn "$*"
    exit 0
  fi
  die "$*"
}

if ! command -v dpkg-query >/dev/null 2>&1 || ! command -v apt-get >/dev/null 2>&1; then
  warn "not a Debian-like system: make sure these (or your system's equivalents) are installed: ${packages[*]}"
  exit 0
fi

missing=()
for package in "${packages[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$package" 2>/dev/null || true)
  [ "$status" = "install ok installed" ] || missing+=("$package")
done
if [ "${#missing[@]}" -eq 0 ]; then
  say "system packages: all present (${packages[*]})"
  exit 0
fi

prefix=$(root_prefix) ||
  fail "missing Debian packages: ${missing[*]}. Install them with: sudo apt-get install -y ${missing[*]}"

log=$JX_ROOT/.tools/apt.log
mkdir -p "$JX_ROOT/.tools"
say "installing Debian packages: ${missing[*]} (log: .tools/apt.log)"
start=$SECONDS
run_apt() {
  # shellcheck disable=SC2086 # $prefix is empty or "sudo"
  $prefix env DEBIAN_FRONTEND=noninteractive apt-get -q -y -o DPkg::Lock::Timeout=300 "$@" >>"$log" 2>&1
}
if ! { run_apt update && run_apt install "${missing[@]}"; }; then
  tail -n 20 "$log" >&2
  fail "apt-get could not install ${missing[*]} (see .tools/apt.log). Fix the cause above and run make again."
fi
say "installed ${missing[*]} in $((SECONDS - start)) s"
