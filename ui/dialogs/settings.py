"""This computer's settings: the language and which database to open.

The database is an SQLite file or a PostgreSQL server URL. "测试连接" opens it off the
GUI thread without changing it (``open_database(url, upgrade=False)``). A server
password is never written to the settings file: it goes to the system keyring under
``Desk`` / ``user@host/database`` and ``desk.config.resolve_password`` puts it back when
the settings are loaded. Without a usable keyring nothing is stored and the person is
told to use a ``.pgpass`` file instead.

SettingsDialog signals:
    saved(object): the new ``Config`` (language and database take effect after restart;
        in the window, ``ui.app.install_settings_action`` then offers 立即重新启动).
    tested(bool, str): a connection test ended: success, and the message shown.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from PySide6.QtCore import QCoreApplication, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError

from desk.config import KEYRING_SERVICE, Config, keyring_account, save_settings
from desk.errors import DeskError
from ui import scheme, tasks

LANGUAGES = [("zh_CN", "中文"), ("en", "English")]
SQLITE, POSTGRES = "sqlite", "postgresql"


def tr(text: str) -> str:
    return QCoreApplication.translate("SettingsDialog", text)


def split_password(url: str) -> tuple[str, str | None]:
    """The URL without its password, and the password (None when it carries none)."""
    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise DeskError(f"数据库地址无法识别：{url}", f"The database URL is not understood: {url}"
                        ) from exc
    if not parsed.password:
        return url, None
    return without_password(parsed), str(parsed.password)


def without_password(parsed: URL) -> str:
    # URL.set(password=None) leaves the password as it is: replace the field itself
    return parsed._replace(password=None).render_as_string(hide_password=False)


def store_password(url: str) -> str:
    """Move a URL's password into the system keyring; return the URL to store.

    Raises ``DeskError`` (and stores nothing) when the keyring cannot take it.
    """
    stripped, password = split_password(url)
    if password is None:
        return url
    account = keyring_account(url)
    if account is None:
        return stripped
    try:
        import keyring

        keyring.set_password(KEYRING_SERVICE, account, password)
    except Exception as exc:  # noqa: BLE001 - any keyring failure: say so, store nothing
        raise DeskError(
            "系统钥匙串不可用，密码未保存（设置也未保存）。请从地址中去掉密码，"
            "改用 .pgpass 文件（Windows 为 %APPDATA%\\postgresql\\pgpass.conf）保存密码。"
            f"（{type(exc).__name__}）",
            "The system keyring is not available; the password was not stored (nor the "
            "settings). Remove the password from the URL and put it in a .pgpass file "
            f"instead. ({type(exc).__name__})",
        ) from exc
    return stripped


def try_connection(url: str) -> str:
    """Open the database without changing it; return a description or raise DeskError."""
    from desk.bootstrap import open_database

    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise DeskError(f"数据库地址无法识别：{url}",
                        f"The database URL is not understood: {url}") from exc
    if parsed.get_backend_name() == "sqlite":
        path = Path(parsed.database or "")
        if not parsed.database or not path.exists():
            raise DeskError(f"文件 {path} 不存在。保存后，下次启动时将新建此数据库。",
                            f"The file {path} does not exist; Desk creates it at the next "
                            "start after saving.")
    try:
        db = open_database(url, upgrade=False)
    except DeskError as exc:
        raise _explain(exc) from exc
    except Exception as exc:  # noqa: BLE001 - a wrong driver name, a bad option...
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise DeskError(f"无法连接数据库：{first}", f"Cannot connect: {first}") from exc
    try:
        with db.read() as session:
            session.connection()
    finally:
        db.dispose()
    if parsed.get_backend_name() == "sqlite":
        return f"SQLite：{parsed.database}"
    return f"PostgreSQL：{parsed.render_as_string(hide_password=True)}"


def _explain(exc: DeskError) -> DeskError:
    """A clearer sentence for the server's two commonest refusals."""
    text = exc.en.lower()
    if "password authentication failed" in text or "no password supplied" in text:
        return DeskError("服务器拒绝登录：用户名或密码不正确。请检查地址中的用户名与密码，"
                         "或 .pgpass 文件。",
                         "The server refused the login: wrong user name or password.")
    if "role" in text and "does not exist" in text:
        return DeskError("服务器拒绝登录：没有这个数据库用户。请检查地址中的用户名。",
                         "The server refused the login: there is no such database user.")
    if "does not exist" in text and "database" in text:
        return DeskError("服务器上没有这个数据库。请检查数据库名称，或请管理员运行 desk db init。",
                         "That database does not exist on the server; check its name or "
                         "ask an administrator to run `desk db init`.")
    if "could not translate host name" in text or "connection refused" in text \
            or "timeout" in text:
        return DeskError("无法连接到数据库服务器：请检查服务器地址、端口与网络。"
                         f"（{exc.zh}）",
                         f"The database server cannot be reached: check host, port and "
                         f"network. ({exc.en})")
    return exc


