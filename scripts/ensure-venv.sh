#!/usr/bin/env bash
# Usage: scripts/ensure-venv.sh [--group NAME]...
# Makes .venv match uv.lock (uv sync --frozen), installing uv into .tools/venv first when
# uv is not on PATH. Each --group adds a dependency group of pyproject.toml (make bench:
# --group bench); a later run without it removes that group's packages again.
# When find-python.sh finds an interpreter, uv is pinned to it and may not download one; when it finds none, uv may fetch Python 3.12 itself (needs the internet).
# A second run changes nothing and takes well under a second.
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"
cd "$JX_ROOT"

groups=()
while [ "$#" -gt 0 ]; do
  case $1 in
    --group)
      [ "$#" -ge 2 ] || die "--group needs a name"
      groups+=(--group "$2")
      shift 2
      ;;
    *) die "unknown argument $1 (usage: scripts/ensure-venv.sh [--group NAME]...)" ;;
  esac
done

export UV_CACHE_DIR=${UV_CACHE_DIR:-$JX_ROOT/.tools/uv-cache}

if python=$("$JX_ROOT/scripts/find-python.sh" 2>/dev/null); then
  export UV_PYTHON=$python UV_PYTHON_DOWNLOADS=never
  bootstrap_python=$python
else
  # uv would pick its newest Python; 3.12 is the version the lock file is tested on.
  export UV_PYTHON=3.12
  python=""
  bootstrap_python=$(command -v python3 2>/dev/null || true)
fi

uv=$(command -v uv 2>/dev/null || true)
if [ -z "$uv" ]; then
  uv=$JX_ROOT/.tools/venv/bin/uv
  if [ ! -x "$uv" ]; then
    [ -n "$bootstrap_python" ] ||
      die "neither uv nor python3 is installed: install python3 (apt-get install python3 python3-venv) or uv, then run make again."
    say "installing uv into .tools/venv (pip)"
    rm -rf .tools/venv
    "$bootstrap_python" -m venv .tools/venv ||
      die "$bootstrap_python could not create a venv: on Debian run 'apt-get install python3-venv' (or install uv yourself), then run make again."
    .tools/venv/bin/python -m pip install --quiet --disable-pip-version-check "uv>=0.5" ||
      die "pip could not install uv from PyPI: check the network or pip's index settings, then run make again."
  fi
fi

if [ -n "$python" ]; then
  say "Python: $python ($("$python" -c 'import platform; print(platform.python_version())'))"
else
  warn "no Python 3.12+ found here; asking uv to download one."
fi
if ! "$uv" sync --frozen "${groups[@]}"; then
  # Without a local interpreter the likely cause is a failed download: say how to get one.
  if [ -z "$python" ]; then "$JX_ROOT/scripts/find-python.sh" >/dev/null || exit 1; fi
  die "uv sync failed (see above). If uv.lock is out of date with pyproject.toml, run 'uv lock' and commit it."
fi
