"""The first thing a person sees: how long until the sign-in dialog is on the screen.

Each run is a new Python process that starts the way the ``desk`` command does (the
command line's module, then the window's start: the Qt application, translations, the
database opened off the GUI thread) and stops when the sign-in dialog has been shown
and painted. On a local file with people in it the dialog comes before the database is
opened (and before SQLAlchemy is imported); the opening goes on while the password is
typed. The floor is a bare PySide6 window with a 200-row table started the same
way (``bench/run_all.py``'s bare window). Target: the sign-in within 2x the floor.

    .venv/bin/python bench/bench_sign_in.py                 # a demo SQLite file, 5 runs
    .venv/bin/python bench/bench_sign_in.py --runs 9
    .venv/bin/python bench/bench_sign_in.py --db postgresql://desk_it001@host/desk
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.run_all import BARE_CHILD, _child  # noqa: E402

SIGN_IN_CHILD = r"""
import os, resource, sys
sys.path.insert(0, {root!r})
os.environ["QT_QPA_PLATFORM"] = "offscreen"
os.environ["DESK_HOME"] = {home!r}
from desk.cli import main as cli  # the desk command's own module comes first
from desk.config import load_config
from ui.app import Startup, install_translations, make_application
app = make_application()
install_translations(app, "zh_CN")
startup = Startup(load_config({url!r}))

def shown(dialog):
    dialog.repaint()
    app.processEvents()
    print("ready", 0, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, flush=True)
    os._exit(0)

startup.dialog_opened.connect(shown)
startup.begin()
app.exec()
"""


def demo_file(folder: Path) -> str:
    """A local SQLite file with the demo people (the sign-in dialog, not the first
    administrator's)."""
    from desk.admin.demo import add_demo_data, generate_passwords
    from desk.bootstrap import open_database

    url = f"sqlite:///{folder / 'sign-in.sqlite3'}"
    db = open_database(url)
    try:
        add_demo_data(db, generate_passwords())
    finally:
        db.dispose()
    return url


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", help="database URL (default: a new demo SQLite file)")
    parser.add_argument("--runs", type=int, default=5, help="starts of each (median)")
    args = parser.parse_args()
    import compileall

    for package in ("desk", "models", "reports", "resources", "ui"):
        compileall.compile_dir(ROOT / package, quiet=1)
    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp) / "home"
        home.mkdir()
        url = args.db or demo_file(Path(tmp))
        sign_in, bare = [], []
        for _ in range(args.runs):  # alternating, so a busy moment hits both alike
            sign_in.append(_child(SIGN_IN_CHILD.format(root=str(ROOT), home=str(home),
                                                       url=url))[0])
            bare.append(_child(BARE_CHILD.format())[0])
    ours, floor = statistics.median(sign_in) * 1000, statistics.median(bare) * 1000
    verdict = "met" if ours < 2 * floor else "MISSED"
    print(f"sign-in dialog shown   {ours:7.0f} ms   (runs: "
          f"{', '.join(f'{t * 1000:.0f}' for t in sign_in)})")
    print(f"bare PySide6 window    {floor:7.0f} ms   (runs: "
          f"{', '.join(f'{t * 1000:.0f}' for t in bare)})")
    print(f"ratio                  {ours / floor:7.2f}x   target < 2x: {verdict}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
