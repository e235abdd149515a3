"""The group robots (企业微信, 钉钉, 飞书, a webhook) as notification channels, for
administrators: the list with URLs masked as ``desk channel list`` masks them, adding one
(the signing secret typed once into a password field, never shown again), a test
message, switching the selected one on or off and setting its rate limits
(``desk.process.channels.configure_channel``), naming a channel in a notification rule,
removing one.

Every call goes through ``desk.notify.channels`` off the GUI thread (``ui.tasks``); the
services refuse anyone but an administrator on every call. ``ChannelTableModel`` holds
the plain ``ChannelView`` rows the service returns (URLs already masked).

ChannelTableModel signals: none (``set_rows`` resets the model).
ChannelsDialog signals:
    loaded(int): the number of channels after a (re)load.
    tested(str): a test message went out; the text shown.
    routed(int): rules changed by 加入/移出通知规则.
    removed(int): a channel was removed; how many unsent messages were marked failed.
    configured(object): the selected channel's switch or limits were saved; the
        ``ChannelState`` the service returned.
    failed(str): a refusal or error, as shown in the dialog.
AddChannelDialog signals:
    added(object): the stored ``ChannelView``.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QCoreApplication,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from desk.db import Database
from desk.errors import DeskError, ValidationError, pick
from desk.notify import channels
from desk.notify.channels import ChannelView
from desk.process import channels as channel_settings
from desk.process.people import PersonView
from ui import scheme, tasks
from ui.dialogs.admin import error_label, message_of

Index = QModelIndex | QPersistentModelIndex

CHANNEL_COLUMNS: list[tuple[str, str]] = [
    ("name", "名称"),
    ("kind", "类型"),
    ("url", "Webhook 地址"),
    ("signed", "加签"),
    ("enabled", "状态"),
    ("limit", "频率上限"),
    ("pending", "待发送"),
    ("failed", "发送失败"),
]
# the triggers a channel may join (desk.notify.channels.ROUTABLE), as the rules read
ROUTE_LABELS: dict[str, str] = {
    "report_urgent": "紧急故障上报（业务中断或一级故障）",
    "dispatch": "分级派单（启动通知）",
    "verification_requested": "提交验证",
    "resolved": "验证通过、故障解决（完成通知）",
    "sla_warning": "响应/恢复时限即将到期",
    "sla_breached": "响应/恢复已超时",
}

KIND_NOTES: dict[str, str] = {
    "wecom": "粘贴群机器人的完整 Webhook 地址（含 key=…）；企业微信机器人没有加签密钥。"
             "默认每分钟最多 20 条。",
    "dingtalk": "安全设置须选“加签”：粘贴含 access_token=… 的地址，并输入以 SEC 开头的密钥。"
                "默认每分钟最多 20 条。",
    "feishu": "粘贴机器人的 Webhook 地址；开启了“签名校验”时输入其密钥。默认每分钟 100 条、每秒 5 条。",
    "webhook": "Desk 以 JSON 发送消息；有密钥时附 X-Desk-Signature（HMAC-SHA256）请求头。",
}


def tr(text: str) -> str:
    return QCoreApplication.translate("ChannelsDialog", text)


def kind_label(kind: str) -> str:
    """The platform's name in the desk's language (``desk.notify.channels.KIND_LABELS``)."""
    zh, en = channels.KIND_LABELS.get(kind, (kind, kind))
    return pick(zh, en)


def limit_text(view: ChannelView | channel_settings.ChannelState) -> str:
    text = tr("{0} 条/分钟").format(view.per_minute)
    if view.per_second:
        text += tr("，{0} 条/秒").format(view.per_second)
    return text


class ChannelTableModel(QAbstractTableModel):
    """The channels, one row each; nothing secret (``ChannelView.url`` is masked)."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.rows: list[ChannelView] = []

    def set_rows(self, rows: list[ChannelView]) -> None:
        self.beginResetModel()
        self.rows = list(rows)
        self.endResetModel()

    def view(self, row: int) -> ChannelView | None:
        return self.rows[row] if 0 <= row < len(self.rows) else None

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(CHANNEL_COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if (orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole
                and 0 <= section < len(CHANNEL_COLUMNS)):
            return tr(CHANNEL_COLUMNS[section][1])
        return None

    def text(self, view: ChannelView, key: str) -> str:
        if key == "name":
            return view.name
        if key == "kind":
            return kind_label(view.kind)
        if key == "url":
            return view.url
        if key == "signed":
            return tr("已加签") if view.has_secret else tr("未加签")
        if key == "enabled":
            return tr("启用") if view.enabled else tr("停用")
        if key == "limit":
            return limit_text(view)
        return str(getattr(view, key))

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.rows) \
                or not 0 <= index.column() < len(CHANNEL_COLUMNS):
            return None
        view = self.rows[index.row()]
        key = CHANNEL_COLUMNS[index.column()][0]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return self.text(view, key)
        if role == Qt.ItemDataRole.ForegroundRole and key == "failed" and view.failed:
            from PySide6.QtGui import QColor

            return QColor(scheme.colours().bad)
        if role == Qt.ItemDataRole.TextAlignmentRole and key in ("pending", "failed"):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None