class SettingsDialog(QDialog):
    """Language and database of this computer."""

    saved = Signal(object)
    tested = Signal(bool, str)

    def __init__(self, config: Config, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("settingsDialog")
        self.setWindowTitle(self.tr("设置"))
        self.setMinimumWidth(560)
        self.config = config

        self.language = QComboBox()
        self.language.setObjectName("languageChoice")
        for code, label in LANGUAGES:
            self.language.addItem(label, code)
        index = self.language.findData("en" if config.language.startswith("en") else "zh_CN")
        self.language.setCurrentIndex(max(index, 0))
        language_note = QLabel(self.tr("更改语言将在重新启动 Desk 后生效。"))
        language_note.setObjectName("languageNote")
        language_note.setStyleSheet(scheme.css("muted"))

        self.kind = QComboBox()
        self.kind.setObjectName("databaseKind")
        self.kind.addItem(self.tr("SQLite 文件（单机）"), SQLITE)
        self.kind.addItem(self.tr("PostgreSQL 服务器（团队共享）"), POSTGRES)
        self.sqlite_path = QLineEdit()
        self.sqlite_path.setObjectName("sqlitePath")
        self.browse = QPushButton(self.tr("选择文件…"))
        self.browse.setObjectName("browseDatabase")
        self.browse.clicked.connect(self.choose_file)
        self.pg_url = QLineEdit()
        self.pg_url.setObjectName("postgresUrl")
        self.pg_url.setPlaceholderText(self.tr("postgresql://用户@服务器:5432/desk"))
        self._fill_database(config)
        self.kind.currentIndexChanged.connect(lambda _i: self._kind_changed())

        file_row = QHBoxLayout()
        file_row.addWidget(self.sqlite_path, 1)
        file_row.addWidget(self.browse)
        self.test_button = QPushButton(self.tr("测试连接"))
        self.test_button.setObjectName("testConnectionButton")
        self.test_button.clicked.connect(self.test)
        self.connection_message = QLabel()
        self.connection_message.setObjectName("connectionMessage")
        self.connection_message.setWordWrap(True)
        test_row = QHBoxLayout()
        test_row.addWidget(self.test_button)
        test_row.addWidget(self.connection_message, 1)

        db_box = QGroupBox(self.tr("数据库"))
        db_form = QFormLayout(db_box)
        db_form.addRow(self.tr("类型："), self.kind)
        db_form.addRow(self.tr("文件："), file_row)
        db_form.addRow(self.tr("服务器地址："), self.pg_url)
        note = QLabel(self.tr("地址中的密码不会写入设置文件，而是保存在系统钥匙串中。"
                              "更改数据库将在重新启动 Desk 后生效。"))
        note.setWordWrap(True)
        note.setStyleSheet(scheme.css("muted"))
        db_form.addRow(note)
        db_form.addRow(test_row)

        lang_box = QGroupBox(self.tr("界面语言"))
        lang_form = QFormLayout(lang_box)
        lang_form.addRow(self.tr("语言："), self.language)
        lang_form.addRow(language_note)

        self.message = QLabel()
        self.message.setObjectName("settingsMessage")
        self.message.setWordWrap(True)
        self.message.hide()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save
                                        | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.setObjectName("settingsButtons")
        self.save_button = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        self.save_button.setObjectName("saveSettingsButton")
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(lang_box)
        layout.addWidget(db_box)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)
        self._kind_changed()

    def _fill_database(self, config: Config) -> None:
        try:
            parsed = make_url(config.db_url)
        except ArgumentError:
            self.kind.setCurrentIndex(self.kind.findData(POSTGRES))
            self.pg_url.setText(config.db_url)
            return
        if parsed.get_backend_name() == "sqlite":
            self.kind.setCurrentIndex(self.kind.findData(SQLITE))
            self.sqlite_path.setText(parsed.database or "")
        else:
            self.kind.setCurrentIndex(self.kind.findData(POSTGRES))
            # the stored password is in the keyring: never shown, never written back
            self.pg_url.setText(without_password(parsed))

    def _kind_changed(self) -> None:
        sqlite = self.kind.currentData() == SQLITE
        self.sqlite_path.setEnabled(sqlite)
        self.browse.setEnabled(sqlite)
        self.pg_url.setEnabled(not sqlite)

    @classmethod
    def ask_database_file(cls, parent: QWidget, current: str) -> str:
        """The SQLite file to use (tests replace this)."""
        path, _ = QFileDialog.getSaveFileName(
            parent, parent.tr("选择数据库文件"), current,
            parent.tr("Desk 数据库 (*.sqlite3 *.db);;所有文件 (*)"),
            options=QFileDialog.Option.DontConfirmOverwrite)
        return path

    def choose_file(self) -> None:
        path = self.ask_database_file(self, self.sqlite_path.text())
        if path:
            self.sqlite_path.setText(path)

    def url(self) -> str:
        if self.kind.currentData() == SQLITE:
            path = self.sqlite_path.text().strip()
            return f"sqlite:///{path}" if path else ""
        return self.pg_url.text().strip()

    def _with_stored_password(self, url: str) -> str:
        """A URL typed without a password still reaches a server whose password is in
        the keyring (as loading the settings would)."""
        from desk.config import resolve_password

        return resolve_password(url)

    def test(self) -> None:
        url = self.url()
        if not url:
            self._tested(False, self.tr("请先填写数据库文件或服务器地址。"))
            return
        self.test_button.setEnabled(False)
        self.connection_message.setStyleSheet(scheme.css("muted"))
        self.connection_message.setText(self.tr("正在连接…"))
        target = self._with_stored_password(url)
        tasks.run(lambda: try_connection(target),
                  lambda text: self._tested(True, self.tr("连接成功：") + str(text)),
                  lambda exc: self._tested(False, str(exc) if isinstance(exc, DeskError)
                                           else self.tr("连接失败。")))

    def _tested(self, ok: bool, text: str) -> None:
        self.test_button.setEnabled(True)
        self.connection_message.setStyleSheet(scheme.css("good" if ok else "bad"))
        self.connection_message.setText(text)
        self.tested.emit(ok, text)

    def save(self) -> None:
        url = self.url()
        if not url:
            self._show(self.tr("请先填写数据库文件或服务器地址。"), error=True)
            return
        try:
            stored = store_password(url)
            language = str(self.language.currentData())
            save_settings(self.config, language=language, db_url=stored)
        except DeskError as exc:
            self._show(str(exc), error=True)
            return
        new = replace(self.config, language=language).with_db(self._with_stored_password(stored))
        self.config = new
        self._show(self.tr("设置已保存，重新启动 Desk 后生效。"), error=False)
        self.saved.emit(new)
        self.accept()

    def _show(self, text: str, error: bool) -> None:
        self.message.setStyleSheet(scheme.css("bad" if error else "good"))
        self.message.setText(text)
        self.message.show()
