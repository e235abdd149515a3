"""Starting the window: the Qt application, translations, the database, signing in,
the main window with its 管理 menu and settings entry.

The start is a small state machine (``Startup``) driven by signals, so no step blocks
and a test can walk it: open the database off the GUI thread (a failure offers to
choose another database in the settings dialog) → the first administrator of an
empty database, or signing in → the window.

Startup signals:
    window_ready(object): the ``MainWindow``, shown, with the signed-in person.
    stopped(int): the start was given up (cancelled sign-in, no database); exit code.
    dialog_opened(object): a dialog of the start was opened (tests answer it).
"""

from __future__ import annotations

import logging
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import (
    QLibraryInfo,
    QLocale,
    QObject,
    QSettings,
    Qt,
    QTranslator,
    Signal,
)
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QApplication, QDialog, QMainWindow, QMessageBox, QWidget

from desk.config import Config
from desk.errors import DeskError, set_language
from models.vocabulary import Role
from ui import tasks

if TYPE_CHECKING:  # loaded after the sign-in is on the screen (see Startup)
    from desk.db import Database
    from desk.process.people import PersonView

log = logging.getLogger(__name__)

DEMO_ACCOUNTS = ("IT001", "LEAD01", "CTO01", "DEV002", "OP003", "SALES005", "BIZ006", "ADMIN")
DEMO_PASSWORDS_FILE = "demo-passwords.txt"


def _write_demo_passwords(path: Path, passwords: dict[str, str]) -> None:
    import os

    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.writelines(f"{no}\t{pw}\n" for no, pw in passwords.items())


def _read_demo_passwords(path: Path) -> dict[str, str]:
    found: dict[str, str] = {}
    try:
        for line in path.read_text(encoding="utf-8").splitlines():
            no, _, pw = line.partition("\t")
            if no and pw:
                found[no] = pw
    except (OSError, UnicodeDecodeError):
        return {}
    return found


def make_application(argv: list[str] | None = None) -> QApplication:
    app = QApplication.instance()
    if app is None:
        app = QApplication(argv or sys.argv[:1])
    app.setOrganizationName("Desk")
    app.setApplicationName("Desk")
    if getattr(sys, "frozen", False):  # the bundle: Chinese even without a system font
        _add_chinese_font()
    home = os.environ.get("DESK_HOME")
    if home:  # keep window state beside the data (tests, portable installs)
        QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, home)
        QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    return app  # type: ignore[return-value]


def _add_chinese_font() -> None:
    from PySide6.QtGui import QFontDatabase

    from resources import CJK_FONT

    if not QFontDatabase.families(QFontDatabase.WritingSystem.SimplifiedChinese):
        QFontDatabase.addApplicationFont(str(CJK_FONT))


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
        from resources.translations.build import ensure_qm  # built when missing or stale

        own = QTranslator(app)
        qm = ensure_qm(path("translations", f"desk_{language}.ts"))
        if qm is not None and own.load(str(qm)):
            app.installTranslator(own)
            loaded.append(own)
    return loaded


def open_window(db: Database, label: str, person: PersonView | None = None) -> Any:
    from desk.read import settings as team_settings
    from ui.main_window import MainWindow

    with db.read() as session:
        tz = team_settings.timezone(session)
    return MainWindow(db, tz, label, person)


def describe(config: Config) -> str:
    from sqlalchemy.engine import make_url

    url = make_url(config.db_url)
    if url.get_backend_name() == "sqlite":
        return f"SQLite: {url.database}"
    return f"PostgreSQL: {url.render_as_string(hide_password=True)}"


def _file_menu(window: QMainWindow) -> Any:
    for action in window.menuBar().actions():
        menu = action.menu()
        if menu is not None and action.text().startswith(("文件", "File", "&File")):
            return menu
    return window.menuBar().addMenu(window.tr("文件(&F)"))


def restart_command() -> tuple[str, list[str]]:
    """The program and arguments this window was started with, to start it again: the
    bundle's executable with its arguments, or this Python with its own options
    (``-m desk``, a script's path …) as they were given."""
    if getattr(sys, "frozen", False):
        return sys.executable, list(sys.argv[1:])
    return sys.executable, list(sys.orig_argv[1:])


def start_detached(program: str, arguments: list[str]) -> bool:
    """Start ``program`` on its own (it outlives this process); did it start?"""
    from PySide6.QtCore import QProcess

    started, _pid = QProcess.startDetached(program, arguments, os.getcwd())
    return bool(started)


