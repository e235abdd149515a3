"""The live view of a major incident (重大故障看板): a level-1 fault's timeline as it
happens at any desk, its emergency team and who is on what, the next deadline counting
down, and "broadcast an update" (``desk.process.incident.broadcast``).

``IncidentWindow`` follows the database with its own ``ui.live.LiveUpdates`` (PostgreSQL
``NOTIFY``, SQLite's data version), so an event recorded at another desk shows within a
moment; loads and the broadcast run off the GUI thread.

Signals:
    IncidentWindow.loaded(object): the incident (``desk.read.incident.IncidentView``)
        after each load.
    IncidentWindow.broadcast_sent(int): the event id of an update just broadcast.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QTimer, Signal
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from desk.db import Database
from desk.errors import DeskError
from desk.process import incident
from desk.process.attachments import local_zone
from desk.process.people import PersonView
from desk.read import incident as read_incident
from ui import scheme, spans, tasks
from ui.labels import label as tr_label
from ui.rows_model import RowsModel


class IncidentWindow(QWidget):
    loaded = Signal(object)
    broadcast_sent = Signal(int)

    def __init__(self, db: Database, person: PersonView, ticket_id: int,
                 parent: QWidget | None = None, live: bool = True) -> None:
        super().__init__(parent)
        self.setObjectName("incidentWindow")
        self.setWindowTitle(self.tr("重大故障看板"))
        self.db, self.person, self.ticket_id = db, person, ticket_id
        self.tz = local_zone(db)
        self.view: read_incident.IncidentView | None = None
        self.latest = tasks.Latest(self)
        layout = QVBoxLayout(self)
        self.heading = QLabel()
        self.heading.setObjectName("incidentHeading")
        self.heading.setStyleSheet(scheme.css("overdue", "font-size: 15px; font-weight: bold;"))
        self.heading.setWordWrap(True)
        layout.addWidget(self.heading)
        self.deadline = QLabel()
        self.deadline.setObjectName("incidentDeadline")
        self.deadline.setStyleSheet("font-size: 14px;")
        layout.addWidget(self.deadline)
        row = QHBoxLayout()
        self.team = RowsModel([self.tr("职责"), self.tr("姓名"), self.tr("部门"),
                               self.tr("联系方式")], self)
        self.team_table = QTableView()
        self.team_table.setObjectName("incidentTeam")
        self.team_table.setModel(self.team)
        self.team_table.verticalHeader().hide()
        self.team_table.horizontalHeader().setStretchLastSection(True)
        self.events = RowsModel([self.tr("时间"), self.tr("操作人"), self.tr("事件"),
                                 self.tr("说明")], self)
        self.timeline = QTableView()
        self.timeline.setObjectName("incidentTimeline")
        self.timeline.setModel(self.events)
        self.timeline.verticalHeader().hide()
        self.timeline.horizontalHeader().setStretchLastSection(True)
        left = QVBoxLayout()
        left.addWidget(QLabel(self.tr("应急小组")))
        left.addWidget(self.team_table)
        self.team_empty = QLabel(self.tr("尚未组成应急小组：分级派单时指定总协调人与小组成员。"))
        self.team_empty.setObjectName("incidentTeamEmpty")
        self.team_empty.setWordWrap(True)
        self.team_empty.setStyleSheet(scheme.css("muted"))
        self.team_empty.hide()
        left.addWidget(self.team_empty)
        right = QVBoxLayout()
        right.addWidget(QLabel(self.tr("时间线")))
        right.addWidget(self.timeline)
        row.addLayout(left, 2)
        row.addLayout(right, 3)
        layout.addLayout(row, 1)
        layout.addWidget(QLabel(self.tr("发布进展通报（发给相关部门负责人、处理小组和报告人）")))
        self.message = QPlainTextEdit()
        self.message.setObjectName("incidentMessage")
        self.message.setMaximumHeight(70)
        self.message.setPlaceholderText(self.tr("例如：已切换至备用数据库，下单功能恢复，继续观察。"))
        layout.addWidget(self.message)
        send = QHBoxLayout()
        self.addresses = QLineEdit()
        self.addresses.setObjectName("incidentAddresses")
        self.addresses.setPlaceholderText(self.tr("另抄送的邮件地址（可选，逗号分隔），例如群组邮箱"))
        self.send_button = QPushButton(self.tr("发布通报"))
        self.send_button.setObjectName("incidentBroadcast")
        self.send_button.clicked.connect(self.broadcast)
        send.addWidget(self.addresses, 1)
        send.addWidget(self.send_button)
        layout.addLayout(send)
        self.error = QLabel()
        self.error.setObjectName("incidentError")
        self.error.setWordWrap(True)
        self.error.setStyleSheet(scheme.css("bad"))
        layout.addWidget(self.error)
        self.countdown = QTimer(self)
        self.countdown.setInterval(1000)
        self.countdown.timeout.connect(self._show_deadline)
        self.countdown.start()
        self.live: Any = None
        self.following = False  # the live connection is up: other desks' changes arrive
        if live:
            from ui.live import LiveUpdates

            self.live = LiveUpdates(db, parent=self)
            self.live.ticket_changed.connect(self._changed)
            self.live.resync.connect(self.reload)
            self.live.listening.connect(lambda: setattr(self, "following", True))
            self.live.start()
        self.resize(960, 600)
        self.reload()

    def _changed(self, ticket_id: int, _version: int) -> None:
        if ticket_id == self.ticket_id:
            self.reload()

    def reload(self) -> None:
        db, ticket_id = self.db, self.ticket_id
        self.latest.run(lambda: read_incident.incident(db, ticket_id), self._show, self._failed)

    def _show(self, view: read_incident.IncidentView) -> None:
        self.view = view
        self.heading.setText(f"{view.number} · {tr_label(view.level.label_zh)} · "
                             f"{tr_label(view.status.label_zh)} · {view.affected_business}\n"
                             f"{view.phenomenon}")
        self.setWindowTitle(self.tr("重大故障看板") + f" — {view.number}")
        self.team.set_rows([([tr_label(m.duty), m.name, m.department, m.contact], m, False)
                            for m in view.team])
        self.team_empty.setVisible(not view.team)  # just reported: dispatch forms the team
        self.events.set_rows([([e["at"].astimezone(self.tz).strftime("%m-%d %H:%M"), e["who"],
                                tr_label(e["action"]), e["note"]], e, False)
                              for e in reversed(view.timeline)])  # newest first
        self.team_table.resizeColumnsToContents()
        self.timeline.resizeColumnsToContents()
        self._show_deadline()
        self.loaded.emit(view)

    def _show_deadline(self) -> None:
        view = self.view
        if view is None:
            return
        clock = view.next_deadline
        if clock is None:
            self.deadline.setText(self.tr("响应与恢复时限均已完成。"))
            self.deadline.setStyleSheet(scheme.css("good", "font-size: 14px;"))
            return
        name = self.tr("响应") if clock.name == "respond" else self.tr("恢复")
        remaining = clock.due_at - self.db.now()
        due = clock.due_at.astimezone(self.tz).strftime("%m-%d %H:%M")
        late = remaining.total_seconds() < 0
        text = (self.tr("下一时限：{0} {1}（已超时 {2}）") if late
                else self.tr("下一时限：{0} {1}（剩余 {2}）"))
        self.deadline.setText(text.replace("{0}", name).replace("{1}", due)
                              .replace("{2}", spans.span(remaining)))
        self.deadline.setStyleSheet(scheme.css("overdue" if late else "info",
                                               "font-size: 14px;"))

    def _failed(self, exc: BaseException) -> None:
        self.error.setText(str(exc) if isinstance(exc, DeskError) else
                           self.tr("出现了意外错误，详情已写入日志。"))

    def broadcast(self) -> None:
        self.error.clear()
        message = self.message.toPlainText()
        addresses = [a for a in self.addresses.text().replace("，", ",").replace(";", ",")
                     .split(",") if a.strip()]
        db, ticket_id, person_id = self.db, self.ticket_id, self.person.id
        self.send_button.setEnabled(False)

        def done(event_id: int) -> None:
            self.send_button.setEnabled(True)
            self.message.clear()
            self.broadcast_sent.emit(event_id)
            self.reload()

        def failed(exc: BaseException) -> None:
            self.send_button.setEnabled(True)
            self._failed(exc)

        tasks.run(lambda: incident.broadcast(db, ticket_id, person_id, message, addresses),
                  done, failed)

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802
        if self.live is not None:
            self.live.stop()
        super().closeEvent(event)
