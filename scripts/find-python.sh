#!/usr/bin/env bash
# Prints the path of a Python >= 3.12 interpreter (Django 6 needs it; Debian 12's python3 is
# 3.11), or fails saying how to get one. Looks, in order, at:
#   $JX_PYTHON; the interpreter the existing .venv was made from (so it is not rebuilt);
#   python3, python3.12, python3.13, python3.14 on PATH; pyenv's versions (oldest first);
#   interpreters that uv installed.
# Every candidate is run, so a pyenv shim that cannot find its version is skipped.
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"

# Prints the real executable behind $1 when it runs and is 3.12 or newer.
usable() {
  "$1" -I -c 'import sys; assert sys.version_info >= (3, 12); print(sys.executable)' 2>/dev/null
}

if [ -n "${JX_PYTHON:-}" ]; then
  usable "$JX_PYTHON" || die "JX_PYTHON=$JX_PYTHON is not a working Python 3.12 or newer."
  exit 0
fi

candidates=()
if [ -f "$JX_ROOT/.venv/pyvenv.cfg" ]; then
  home=$(sed -n 's/^home *= *//p' "$JX_ROOT/.venv/pyvenv.cfg")
  [ -n "$home" ] && candidates+=("$home/python3")
fi
for name in python3 python3.12 python3.13 python3.14; do
  path=$(command -v "$name" 2>/dev/null) && candidates+=("$path")
done
pyenv_root=${PYENV_ROOT:-${HOME:-/nonexistent}/.pyenv}
uv_pythons=${UV_PYTHON_INSTALL_DIR:-${XDG_DATA_HOME:-${HOME:-/nonexistent}/.local/share}/uv/python}
while IFS= read -r dir; do
  candidates+=("$dir/bin/python3")
done < <(ls -d "$pyenv_root"/versions/3.* "$uv_pythons"/cpython-3.* 2>/dev/null | sort -V)

for candidate in "${candidates[@]}"; do
  [ -x "$candidate" ] || continue
  usable "$candidate" && exit 0
done

cat >&2 <<'MSG'
error: no Python 3.12 or newer found (Django 6 needs it; Debian 12's python3 is 3.11).
Any one of these fixes it:
  - install uv (pip install --user uv) and let it fetch Python: uv python install 3.12
  - install one with pyenv: pyenv install 3.12
  - point at one you have: JX_PYTHON=/path/to/python3.12 make ...
MSG
exit 1
