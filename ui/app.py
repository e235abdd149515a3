"""Starting the window: the Qt application, translations, the database, the main window."""

from __future__ import annotations

import logging
import os
import sys
from typing import Any

from PySide6.QtCore import QLibraryInfo, QLocale, QSettings, QTranslator
from PySide6.QtWidgets import QApplication, QMessageBox

from desk import settings as team_settings
from desk.bootstrap import open_database
from desk.config import Config
from desk.db import Database
from desk.errors import DeskError

log = logging.getLogger(__name__)


def make_application(argv: list[str] | None = None) -> QApplication:
    app = QApplication.instance()
    if app is None:
        app = QApplication(argv or sys.argv[:1])
    app.setOrganizationName("Desk")
    app.setApplicationName("Desk")
    home = os.environ.get("DESK_HOME")
    if home:  # keep window state beside the data (tests, portable installs)
        QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, home)
        QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    return app  # type: ignore[return-value]


def install_translations(app: QApplication, language: str) -> list[QTranslator]:
    """Qt's own strings (确定/取消) and Desk's, for ``language`` (zh_CN or en)."""
    from resources import path

    loaded: list[QTranslator] = []
    qt_dir = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    if language.startswith("zh"):
        qt = QTranslator(app)
        if qt.load(QLocale(QLocale.Language.Chinese, QLocale.Country.China), "qtbase", "_",
                   qt_dir):
            app.installTranslator(qt)
            loaded.append(qt)
    else:
        own = QTranslator(app)
        if own.load(str(path("translations", f"desk_{language}.qm"))):
            app.installTranslator(own)
            loaded.append(own)
    return loaded


def open_window(db: Database, label: str) -> Any:
    from ui.main_window import MainWindow

    with db.read() as session:
        tz = team_settings.timezone(session)
    return MainWindow(db, tz, label)


def describe(config: Config) -> str:
    from sqlalchemy.engine import make_url

    url = make_url(config.db_url)
    if url.get_backend_name() == "sqlite":
        return f"SQLite: {url.database}"
    return f"PostgreSQL: {url.render_as_string(hide_password=True)}"


def run(config: Config, demo: bool = False) -> int:
    app = make_application()
    install_translations(app, config.language)
    try:
        db = open_database(config.db_url)
        if demo:
            from desk.demo import add_demo_data, has_tickets

            if not has_tickets(db):
                add_demo_data(db)
    except DeskError as exc:
        QMessageBox.critical(None, "Desk", str(exc))
        return 1
    window = open_window(db, describe(config))
    window.show()
    code = app.exec()
    db.dispose()
    return int(code)