def ask_restart(window: QMainWindow, restart: Any) -> QMessageBox:
    """Saved settings that need a new start: say so now, offer 立即重新启动."""
    box = QMessageBox(QMessageBox.Icon.Information, window.tr("设置已保存"),
                      window.tr("界面语言与数据库的更改将在 Desk 重新启动后生效。"),
                      QMessageBox.StandardButton.NoButton, window)
    box.setObjectName("restartBox")
    now = box.addButton(window.tr("立即重新启动"), QMessageBox.ButtonRole.AcceptRole)
    now.setObjectName("restartNowButton")
    later = box.addButton(window.tr("稍后"), QMessageBox.ButtonRole.RejectRole)
    later.setObjectName("restartLaterButton")
    box.setDefaultButton(now)
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)

    def answered(_code: int) -> None:
        if box.clickedButton() is now:
            restart()

    box.finished.connect(answered)
    window.restart_box = box  # type: ignore[attr-defined]
    box.open()
    return box


def install_settings_action(window: QMainWindow, config: Config,
                            restart: Any = None) -> QAction:
    """Add 设置… to the window's 文件 menu (this computer's language and database).

    A saved change of language or database takes effect at the next start: the
    window says so at once and offers to restart (``restart()``, when given)."""
    from ui.dialogs.settings import SettingsDialog

    menu = _file_menu(window)
    action = QAction(window.tr("设置…"), window)
    action.setObjectName("actionSettings")
    before = getattr(window, "switch_user_action", None)
    if before is not None:
        menu.insertAction(before, action)
    else:
        menu.addAction(action)

    current = {"config": config}  # what was saved last, shown the next time

    def show() -> None:
        dialog = SettingsDialog(current["config"], window)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        before = current["config"]

        def saved(new: Config) -> None:
            current.update(config=new)
            changed = (new.language != before.language or new.db_url != before.db_url)
            if changed and restart is not None:
                ask_restart(window, restart)

        dialog.saved.connect(saved)
        window.settings_dialog = dialog  # type: ignore[attr-defined]
        dialog.open()

    action.triggered.connect(show)
    return action


def warn_about_storage(window: QMainWindow, config: Config) -> None:
    """Say so when the SQLite file sits on a network share (locking there is unreliable)."""
    from desk.admin.backup import sqlite_path, storage_warning

    path = sqlite_path(config.db_url) if config.db_url.startswith("sqlite") else None
    note = storage_warning(path) if path is not None else None
    if note:
        window.statusBar().showMessage(note, 30_000)
        box = QMessageBox(QMessageBox.Icon.Warning, "Desk", note, QMessageBox.StandardButton.Ok,
                          window)
        box.setObjectName("storageWarning")
        box.open()


def install_backup_actions(window: QMainWindow, db: Database, config: Config) -> list[QAction]:
    """备份数据库… and 从备份恢复… in the 文件 menu (SQLite; PostgreSQL is told to use pg_dump)."""
    from desk.admin import backup as backups

    menu = _file_menu(window)
    before = getattr(window, "switch_user_action", None)
    backup_action = QAction(window.tr("备份数据库…"), window)
    backup_action.setObjectName("actionBackup")
    restore_action = QAction(window.tr("从备份恢复…"), window)
    restore_action.setObjectName("actionRestore")
    for action in (backup_action, restore_action):
        if before is not None:
            menu.insertAction(before, action)
        else:
            menu.addAction(action)

    def report(text: str) -> None:
        window.statusBar().showMessage(text, 10_000)
        box = QMessageBox(QMessageBox.Icon.Information, "Desk", text,
                          QMessageBox.StandardButton.Ok, window)
        box.setObjectName("backupMessage")
        box.open()

    def failed(exc: BaseException) -> None:
        box = QMessageBox(QMessageBox.Icon.Warning, "Desk", str(exc),
                          QMessageBox.StandardButton.Ok, window)
        box.setObjectName("backupMessage")
        box.open()

    def do_backup() -> None:
        suggested = str(config.data_dir / "backups" / "desk-backup.sqlite3")
        path = ask_backup_file(window, suggested, save=True)
        if not path:
            return
        tasks.run(lambda: backups.backup(db, path),
                  lambda target: report(window.tr("已备份到 ") + str(target)), failed)

    def do_restore() -> None:
        path = ask_backup_file(window, str(config.data_dir / "backups"), save=False)
        if not path:
            return

        def work() -> object:
            backups.verify_desk_database(Path(path))  # refuse before anything is closed
            db.dispose()
            return backups.restore(config.db_url, path)

        def done(kept: object) -> None:
            report(window.tr("已从备份恢复。原数据库保存在 ") + str(kept)
                   + window.tr("。请重新启动 Desk。"))
            window.setEnabled(False)

        tasks.run(work, done, failed)

    def may_restore() -> bool:
        person = getattr(window, "person", None)
        return person is not None and Role.ADMIN in person.roles

    def allow(*_args: object) -> None:
        # replacing the database is the administrator's, as the 管理 menu is
        allowed = may_restore()
        restore_action.setEnabled(allowed)
        restore_action.setToolTip("" if allowed else window.tr("仅管理员可用"))

    def guarded_restore() -> None:
        if not may_restore():  # the person may have changed since the menu was drawn
            failed(DeskError("仅管理员可以从备份恢复。", "Only an administrator may restore a backup."))
            return
        do_restore()

    backup_action.triggered.connect(do_backup)
    restore_action.triggered.connect(guarded_restore)
    changed = getattr(window, "person_changed", None)
    if changed is not None:
        changed.connect(allow)
    allow()
    return [backup_action, restore_action]


