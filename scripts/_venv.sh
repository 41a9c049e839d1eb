# Shared by scripts/start and scripts/test: make .venv with Python 3.11+ and install a requirements file.
ensure_venv() {
  local requirements=$1 python=${PYTHON:-}
  if [ -z "$python" ]; then
    for candidate in python3.13 python3.12 python3.11 python3; do
      if command -v "$candidate" >/dev/null 2>&1 &&
        "$candidate" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
        python=$candidate
        break
      fi
    done
  fi
  if [ -z "$python" ]; then
    echo "Riskboard needs Python 3.11 or newer; none was found on PATH (set PYTHON=/path/to/python3.11)." >&2
    exit 1
  fi
  if [ ! -x .venv/bin/python ]; then
    echo "Creating .venv with $python …"
    "$python" -m venv .venv
  fi
  local stamp=".venv/.installed-$(basename "$requirements")"
  if [ ! -f "$stamp" ] || [ "$requirements" -nt "$stamp" ] || [ requirements.txt -nt "$stamp" ]; then
    echo "Installing $requirements into .venv …"
    .venv/bin/python -m pip install --quiet --disable-pip-version-check -r "$requirements"
    touch "$stamp"
  fi
}
