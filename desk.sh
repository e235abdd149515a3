#!/usr/bin/env bash
# Set up Desk on this machine (virtual environment, packages, the few system
# libraries Qt and the tests need) and then start it or test it.
#
#   ./desk.sh                  set up, then open the window (demo data in the default
#                              local file on first start)
#   ./desk.sh [desk options]   set up, then open the window with those options
#   ./desk.sh test [pytest options]   set up, then run the whole test suite
set -euo pipefail
cd "$(dirname "$0")"

PYTHON=${PYTHON:-python3}
VENV=.venv

say() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

system_packages() {
    # Libraries the Qt wheels load, pdftoppm for the document tests, a CJK font for
    # screenshots. Installed only where missing, and only when we may (root or sudo).
    local wanted=(libegl1 libgl1 libxkbcommon0 libxkbcommon-x11-0 libfontconfig1
                  libdbus-1-3 libglib2.0-0 libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1
                  libxcb-shape0 libxcb-xinerama0 libxcb-randr0 libxcb-render-util0
                  libxcb-image0 poppler-utils)
    command -v dpkg >/dev/null 2>&1 || return 0
    local missing=()
    for p in "${wanted[@]}"; do
        dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    local sudo=""
    if [ "$(id -u)" -ne 0 ]; then
        if command -v sudo >/dev/null 2>&1; then sudo="sudo"; else
            say "missing system packages (install them as root): ${missing[*]}"; return 0; fi
    fi
    say "installing system packages: ${missing[*]}"
    $sudo apt-get update -qq || true
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null \
        || say "could not install ${missing[*]}; continuing"
}

python_env() {
    if ! "$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
        say "Desk needs Python 3.11 or newer ($PYTHON is $("$PYTHON" --version 2>&1))"; exit 1
    fi
    if [ ! -x "$VENV/bin/python" ]; then
        say "creating $VENV"
        "$PYTHON" -m venv "$VENV"
    fi
    local stamp="$VENV/.desk-installed"
    if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
        say "installing Desk and its dependencies"
        "$VENV/bin/python" -m pip install -q --upgrade pip
        "$VENV/bin/python" -m pip install -q -e '.[test]'
        touch "$stamp"
    fi
}

system_packages
python_env

if [ "${1:-}" = "test" ]; then
    shift
    export QT_QPA_PLATFORM=offscreen
    say "running the test suite"
    exec "$VENV/bin/python" -m pytest "$@"
fi
# demo data only into the default local SQLite file: never with --db, DESK_DB_URL or
# any other option given (a team's database is not a place for sample people)
if [ $# -eq 0 ] && [ -z "${DESK_DB_URL:-}" ]; then
    exec "$VENV/bin/desk" --demo
fi
exec "$VENV/bin/desk" "$@"