class ChannelsDialog(QDialog):
    """The channels of this team: list, add, test, route into a rule, remove."""

    loaded = Signal(int)
    tested = Signal(str)
    routed = Signal(int)
    removed = Signal(int)
    configured = Signal(object)
    failed = Signal(str)

    def __init__(self, db: Database, actor: PersonView, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("channelsDialog")
        self.setWindowTitle(self.tr("群机器人通知渠道"))
        self.resize(980, 520)
        self.db, self.actor = db, actor
        self.model = ChannelTableModel(self)
        self.table = QTableView()
        self.table.setObjectName("channelsTable")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().setVisible(False)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.table.selectionModel().currentRowChanged.connect(lambda *_a: self._update_buttons())
        self.empty = QLabel(self.tr("尚无通知渠道。点“添加渠道…”粘贴群机器人的 Webhook 地址；"
                                    "一级故障上报与超时提醒会发到每个渠道。"))
        self.empty.setObjectName("channelsEmpty")
        self.empty.setWordWrap(True)
        self.empty.setStyleSheet(scheme.css("muted", "font-size: 11pt;"))
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.setMargin(24)
        self.empty.hide()

        self.add_button = QPushButton(self.tr("添加渠道…"))
        self.add_button.setObjectName("addChannelButton")
        self.add_button.clicked.connect(self.add_channel)
        self.test_button = QPushButton(self.tr("发送测试消息"))
        self.test_button.setObjectName("testChannelButton")
        self.test_button.clicked.connect(self.test_selected)
        self.remove_button = QPushButton(self.tr("删除渠道…"))
        self.remove_button.setObjectName("removeChannelButton")
        self.remove_button.clicked.connect(self.remove_selected)
        close = QPushButton(self.tr("关闭"))
        close.setObjectName("closeChannelsButton")
        close.clicked.connect(self.accept)
        buttons = QHBoxLayout()
        for b in (self.add_button, self.test_button, self.remove_button):
            buttons.addWidget(b)
        buttons.addStretch(1)
        buttons.addWidget(close)

        route = QGroupBox(self.tr("通知规则"))
        route.setObjectName("channelRouteBox")
        self.trigger = QComboBox()
        self.trigger.setObjectName("channelTrigger")
        for trigger in channels.ROUTABLE:
            self.trigger.addItem(tr(ROUTE_LABELS.get(trigger, trigger)), trigger)
        self.route_button = QPushButton(self.tr("加入此规则"))
        self.route_button.setObjectName("routeChannelButton")
        self.route_button.clicked.connect(lambda: self.route_selected(remove=False))
        self.unroute_button = QPushButton(self.tr("移出此规则"))
        self.unroute_button.setObjectName("unrouteChannelButton")
        self.unroute_button.clicked.connect(lambda: self.route_selected(remove=True))
        route_row = QHBoxLayout(route)
        route_row.addWidget(QLabel(self.tr("所选渠道在以下时机收到通知：")))
        route_row.addWidget(self.trigger, 1)
        route_row.addWidget(self.route_button)
        route_row.addWidget(self.unroute_button)

        settings = QGroupBox(self.tr("所选渠道的设置"))
        settings.setObjectName("channelSettingsBox")
        self.enabled_box = QCheckBox(self.tr("启用"))
        self.enabled_box.setObjectName("channelEnabled")
        self.enabled_box.setToolTip(self.tr("停用后不再为此渠道排入新消息；已在发件箱中等待的消息"
                                            "保留，重新启用后按频率上限发出。"))
        self.minute_spin = QSpinBox()
        self.minute_spin.setObjectName("channelLimitMinute")
        self.minute_spin.setRange(channel_settings.LIMIT_MIN, channel_settings.LIMIT_MAX)
        self.minute_spin.setSuffix(self.tr(" 条/分钟"))
        self.minute_spin.setAccessibleName(self.tr("每分钟上限"))
        self.second_spin = QSpinBox()
        self.second_spin.setObjectName("channelLimitSecond")
        self.second_spin.setRange(0, channel_settings.LIMIT_MAX)
        self.second_spin.setSpecialValueText(self.tr("每秒不限"))
        self.second_spin.setSuffix(self.tr(" 条/秒"))
        self.second_spin.setAccessibleName(self.tr("每秒上限"))
        self.settings_button = QPushButton(self.tr("保存设置"))
        self.settings_button.setObjectName("saveChannelSettingsButton")
        self.settings_button.clicked.connect(self.save_settings)
        minute_label = QLabel(self.tr("频率上限："))
        minute_label.setBuddy(self.minute_spin)
        settings_row = QHBoxLayout(settings)
        settings_row.addWidget(self.enabled_box)
        settings_row.addSpacing(16)
        settings_row.addWidget(minute_label)
        settings_row.addWidget(self.minute_spin)
        settings_row.addWidget(self.second_spin)
        settings_row.addStretch(1)
        settings_row.addWidget(self.settings_button)

        self.info = QLabel()
        self.info.setObjectName("channelsInfo")
        self.info.setWordWrap(True)
        self.info.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.info.hide()
        self.message = error_label("channelsMessage")
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        hint = QLabel(self.tr("地址中的密钥与加签密钥只保存在数据库中，任何界面都只显示掩码。"
                              "消息经发件箱按各平台的频率上限发送，超出上限的消息会等待，不会丢弃。"))
        hint.setObjectName("channelsHint")
        hint.setWordWrap(True)
        hint.setStyleSheet(scheme.css("muted"))
        layout = QVBoxLayout(self)
        layout.addWidget(hint)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.empty, 1)
        layout.addWidget(settings)
        layout.addWidget(route)
        layout.addWidget(self.info)
        layout.addWidget(self.message)
        layout.addLayout(buttons)
        self.child: QDialog | None = None
        self.busy = 0  # calls on their way (tests wait for 0)
        self._settings_of: str | None = None  # the channel the settings row shows
        self._update_buttons()
        self.reload()

    # -- loading -------------------------------------------------------------------------

    def _call(self, fn: Any, done: Any, refused: Any = None) -> None:
        self.busy += 1

        def ok(result: Any) -> None:
            self.busy -= 1
            done(result)

        def bad(exc: BaseException) -> None:
            self.busy -= 1
            (refused or self._failed)(exc)

        tasks.run(fn, ok, bad)

    def reload(self, select: str | None = None) -> None:
        db = self.db
        keep = select or (self.selected().name if self.selected() else None)
        self._call(lambda: channels.list_channels(db), lambda rows: self._loaded(rows, keep))

    def _loaded(self, rows: list[ChannelView], select: str | None) -> None:
        self.model.set_rows(rows)
        self.empty.setVisible(not rows)  # in the table's place
        self.table.setVisible(bool(rows))
        names = [r.name for r in rows]
        row = names.index(select) if select in names else (0 if rows else -1)
        if row >= 0:
            self.table.selectRow(row)
            self.table.setCurrentIndex(self.model.index(row, 0))
        self._update_buttons()
        self.loaded.emit(len(rows))

    def _failed(self, exc: BaseException) -> None:
        text = message_of(exc)
        self.info.hide()
        self.message.setText(text)
        self.message.show()
        self.failed.emit(text)

    def _say(self, text: str) -> None:
        self.message.hide()
        self.info.setText(text)
        self.info.show()

    def selected(self) -> ChannelView | None:
        index = self.table.currentIndex()
        return self.model.view(index.row()) if index.isValid() else None

    def select_channel(self, name: str) -> None:
        for i, row in enumerate(self.model.rows):
            if row.name == name:
                self.table.selectRow(i)
                self.table.setCurrentIndex(self.model.index(i, 0))

    def _update_buttons(self) -> None:
        view = self.selected()
        chosen = view is not None
        for b in (self.test_button, self.remove_button, self.route_button, self.unroute_button,
                  self.settings_button, self.enabled_box, self.minute_spin, self.second_spin):
            b.setEnabled(chosen)
        if view is not None and view.name != self._settings_of:
            # the selected channel's values (not while one is being edited)
            self._settings_of = view.name
            self.enabled_box.setChecked(view.enabled)
            self.minute_spin.setValue(view.per_minute)
            self.second_spin.setValue(view.per_second or 0)
        elif view is None:
            self._settings_of = None

    def _need_selection(self) -> ChannelView | None:
        view = self.selected()
        if view is None:
            self._failed(DeskError("请先在表格中选择一个渠道。", "Select a channel in the table first."))
        return view

    # -- actions -------------------------------------------------------------------------

    def add_channel(self) -> AddChannelDialog:
        dialog = AddChannelDialog(self.db, self.actor, self)
        dialog.added.connect(self._added)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.child = dialog
        dialog.open()
        return dialog

    def _added(self, view: ChannelView) -> None:
        self._say(self.tr("已添加渠道“{0}”（{1}）。可以点“发送测试消息”检查设置。").format(
            view.name, kind_label(view.kind)))
        self.reload(select=view.name)

    def test_selected(self) -> None:
        view = self._need_selection()
        if view is None:
            return
        db, name = self.db, view.name
        self.test_button.setEnabled(False)
        self._say(self.tr("正在向“{0}”发送测试消息…").format(name))

        def done(_view: ChannelView) -> None:
            self._update_buttons()
            text = self.tr("测试消息已发送到“{0}”，平台已接收。请在群里确认收到。").format(name)
            self._say(text)
            self.tested.emit(text)

        def refused(exc: BaseException) -> None:
            self._update_buttons()
            self._failed(exc)

        self._call(lambda: channels.test_channel(db, name), done, refused)

    def route_selected(self, remove: bool) -> None:
        view = self._need_selection()
        if view is None:
            return
        db, actor_id, name = self.db, self.actor.id, view.name
        trigger = str(self.trigger.currentData())
        label = self.trigger.currentText()

        def done(changed: int) -> None:
            if changed == 0:
                text = (self.tr("“{0}”本不在“{1}”的通知规则中，未作更改。") if remove
                        else self.tr("“{0}”已在“{1}”的通知规则中（或该规则已停用），未作更改。"))
            else:
                text = (self.tr("已把“{0}”移出“{1}”：{2} 条通知规则已更新。") if remove
                        else self.tr("已把“{0}”加入“{1}”：{2} 条通知规则已更新。"))
            self._say(text.format(name, label, changed))
            self.routed.emit(int(changed))

        self._call(lambda: channels.route(db, actor_id, name, trigger, remove), done)

    def save_settings(self) -> None:
        view = self._need_selection()
        if view is None:
            return
        db, actor_id, name = self.db, self.actor.id, view.name
        on, minute, second = (self.enabled_box.isChecked(), self.minute_spin.value(),
                              self.second_spin.value())
        self.settings_button.setEnabled(False)

        def done(state: channel_settings.ChannelState) -> None:
            if not state.changed:
                text = self.tr("“{0}”的设置未变。").format(state.name)
            elif not state.enabled:
                text = self.tr("已停用“{0}”：不再为它排入新消息；{1} 条消息在发件箱中等待重新启用。"
                               ).format(state.name, state.waiting)
            else:
                text = self.tr("已保存“{0}”：启用，{1}。").format(state.name, limit_text(state))
            self._say(text)
            self._settings_of = None  # show what was stored
            self.configured.emit(state)
            self.reload(select=state.name)

        def refused(exc: BaseException) -> None:
            self._update_buttons()
            self._failed(exc)

        self._call(lambda: channel_settings.configure_channel(
            db, actor_id, name, enabled=on, per_minute=minute,
            per_second=second or None, no_per_second=second == 0), done, refused)

    @classmethod
    def ask_remove(cls, parent: QWidget, view: ChannelView) -> bool:
        """Ask before removing (tests replace this)."""
        text = tr("删除渠道“{0}”？规则中对它的引用不再送达。").format(view.name)
        if view.pending:
            text += "\n" + tr("它还有 {0} 条待发送的消息，删除后这些消息标为发送失败，不再发送。").format(
                view.pending)
        answer = QMessageBox.question(parent, tr("删除渠道"), text,
                                      QMessageBox.StandardButton.Yes
                                      | QMessageBox.StandardButton.No,
                                      QMessageBox.StandardButton.No)
        return answer == QMessageBox.StandardButton.Yes

    def remove_selected(self) -> None:
        view = self._need_selection()
        if view is None or not self.ask_remove(self, view):
            return
        db, actor_id, name = self.db, self.actor.id, view.name

        def done(dropped: int) -> None:
            if dropped:
                text = self.tr("已删除渠道“{0}”：{1} 条未发送的消息标为发送失败，不再发送。")
            else:
                text = self.tr("已删除渠道“{0}”：没有未发送的消息。")
            self._say(text.format(name, dropped))
            self.removed.emit(int(dropped))
            self.reload()

        self._call(lambda: channels.remove_channel(db, actor_id, name), done)


