# shellcheck shell=bash
# Helpers shared by the scripts in this folder. Source it; don't run it.
# Progress lines start with "==>" and go to stderr, so stdout stays usable for results.

# shellcheck disable=SC2034 # used by the scripts that source this file
JX_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# Compiled modules are kept (__pycache__) as under make (the Makefile says why).
unset PYTHONDONTWRITEBYTECODE

say() { printf '==> %s\n' "$*" >&2; }
warn() { printf 'warning: %s\n' "$*" >&2; }
die() {
  printf 'error: %s\n' "$*" >&2
  exit 1
}

# Prints the command prefix that runs a command as root ("" when already root, "sudo"
# when sudo works), or returns 1 when there is no way to become root without asking.
# A terminal user is asked for the sudo password; a job with no terminal (CI) is not.
root_prefix() {
  if [ "$(id -u)" = 0 ]; then
    printf '\n'
  elif command -v sudo >/dev/null 2>&1 && { sudo -n true 2>/dev/null || [ -t 0 ]; }; then
    printf 'sudo\n'
  else
    return 1
  fi
}

# True when a PostgreSQL server answers on 127.0.0.1:5432 (JX_FORCE_THROWAWAY_PG=1 says no).
postgres_answers() {
  [ "${JX_FORCE_THROWAWAY_PG:-0}" != 1 ] &&
    command -v pg_isready >/dev/null 2>&1 &&
    pg_isready -q -h 127.0.0.1 -p 5432
}

# Prints the bin directory of the newest installed PostgreSQL server (Debian layout).
postgres_bindir() {
  local dir
  dir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
  [ -n "$dir" ] && [ -x "$dir/initdb" ] && printf '%s\n' "$dir"
}
