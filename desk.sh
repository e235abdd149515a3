#!/usr/bin/env bash
# Set up Desk on this machine (virtual environment, packages, the few system
# libraries Qt and the tests need) and then start it or test it.
#
#   ./desk.sh                  set up, then open the window (demo data in the default
#                              local file on first start)
#   ./desk.sh [desk options]   set up, then open the window with those options
#   ./desk.sh test [pytest options]   set up, then run the whole test suite
#   ./desk.sh install-desktop   add Desk to the desktop's application menu (Linux, this user)
#   ./desk.sh bundle   set up, then build the one-folder application dist/Desk/ (PyInstaller)
#
# DESK_VENV names another virtual environment than .venv.
set -euo pipefail
cd "$(dirname "$0")"

PYTHON=${PYTHON:-python3}
VENV=${DESK_VENV:-.venv}

say() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

system_packages() {
    # Libraries the Qt wheels load, pdftoppm for the document tests, a CJK font for
    # screenshots. Installed only where missing, and only when we may (root or sudo).
    local wanted=(libegl1 libgl1 libxkbcommon0 libxkbcommon-x11-0 libfontconfig1
                  libdbus-1-3 libglib2.0-0 libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1
                  libxcb-shape0 libxcb-xinerama0 libxcb-randr0 libxcb-render-util0
                  libxcb-image0 poppler-utils dovecot-imapd)
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

install_desktop() {
    # The desktop entry runs this checkout's desk-window; the icon in two sizes.
    local window="$VENV/bin/desk-window"
    if [ -x "$window" ]; then
        window="$(cd "$(dirname "$window")" && pwd)/desk-window"  # the desktop needs a full path
    else
        say "no $VENV/bin/desk-window yet: run ./desk.sh once to set Desk up"; exit 1
    fi
    local data="${XDG_DATA_HOME:-$HOME/.local/share}"
    mkdir -p "$data/applications" "$data/icons/hicolor/scalable/apps" \
             "$data/icons/hicolor/256x256/apps"
    sed "s|^Exec=desk-window|Exec=$window|" resources/icons/desk.desktop \
        > "$data/applications/desk.desktop"
    cp resources/icons/desk.svg "$data/icons/hicolor/scalable/apps/desk.svg"
    cp resources/icons/desk-256.png "$data/icons/hicolor/256x256/apps/desk.png"
    command -v update-desktop-database >/dev/null 2>&1 \
        && update-desktop-database -q "$data/applications" 2>/dev/null || true
    command -v gtk-update-icon-cache >/dev/null 2>&1 \
        && gtk-update-icon-cache -q -t "$data/icons/hicolor" 2>/dev/null || true
    say "installed $data/applications/desk.desktop (runs $window)"
}

bundle() {
    # One folder with Python, Qt and Desk: dist/Desk/desk (command line; no command opens
    # the window) and dist/Desk/desk-window. Its translations are compiled first.
    "$VENV/bin/python" -c 'import PyInstaller' 2>/dev/null \
        || "$VENV/bin/python" -m pip install -q -e '.[bundle]'
    "$VENV/bin/python" -c 'from resources.translations.build import ensure_qm; import sys
sys.exit(ensure_qm() is None)' || { say "could not compile the translations"; exit 1; }
    say "building dist/Desk with PyInstaller"
    "$VENV/bin/python" -m PyInstaller --noconfirm --clean --log-level WARN \
        --distpath dist --workpath build/pyinstaller packaging/desk.spec
    # the copies are newer than their .ts, so the bundle never tries to compile them
    touch dist/Desk/_internal/resources/translations/*.qm
    say "built dist/Desk ($(du -sh dist/Desk | cut -f1))"
}

if [ "${1:-}" = "install-desktop" ]; then
    install_desktop
    exit 0
fi

system_packages
python_env

if [ "${1:-}" = "bundle" ]; then
    bundle
    exit 0
fi

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