class AddChannelDialog(QDialog):
    """A new channel: platform, name, the webhook URL, the signing secret, a rate limit.

    A refusal shows beside the fields it concerns; what was typed stays.
    """

    added = Signal(object)

    FIELDS = ("kind", "name", "url", "secret", "per_minute")

    def __init__(self, db: Database, actor: PersonView, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("addChannelDialog")
        self.setWindowTitle(self.tr("添加通知渠道"))
        self.setMinimumWidth(560)
        self.db, self.actor = db, actor
        self.kind = QComboBox()
        self.kind.setObjectName("channelKind")
        for kind in channels.KINDS:
            self.kind.addItem(kind_label(kind), kind)
        self.kind.currentIndexChanged.connect(lambda _i: self._kind_changed())
        self.name = QLineEdit()
        self.name.setObjectName("channelName")
        self.name.setMaxLength(channels.MAX_NAME)
        self.name.setPlaceholderText(self.tr("例如 运维值班群（规则中写作 channel:名称）"))
        self.url = QLineEdit()
        self.url.setObjectName("channelUrl")
        self.secret = QLineEdit()
        self.secret.setObjectName("channelSecret")
        self.secret.setEchoMode(QLineEdit.EchoMode.Password)
        self.per_minute = QSpinBox()
        self.per_minute.setObjectName("channelPerMinute")
        self.per_minute.setRange(0, 10_000)
        self.per_minute.setSpecialValueText(self.tr("平台默认"))
        self.per_minute.setSuffix(self.tr(" 条/分钟"))
        self.errors: dict[str, QLabel] = {f: error_label(f"channelError_{f}") for f in self.FIELDS}
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        for label, widget, key in ((self.tr("平台："), self.kind, "kind"),
                                   (self.tr("名称："), self.name, "name"),
                                   (self.tr("Webhook 地址："), self.url, "url"),
                                   (self.tr("加签密钥："), self.secret, "secret"),
                                   (self.tr("频率上限："), self.per_minute, "per_minute")):
            column = QWidget()
            inner = QVBoxLayout(column)
            inner.setContentsMargins(0, 0, 0, 0)
            inner.setSpacing(2)
            inner.addWidget(widget)
            inner.addWidget(self.errors[key])
            form.addRow(label, column)
        self.note = QLabel()
        self.note.setObjectName("channelKindNote")
        self.note.setWordWrap(True)
        self.note.setStyleSheet(scheme.css("muted"))
        self.message = error_label("addChannelMessage")
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save
                                        | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.setObjectName("addChannelButtons")
        self.save_button = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        self.save_button.setObjectName("saveChannelButton")
        self.save_button.setText(self.tr("添加"))
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.note)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)
        self.saving = False
        self._kind_changed()

    PLACEHOLDERS = {
        "wecom": "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=…",
        "dingtalk": "https://oapi.dingtalk.com/robot/send?access_token=…",
        "feishu": "https://open.feishu.cn/open-apis/bot/v2/hook/…",
        "webhook": "https://…",
    }

    def _kind_changed(self) -> None:
        kind = str(self.kind.currentData())
        self.url.setPlaceholderText(self.PLACEHOLDERS.get(kind, ""))
        self.secret.setEnabled(kind != "wecom")
        self.secret.setPlaceholderText(self.tr("企业微信机器人无需密钥") if kind == "wecom"
                                       else self.tr("保存后不再显示"))
        self.note.setText(tr(KIND_NOTES.get(kind, "")))

    def values(self) -> tuple[str, str, str, str, int | None]:
        kind = str(self.kind.currentData())
        secret = self.secret.text() if self.secret.isEnabled() else ""
        minute = self.per_minute.value() or None
        return kind, self.name.text(), self.url.text(), secret, minute

    def _clear_errors(self) -> None:
        for label in self.errors.values():
            label.hide()
        self.message.hide()

    def save(self) -> None:
        if self.saving:
            return
        self._clear_errors()
        kind, name, url, secret, minute = self.values()
        db, actor_id = self.db, self.actor.id
        self.saving = True
        self.save_button.setEnabled(False)
        tasks.run(lambda: channels.add_channel(db, actor_id, kind, name, url, secret,
                                               per_minute=minute), self._saved, self._refused)

    def _saved(self, view: ChannelView) -> None:
        self.saving = False
        self.secret.clear()  # the secret is never shown again, not even here
        self.added.emit(view)
        self.accept()

    def _refused(self, exc: BaseException) -> None:
        self.saving = False
        self.save_button.setEnabled(True)
        shown = False
        if isinstance(exc, ValidationError):
            for name in exc.fields:
                label = self.errors.get(name)
                text = exc.field_message(name)
                if label is not None and text:
                    label.setText(text)
                    label.show()
                    shown = True
            rest = [exc.field_message(n) or "" for n in exc.fields if n not in self.errors]
            if rest:
                self.message.setText("；".join(rest))
                self.message.show()
                shown = True
        if not shown:
            self.message.setText(message_of(exc))
            self.message.show()
