"""The window starts without what its first page does not need.

ReportLab, Alembic, openpyxl, the holiday package, pdfium and Qt's print support are
imported only when a document is built, the schema upgraded, a dashboard exported, the
calendar seeded or a page printed; the dashboard (QtCharts), the knowledge base and the
PDF preview when they are first opened. A change that puts one of them back on the start
path fails here (the cold start itself is measured by ``bench/run_all.py``).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from alembic.script import ScriptDirectory

from desk.admin.demo import add_demo_data
from desk.bootstrap import open_database
from models import schema

ROOT = Path(__file__).resolve().parents[1]

# Not needed to show the queue's first page: the window imports them on first use.
NOT_AT_START = ("reportlab", "reports", "alembic", "openpyxl", "chinese_calendar",
                "pypdfium2", "qrcode", "PySide6.QtPrintSupport", "PySide6.QtCharts",
                "desk.read.stats", "ui.dashboard", "ui.documents", "ui.kb_dialog",
                "ui.similar_panel", "ui.problems", "ui.links", "ui.incident",
                "ui.action_items", "ui.service_report", "desk.read.service_report",
                "desk.read.review")

WINDOW = r"""
import json, os, sys, time
os.environ["QT_QPA_PLATFORM"] = "offscreen"
from PySide6.QtWidgets import QApplication
from desk.process import people
from desk.bootstrap import open_database
from desk.read.settings import timezone
from ui.main_window import MainWindow
app = QApplication([])
db = open_database(sys.argv[1])
with db.read() as s:
    tz = timezone(s)
person = people.get_person(db, people.person_id(db, "IT001"))
window = MainWindow(db, tz, "test", person)
window.show()
deadline = time.monotonic() + 60
while window.table.model().rowCount() == 0 and time.monotonic() < deadline:
    app.processEvents()
app.processEvents()
print(json.dumps({"rows": window.table.model().rowCount(),
                  "menus": [a.text() for a in window.menuBar().actions()],
                  "modules": sorted(sys.modules)}))
sys.stdout.flush()
os._exit(0)
"""


def _loaded(modules: list[str], name: str) -> bool:
    return any(m == name or m.startswith(name + ".") for m in modules)


def _run(code: str, *args: str) -> dict[str, object]:
    import json

    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(ROOT)}
    result = subprocess.run([sys.executable, "-c", code, *args], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=180, check=False)
    assert result.returncode == 0, result.stderr[-2000:]
    out: dict[str, object] = json.loads(result.stdout.strip().splitlines()[-1])
    return out


def test_the_window_on_a_migrated_database_starts_without_heavy_imports(
        sqlite_url: str) -> None:
    db = open_database(sqlite_url)  # migrated and seeded, as a desk's database is
    try:
        add_demo_data(db)
    finally:
        db.dispose()
    out = _run(WINDOW, sqlite_url)
    assert out["rows"], "the queue's first page never arrived"
    modules = out["modules"]
    assert isinstance(modules, list)
    assert "ui.main_window" in modules and "sqlalchemy" in modules  # the probe works
    loaded = [name for name in NOT_AT_START if _loaded(modules, name)]
    assert loaded == [], f"imported at start: {loaded}"
    assert not _loaded(modules, "sqlalchemy.dialects.postgresql")  # on SQLite
    menus = out["menus"]
    assert isinstance(menus, list)
    for menu in ("文档", "统计", "知识库"):  # the menus are there all the same
        assert any(menu in text for text in menus), (menu, menus)


def test_a_database_at_head_is_opened_without_alembic(sqlite_url: str) -> None:
    open_database(sqlite_url).dispose()
    code = ("import json, sys\n"
            "from desk.bootstrap import open_database\n"
            "open_database(sys.argv[1]).dispose()\n"
            "print(json.dumps({'modules': sorted(sys.modules)}))\n")
    modules = _run(code, sqlite_url)["modules"]
    assert isinstance(modules, list) and "desk.bootstrap" in modules
    assert not _loaded(modules, "alembic")


def test_the_head_read_from_file_names_is_alembics_head() -> None:
    """``schema.head_revision`` trusts ``NNNN_what.py`` to be revision NNNN, in order."""
    script = ScriptDirectory.from_config(schema.alembic_config())
    assert schema.head_revision() == script.get_current_head()
    files = sorted((schema.MIGRATIONS / "versions").glob("*.py"))
    migrations = [p for p in files if p.name != "__init__.py"]
    previous = None
    for path in migrations:
        assert re.fullmatch(r"\d{4}_\w+\.py", path.name), path.name
        revision = script.get_revision(path.name[:4])
        assert revision is not None and revision.revision == path.name[:4], path.name
        assert revision.down_revision == previous, path.name  # one after the other
        previous = revision.revision
    assert previous == schema.head_revision()