def ask_backup_file(parent: QWidget, suggested: str, save: bool) -> str:
    """The backup file to write or read (tests replace this)."""
    from PySide6.QtWidgets import QFileDialog

    caption = parent.tr("备份数据库") if save else parent.tr("从备份恢复")
    filters = "SQLite (*.sqlite3 *.db);;*"
    if save:
        return QFileDialog.getSaveFileName(parent, caption, suggested, filters)[0]
    return QFileDialog.getOpenFileName(parent, caption, suggested, filters)[0]


class Startup(QObject):
    """Database → first administrator or sign-in → window, one signal at a time."""

    window_ready = Signal(object)
    stopped = Signal(int)
    dialog_opened = Signal(object)

    def __init__(self, config: Config, demo: bool = False,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.config = config
        self.demo = demo
        self.db: Database | None = None
        self.window: Any = None
        self.dialog: QDialog | None = None
        self.admin_menu: Any = None
        self.organisation = ""
        self.demo_passwords: dict[str, str] = {}
        self.team_person: PersonView | None = None
        self.instance_server: Any = None  # the single-instance listener, when listening
        self.starter = start_detached  # how a restart starts the new window (tests)
        self._given_up = False  # the start was cancelled (a database still opening is closed)

    # -- the database ---------------------------------------------------------------

    def begin(self) -> None:
        """Open the database off the GUI thread. An existing local file with people in it
        shows the sign-in first and opens while the password is typed (the dialog waits
        for it, should 登录 come first)."""
        from desk.read.glance import glance

        self._given_up = False
        early = glance(self.config.db_url)
        if early is None:
            self._open()
            return
        self.organisation = early.organisation
        if self.demo:
            self.demo_passwords = self._stored_demo_passwords()
        self._sign_in(early=True)
        from PySide6.QtCore import QTimer

        QTimer.singleShot(0, self._open)  # once the dialog is on its way to the screen

    def _open(self) -> None:
        url, demo = self.config.db_url, self.demo

        def work() -> tuple[Database, bool, bool, str]:
            from desk.bootstrap import open_database
            from desk.process import auth
            from desk.read import settings as team_settings

            # an SQLite desk keeps a backup a day (the last 7) beside its data
            db = open_database(url, auto_backup_dir=self.config.data_dir / "backups")
            try:
                if demo:
                    self._add_demo(db)
                with db.read() as session:
                    organisation = str(team_settings.get(session, "organisation"))
                self.team_person = auth.team_sign_in(db)  # the server checked the password
                return db, auth.needs_first_admin(db), auth.has_people(db), organisation
            except BaseException:
                db.dispose()
                raise

        tasks.run(work, self._opened, self._open_failed)

    def _stored_demo_passwords(self) -> dict[str, str]:
        store = self.config.data_dir / DEMO_PASSWORDS_FILE
        if self.config.is_default_db and store.is_file():
            return _read_demo_passwords(store)
        return {}

    def _add_demo(self, db: Database) -> None:
        """``--demo``: the sample people and faults, only into a new local SQLite file
        (never a database with people, never PostgreSQL); each person gets a generated
        password, kept beside the local file (0600) so that its sign-in can show them."""
        from desk.admin import demo
        from desk.process import auth

        store = self.config.data_dir / DEMO_PASSWORDS_FILE
        if auth.has_people(db):
            self.demo_passwords = self._stored_demo_passwords()
            return
        demo.check_may_add_demo(db)
        passwords = demo.generate_passwords()
        demo.add_demo_data(db, passwords)
        if self.config.is_default_db:
            _write_demo_passwords(store, passwords)
        self.demo_passwords = passwords

    def _open_failed(self, exc: BaseException) -> None:
        if self._given_up:
            return
        self._retire_early_sign_in()
        text = str(exc) if isinstance(exc, DeskError) else QApplication.translate(
            "Startup", "打开数据库时出现意外错误，详情已写入日志。")
        box = QMessageBox(QMessageBox.Icon.Critical, "Desk",
                          QApplication.translate("Startup", "无法打开数据库：") + "\n"
                          + describe_safely(self.config) + "\n\n" + text)
        box.setObjectName("databaseErrorBox")
        choose = box.addButton(QApplication.translate("Startup", "选择其他数据库…"),
                               QMessageBox.ButtonRole.AcceptRole)
        choose.setObjectName("chooseDatabaseButton")
        quit_button = box.addButton(QApplication.translate("Startup", "退出"),
                                    QMessageBox.ButtonRole.RejectRole)
        quit_button.setObjectName("quitButton")

        def answered(_code: int) -> None:
            if box.clickedButton() is choose:
                self._choose_database()
            else:
                self.stopped.emit(1)

        box.finished.connect(answered)
        self._show(box)

    def _choose_database(self) -> None:
        from ui.dialogs.settings import SettingsDialog

        dialog = SettingsDialog(self.config)

        def saved(config: Config) -> None:
            self.config = config
            self.begin()

        dialog.saved.connect(saved)
        dialog.rejected.connect(lambda: self.stopped.emit(1))
        self._show(dialog)

    def _opened(self, opened: tuple[Database, bool, bool, str]) -> None:
        if self._given_up:  # the sign-in shown early was cancelled meanwhile
            opened[0].dispose()
            return
        self.db, no_admin, anybody, self.organisation = opened
        early = self._early_sign_in()
        if early is not None and self.team_person is None and (anybody or not no_admin):
            early.attach(self.db, hint=self._hint(no_admin), organisation=self.organisation)
            return
        self._retire_early_sign_in()
        if self.team_person is not None:
            self._signed_in(self.team_person)
        elif no_admin and not anybody:
            self._first_admin()
        else:
            self._sign_in(no_admin)

    def _early_sign_in(self) -> Any:
        from ui.dialogs.sign_in import SignInDialog

        dialog = self.dialog
        if isinstance(dialog, SignInDialog) and dialog.db is None and dialog.isVisible():
            return dialog
        return None

    def _retire_early_sign_in(self) -> None:
        """The sign-in shown before the database opened is not the next step after all
        (an error, the first administrator): close it without ending the start."""
        dialog = self._early_sign_in()
        if dialog is not None:
            dialog.rejected.disconnect(self._give_up)
            dialog.reject()
            dialog.deleteLater()
            self.dialog = None

    # -- who works here -------------------------------------------------------------

    def _first_admin(self) -> None:
        from ui.dialogs.sign_in import FirstAdminDialog

        assert self.db is not None
        dialog = FirstAdminDialog(self.db)
        dialog.created.connect(self._signed_in)
        dialog.rejected.connect(self._give_up)
        self._show(dialog)

    def _sign_in(self, no_admin: bool = False, early: bool = False) -> None:
        """The sign-in dialog; ``early``: before the database is open (it is attached
        when it is)."""
        from ui.dialogs.sign_in import SignInDialog

        assert early or self.db is not None
        dialog = SignInDialog(self.db, hint=self._hint(no_admin),
                              organisation=self.organisation)
        dialog.signed_in.connect(self._signed_in)
        dialog.rejected.connect(self._give_up)
        self._show(dialog)

    def _hint(self, no_admin: bool) -> str:
        if self.demo and self.demo_passwords:
            accounts = "".join(f"\n{no:<9}{self.demo_passwords[no]}" for no in DEMO_ACCOUNTS
                               if no in self.demo_passwords)
            return QApplication.translate("Startup", "演示账号与密码：{0}").format(accounts)
        if no_admin:
            return QApplication.translate(
                "Startup", "此数据库还没有可登录的管理员。数据库所有者可用命令 desk db recover-admin <工号> 设置密码。")
        return ""

    def _give_up(self) -> None:
        self._given_up = True
        if self.db is not None:
            self.db.dispose()
            self.db = None
        self.stopped.emit(0)

    def _show(self, dialog: QDialog) -> None:
        self.dialog = dialog
        dialog.open()
        self.dialog_opened.emit(dialog)

    # -- the window -----------------------------------------------------------------

    def _signed_in(self, person: PersonView) -> None:
        from ui.dialogs.admin import install_admin_menu

        assert self.db is not None
        window = open_window(self.db, describe(self.config), person)
        self.admin_menu = install_admin_menu(window, self.db, person)
        changed = getattr(window, "person_changed", None)
        if changed is not None:
            changed.connect(self.admin_menu.set_person)
        install_settings_action(window, self.config, self.restart)
        install_backup_actions(window, self.db, self.config)
        self.window = window
        window.show()
        window.start_live()  # other desks' changes, presence, the connection state
        warn_about_storage(window, self.config)
        self.window_ready.emit(window)

    def restart(self) -> bool:
        """Close the window and start Desk again with the same command line (the saved
        language and database are read afresh). False when the window stayed open (an
        unsaved fault or edit the person kept)."""
        app = QApplication.instance()
        window = self.window
        if isinstance(app, QApplication):
            app.setQuitOnLastWindowClosed(False)  # this process ends through ``stopped``
        if window is not None and not window.close():
            if isinstance(app, QApplication):
                app.setQuitOnLastWindowClosed(True)
            window.statusBar().showMessage(window.tr(
                "未重新启动：请先保存或放弃未保存的内容，再从“设置”重新启动。"), 15_000)
            return False
        if self.instance_server is not None:
            self.instance_server.close()  # the new window must not find this one
        program, arguments = restart_command()
        if self.starter(program, arguments):
            log.info("restarting: %s %s", program, " ".join(arguments))
            self.stopped.emit(0)
            return True
        box = QMessageBox(QMessageBox.Icon.Critical, "Desk", QApplication.translate(
            "Startup", "无法重新启动 Desk，请手动启动。设置已保存。"))
        box.setObjectName("restartFailedBox")
        box.finished.connect(lambda _code: self.stopped.emit(1))
        self._show(box)
        return False


def describe_safely(config: Config) -> str:
    try:
        return describe(config)
    except Exception:  # noqa: BLE001 - an unreadable URL is described as typed
        return config.db_url.split("@")[-1]


def _quit_after_first_page(app: QApplication, startup: Startup) -> None:
    """DESK_FIRST_PAGE_PNG=FILE (a start-up check, e.g. of the bundle): save the first
    page shown — the sign-in, or the window — as FILE, name it on stdout, and quit."""
    target = os.environ.get("DESK_FIRST_PAGE_PNG")
    if not target:
        return
    from PySide6.QtCore import QTimer

    def shown(widget: QWidget) -> None:
        def save() -> None:
            ok = widget.grab().save(target)
            print(f"first page: {type(widget).__name__} {widget.windowTitle()}", flush=True)
            app.exit(0 if ok else 1)

        QTimer.singleShot(500, save)  # let it lay out and paint first

    startup.dialog_opened.connect(shown)
    startup.window_ready.connect(shown)


def bring_forward(widget: QWidget | None) -> None:
    if widget is None:
        return
    if widget.isMinimized():
        widget.showNormal()
    widget.show()
    widget.raise_()
    widget.activateWindow()


def install_single_instance(startup: Startup) -> Any:
    """Listen for a second start and ``desk open NUMBER`` (see ``ui.single_instance``)."""
    from ui.single_instance import InstanceServer

    server = InstanceServer(parent=startup)

    def forward() -> None:
        bring_forward(startup.window if startup.window is not None else startup.dialog)

    def can_open(number: str) -> str:
        if startup.window is None:
            return QApplication.translate("Startup", "请先登录 Desk。") if not \
                startup.config.language.startswith("en") else "Sign in to Desk first."
        return ""

    def open_number(number: str) -> None:
        window = startup.window
        if window is not None and hasattr(window, "open_number"):
            window.open_number(number)
            bring_forward(window)

    server.open_handler = can_open
    server.raise_requested.connect(forward)
    server.open_requested.connect(open_number)
    server.listen()
    startup.instance_server = server
    return server


def run(config: Config, demo: bool = False) -> int:
    app = make_application()
    set_language(config.language)
    from ui.single_instance import running_instance_answers

    if running_instance_answers():
        return 0  # one window per user: the one running came forward
    install_translations(app, config.language)
    app.setQuitOnLastWindowClosed(False)  # the start's dialogs come and go first
    startup = Startup(config, demo)
    server = install_single_instance(startup)
    result: dict[str, int] = {}

    def ready(_window: QWidget) -> None:
        app.setQuitOnLastWindowClosed(True)

    def stopped(code: int) -> None:
        result["code"] = code
        app.exit(code)

    startup.window_ready.connect(ready)
    startup.stopped.connect(stopped)
    _quit_after_first_page(app, startup)
    startup.begin()
    code = app.exec()
    server.close()
    # a queue load still on the thread pool finishes before its database is closed
    tasks.wait_all(10_000)
    if startup.db is not None:
        startup.db.dispose()
    return int(result.get("code", code))
