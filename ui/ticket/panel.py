"""One ticket on screen: the whole record table as a form, the actions, the timeline.

``TicketPanel`` composes the parts of ``ui.ticket``: the action bar and 保存 on top,
the messages, the draft bar and the SLA line, then in a scroll area the five sections
of the paper table (一、基本信息, 二、故障详细描述, 三、处理过程记录, 四、验证结果,
五、闭环), every field an input widget in the paper's order, and the timeline.
Which fields may be typed in is decided by ``desk.process.editing.editable_fields`` for the
signed-in person and the ticket's state; the others stay visible, read-only and
greyed. "保存" (Ctrl+S) sends the changed fields through ``desk.process.editing.update_fields``
off the GUI thread, with the version the form was loaded with: when someone else saved
first, ``ui.ticket.conflict_dialog.ConflictDialog`` shows both sides field by field.

A moment after each edit the form is written to a draft on disk (``desk.process.drafts``);
the draft goes after a save or a discard, so a draft found when a ticket is shown is
what a crash left behind, and a bar offers it back ("恢复 / 丢弃").

The action bar shows only the transitions the person may fire in the ticket's state
(``desk.rules.transitions.allowed_for``); each opens a small dialog built from the transition's
field list (``ui.ticket.action_dialog``), and the service decides.

Signals:
    changed(int): a ticket id after an action or a save changed it.
    saved(object): the ticket (``TicketDetail``) after the form was saved.
    save_failed(str): a save was refused (the message shown).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from PySide6.QtCore import QDateTime, Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from desk.db import Database
from desk.errors import ConflictError, DeskError, ValidationError
from desk.process import editing
from desk.process.drafts import Draft, DraftStore
from desk.process.people import PersonView
from desk.read import tickets
from desk.rules import transitions
from desk.rules.timeutil import format_local
from ui import scheme, tasks
from ui.labels import label as tr_label
from ui.record_form import from_qdatetime
from ui.ticket import next_step
from ui.ticket.action_bar import ActionBar
from ui.ticket.action_dialog import ActionDialog
from ui.ticket.conflict_dialog import MINE, ConflictDialog
from ui.ticket.description import DescriptionSection
from ui.ticket.draft_bar import DraftBar
from ui.ticket.form import INPUT_KINDS, RecordSection, Row, set_widget_value, widget_value
from ui.ticket.sections import LABELS, ROWS, SECTION_CLASSES
from ui.ticket.sla import SlaLine
from ui.ticket.timeline import TimelineSection

log = logging.getLogger(__name__)

DRAFT_DELAY_MS = 800  # a draft is written this long after the last keystroke

# read-only fields keep their place and text but look greyed, so nobody types in vain
READ_ONLY_STYLE = """
QLineEdit[readOnly="true"], QPlainTextEdit[readOnly="true"] {
    background: palette(window); color: palette(window-text); border: 1px solid palette(mid);
}
"""  # palette roles, not colours: readable in the system's light and dark schemes


class _Note(QLabel):
    """A message line that takes no room while it has nothing to say."""

    def setText(self, text: str) -> None:  # noqa: N802
        super().setText(text)
        self.setVisible(bool(text))

    def clear(self) -> None:
        super().clear()
        self.hide()


def _db_key(db: Database) -> str:
    """Which database a draft belongs to (two databases share one drafts folder)."""
    try:
        return str(db.engine.url.render_as_string(hide_password=True))
    except AttributeError:  # pragma: no cover - every Database has an engine
        return ""


def _default_drafts() -> DraftStore | None:
    from desk.process.drafts import default_store

    try:
        return default_store()
    except DeskError as exc:  # a damaged settings file: no drafts rather than no window
        log.warning("drafts are off: %s", exc)
        return None


class TicketPanel(QWidget):
    """A ticket's record table as a form, with SLA clocks, actions and timeline.

    Signals:
        changed(int): a ticket id after an action or a save changed it.
        saved(object): the ticket (``TicketDetail``) after the form was saved.
        save_failed(str): a save was refused; the message shown.
        announced(str): what was just done and what comes next, for the status bar.
        write_settled: this desk's own save or action came back (done or refused) and
            the panel shows its outcome; ``ui.live`` then judges the notices it held.
    """

    changed = Signal(int)
    saved = Signal(object)
    save_failed = Signal(str)
    write_settled = Signal()
    announced = Signal(str)  # what was just done and what comes next (the status bar)

    def __init__(self, db: Database, tz: ZoneInfo, parent: QWidget | None = None,
                 drafts: DraftStore | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("ticketPanel")
        self.db = db
        self.tz = tz
        self.person: PersonView | None = None
        self.detail: tickets.TicketDetail | None = None
        self.version: int | None = None  # the version the typed values are based on
        self.drafts = drafts if drafts is not None else _default_drafts()
        self.inputs: dict[str, QWidget] = {}
        self.editable: set[str] = set()
        self.conflict_dialog: ConflictDialog | None = None
        self.saving = False
        self._loading = False
        self._loaded: dict[str, Any] = {}  # widget values right after loading
        self._offered: Draft | None = None
        self._pending_choices: dict[str, Any] = {}
        # what the fields were when a restored draft was typed (its version is older)
        self._draft_base: dict[str, Any] | None = None
        self._draft_base_plain: dict[str, Any] = {}
        self._after_save: Callable[[], None] | None = None
        self.setStyleSheet(READ_ONLY_STYLE)

        outer = QVBoxLayout(self)
        outer.setContentsMargins(4, 4, 4, 4)
        top = QHBoxLayout()
        self.action_bar = ActionBar()
        self.action_bar.action_requested.connect(self.open_action)
        top.addWidget(self.action_bar, 1)
        self.save_button = QPushButton(self.tr("保存"))
        self.save_button.setObjectName("ticketSave")
        self.save_button.setToolTip(self.tr("保存对记录的修改（Ctrl+S）"))
        self.save_button.clicked.connect(lambda _=False: self.save())
        self.save_button.setEnabled(False)
        top.addWidget(self.save_button)
        outer.addLayout(top)
        self.save_shortcut = QShortcut(QKeySequence.StandardKey.Save, self)
        self.save_shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.save_shortcut.activated.connect(self.save)

        self.message = _Note()
        self.message.hide()
        self.message.setObjectName("actionMessage")
        self.message.setWordWrap(True)
        self.message.setStyleSheet(scheme.css("bad"))
        outer.addWidget(self.message)
        self.status_line = _Note()
        self.status_line.hide()
        self.status_line.setObjectName("saveStatus")
        self.status_line.setStyleSheet(scheme.css("good"))
        outer.addWidget(self.status_line)

        self.draft_bar = DraftBar()
        self.draft_bar.restore_clicked.connect(self.restore_draft)
        self.draft_bar.discard_clicked.connect(self.discard_offered_draft)
        self.draft_label = self.draft_bar.label
        self.draft_restore = self.draft_bar.restore_button
        self.draft_discard = self.draft_bar.discard_button
        outer.addWidget(self.draft_bar)

        self.sla = SlaLine(db, tz)
        outer.addWidget(self.sla)

        self.scroll = QScrollArea()
        self.scroll.setObjectName("recordScroll")
        self.scroll.setWidgetResizable(True)
        body = QWidget()
        body.setObjectName("recordBody")
        self.scroll.setWidget(body)
        layout = QVBoxLayout(body)
        self.sections: dict[str, QGroupBox] = {}
        self.record_sections: list[RecordSection] = []
        for cls in SECTION_CLASSES:
            section = cls(db, tz)
            section.edited.connect(self._edited)
            self.inputs.update(section.inputs)
            self.sections[section.OBJECT_NAME] = section
            self.record_sections.append(section)
            layout.addWidget(section)
        self.description = next(s for s in self.record_sections
                                if isinstance(s, DescriptionSection))
        self.description.attachments_changed.connect(self._attachments_changed)
        self.timeline_section = TimelineSection(db, tz)
        self.timeline = self.timeline_section.timeline
        layout.addWidget(self.timeline_section)
        outer.addWidget(self.scroll, 1)
        # nothing chosen: say so, rather than an empty form with made-up defaults
        self.empty_state = QLabel(self.tr("未选择故障。\n\n在左侧列表中选择一个故障查看和处理，"
                                          "或点击“新建故障”（Ctrl+N）登记新的故障。"))
        self.empty_state.setObjectName("ticketEmptyState")
        self.empty_state.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_state.setWordWrap(True)
        self.empty_state.setStyleSheet("color: palette(mid); font-size: 14px; padding: 24px;")
        outer.addWidget(self.empty_state, 1)
        # whom the fault waits for, beside the actions (a person with nothing to do here)
        self.waiting = _Note()
        self.waiting.hide()
        self.waiting.setObjectName("waitingFor")
        self.waiting.setWordWrap(True)
        outer.insertWidget(1, self.waiting)

        self.draft_timer = QTimer(self)
        self.draft_timer.setObjectName("draftTimer")
        self.draft_timer.setSingleShot(True)
        self.draft_timer.setInterval(DRAFT_DELAY_MS)
        self.draft_timer.timeout.connect(self.write_draft)
        self._apply_editable()
        from ui.accessibility import name_widgets  # 保存, the draft bar's buttons …

        name_widgets(self)

    @property
    def attachment_panel(self) -> QWidget | None:
        """The attachments of the ticket shown (section 二), None while there are none."""
        return self.description.attachment_panel

    # -- widget values ----------------------------------------------------------------

    def widget_value(self, name: str) -> Any:
        """What the widget for a stored field holds, as a plain JSON value."""
        return widget_value(self.inputs[name])

    def set_widget_value(self, name: str, value: Any) -> None:
        """Put a plain value (as ``widget_value`` returns it) into a widget."""
        set_widget_value(self.inputs[name], value, self.tz)

    def service_value(self, name: str, plain: Any) -> Any:
        """A plain widget value as ``desk.process.editing.update_fields`` takes it."""
        if ROWS[name].kind == "datetime":
            return from_qdatetime(QDateTime.fromString(str(plain), "yyyy-MM-dd HH:mm"),
                                  self.tz)
        return plain

    def show_value(self, name: str, value: Any) -> str:
        """A service value as text for a person (the conflict dialog)."""
        if value is None:
            return self.tr("（空）") if ROWS.get(name, Row(name, "")).kind != "tristate" \
                else self.tr("未确定")
        if isinstance(value, datetime):
            return format_local(value, self.tz)
        if isinstance(value, bool):
            return self.tr("是") if value else self.tr("否")
        return str(value)

    def _stored_names(self) -> list[str]:
        return [n for n, r in ROWS.items() if r.kind in INPUT_KINDS and n in editing.FIELDS]

    def form_values(self) -> dict[str, Any]:
        return {name: self.widget_value(name) for name in self._stored_names()}

    def dirty_values(self) -> dict[str, Any]:
        """Plain values of the fields the person changed since loading."""
        if self.detail is None:
            return {}
        now = self.form_values()
        return {k: v for k, v in now.items() if v != self._loaded.get(k)}

    def has_unsaved_changes(self) -> bool:
        return bool(self.dirty_values())

    def own_write_pending(self) -> bool:
        """Is a save or an action of this desk on its way to the database?

        Its commit is announced to every desk, this one too, often before the answer
        reaches the panel: a notice arriving meanwhile is not someone else's change.
        """
        return self.saving or any(d.submitting for d in self.findChildren(ActionDialog))

    def changes(self) -> dict[str, Any]:
        """The changed fields the person may edit, as the service takes them."""
        return {k: self.service_value(k, v) for k, v in self.dirty_values().items()
                if k in self.editable}

    # -- showing -------------------------------------------------------------------------

    def set_person(self, person: PersonView | None) -> None:
        self.person = person
        self._rebuild_actions()
        self._apply_editable()
        if self.detail is not None:
            self._make_attachments(self.detail.id)

    def show_ticket(self, ticket_id: int | None) -> None:
        """Show a ticket (None: nothing). The same ticket again keeps what was typed."""
        self.message.clear()
        self.status_line.clear()
        same = self.detail is not None and ticket_id == self.detail.id
        if same and self.has_unsaved_changes():
            assert ticket_id is not None
            self._reload_keeping_edits(tickets.get_ticket(self.db, ticket_id))
            return
        if not same and self.has_unsaved_changes():
            self.write_draft()  # leaving without saving: what was typed stays on disk
        self.draft_timer.stop()
        self._hide_draft_bar()
        self._draft_base = None
        if ticket_id is None:
            self.detail = None
            self.version = None
            self._loading = True
            try:
                for name, w in self.inputs.items():
                    if isinstance(w, QLineEdit | QPlainTextEdit):
                        self.set_widget_value(name, "")
            finally:
                self._loading = False
            self._loaded = {}
            self.timeline_section.clear()
            self.sla.clear()
            self._drop_attachments()
            self._rebuild_actions()
            self._apply_editable()
            return
        detail = tickets.get_ticket(self.db, ticket_id)
        self._load(detail)
        if not same:
            self._make_attachments(detail.id)
            self._offer_draft()

    def _load(self, d: tickets.TicketDetail) -> None:
        self.detail = d
        self.version = d.values["version"]
        self._fill(d)
        self._loaded = self.form_values()
        self._rebuild_actions()
        self._apply_editable()
        self._apply_attach_state()

    def _reload_keeping_edits(self, d: tickets.TicketDetail) -> None:
        """Show a newer copy of the same ticket without losing what was typed.

        The typed values go back on top. The version moves on only when nobody changed
        the typed fields meanwhile; otherwise the save meets the conflict, as it should.
        """
        old = self.detail
        typed = self.dirty_values()
        old_version = self.version
        untouched = old is not None and all(
            d.values.get(k) == old.values.get(k) for k in typed)
        self._load(d)
        if not untouched:
            self.version = old_version
        self._loading = True
        try:
            for name, value in typed.items():
                self.set_widget_value(name, value)
        finally:
            self._loading = False
        self._refresh_save_button()

    def _fill(self, d: tickets.TicketDetail) -> None:
        v = d.values
        display: dict[str, str] = {}
        for section in self.record_sections:
            display.update(section.display(d))
        self._loading = True
        try:
            for name, row in ROWS.items():
                if name not in self.inputs:
                    continue
                if row.kind == "display":
                    self.set_widget_value(name, display.get(name, ""))
                elif row.kind == "level":
                    self.set_widget_value(name, int(v["level"]))
                elif row.kind == "type":
                    self.set_widget_value(name, v["fault_type"].value)
                else:
                    self.set_widget_value(name, v.get(name))
        finally:
            self._loading = False
        self.timeline_section.fill(d.id)
        self._fill_sla()

    def _fill_sla(self) -> None:
        if self.detail is None:
            return
        self.sla.show_clocks(self.detail.id)

    # -- editability ---------------------------------------------------------------------

    def _apply_editable(self) -> None:
        self.editable = (editing.editable_fields(self.detail, self.person)
                         if self.detail is not None else set())
        for section in self.record_sections:
            section.apply_editable(self.editable)
        self._refresh_save_button()

    def resizeEvent(self, event: Any) -> None:  # noqa: N802
        super().resizeEvent(event)
        # wrapped read-only text needs a new height when the width changes
        for section in self.record_sections:
            section.fit_heights()

    def _refresh_save_button(self) -> None:
        self.save_button.setEnabled(bool(self.editable) and not self.saving
                                    and self.detail is not None)
        dirty = self.has_unsaved_changes()
        self.save_button.setText(self.tr("保存 *") if dirty else self.tr("保存"))

    def _edited(self, *_args: Any) -> None:
        if self._loading or self.detail is None:
            return
        self.status_line.clear()
        self._refresh_save_button()
        self.draft_timer.start()

    # -- attachments -----------------------------------------------------------------------

    def _make_attachments(self, ticket_id: int) -> None:
        self.description.make_attachments(ticket_id, self.person)
        self._apply_attach_state()

    def _apply_attach_state(self) -> None:
        """Grey 添加文件 and refuse drops where the service would refuse the file."""
        from desk.errors import LANGUAGE
        from desk.process.attachments import attach_refusal

        panel: Any = self.attachment_panel
        if panel is None or self.detail is None:
            return
        why = attach_refusal(self.detail.number, self.detail.values["status"])
        panel.set_closed(None if why is None
                         else why[1] if LANGUAGE["current"].startswith("en") else why[0])

    def _drop_attachments(self) -> None:
        self.description.drop_attachments()

    def _attachments_changed(self) -> None:
        # attaching raises the ticket's version: reload, keeping whatever is typed
        if self.detail is None:
            return
        try:
            fresh = tickets.get_ticket(self.db, self.detail.id)
        except DeskError as exc:
            self.message.setText(str(exc))
            return
        if self.has_unsaved_changes():
            self._reload_keeping_edits(fresh)
        else:
            self._load(fresh)
        self.changed.emit(fresh.id)

    # -- saving ----------------------------------------------------------------------------

    def save(self, then: Callable[[], None] | None = None) -> bool:
        """Save the changed fields; False when there was nothing to send."""
        if self.detail is None or self.person is None or self.saving:
            return False
        self.message.clear()
        changes = self.changes()
        if not changes:
            self.status_line.setText(self.tr("没有需要保存的修改。"))
            if then is not None and not self.has_unsaved_changes():
                then()
            return False
        self.write_draft()
        self.saving = True
        self._after_save = then
        self._refresh_save_button()
        ticket_id, actor, version = self.detail.id, self.person.id, self.version
        assert version is not None
        tasks.run(lambda: editing.update_fields(self.db, ticket_id, actor, changes, version),
                  self._saved, self._save_refused)
        return True

    def _saved(self, detail: tickets.TicketDetail) -> None:
        self.saving = False
        if self.drafts is not None:
            self.drafts.remove(detail.id)
        self.draft_timer.stop()
        self._draft_base = None
        self._load(detail)
        self.status_line.setText(self.tr("已保存（版本 {0}）").format(detail.version))
        then, self._after_save = self._after_save, None
        self.saved.emit(detail)
        self.changed.emit(detail.id)
        self.write_settled.emit()
        if then is not None:
            then()

    def _save_refused(self, exc: BaseException) -> None:
        self.saving = False
        self._after_save = None
        self._refresh_save_button()
        if isinstance(exc, ConflictError) and self.detail is not None:
            self._open_conflict(exc)
            self.write_settled.emit()
            return
        if isinstance(exc, ValidationError):
            text = "；".join(f"{self.tr(LABELS.get(k, k))}：{exc.field_message(k)}"
                            for k in exc.fields)
        elif isinstance(exc, DeskError):
            text = str(exc)
        else:
            text = self.tr("保存失败（内部错误，已记录日志）：") + str(exc)
        self.message.setText(text + self.tr("（已输入的内容仍在表单中）"))
        self.save_failed.emit(text)
        self.write_settled.emit()

    def _open_conflict(self, exc: ConflictError) -> None:
        assert self.detail is not None
        mine = self.changes()
        base = (self.detail.values if self.version == self.detail.version
                else self._draft_base)
        ticket_id, base_version = self.detail.id, self.version or 0
        self.status_line.setText(self.tr("他人已修改此故障，正在比较…"))

        def compare() -> tuple[list[tuple[str, Any, Any, Any]], tickets.TicketDetail]:
            rows = editing.diff_for_conflict(self.db, ticket_id, base_version, mine, base)
            return rows, tickets.get_ticket(self.db, ticket_id)

        tasks.run(compare, lambda result: self._show_conflict(exc, *result),
                  lambda e: self.message.setText(str(e)))

    def _show_conflict(self, exc: ConflictError, rows: list[tuple[str, Any, Any, Any]],
                       fresh: tickets.TicketDetail) -> None:
        self.status_line.clear()
        labels = {k: self.tr(LABELS.get(k, editing.FIELDS[k][1])) for k, *_ in rows}
        dialog = ConflictDialog(exc, rows, labels, set(self.editable), self.show_value, self)
        self.conflict_dialog = dialog
        dialog.resolved.connect(
            lambda choices: self._resolve(choices, rows, fresh))
        dialog.rejected.connect(lambda: self.message.setText(self.tr(
            "未保存：他人已修改此故障。您的修改仍在表单中，可再次保存并选择保留哪一方。")))
        dialog.open()

    def _resolve(self, choices: dict[str, str], rows: list[tuple[str, Any, Any, Any]],
                 fresh: tickets.TicketDetail) -> None:
        """Show the newest ticket with the chosen values of mine on top; save them."""
        mine_values = {name: mine for name, _b, _t, mine in rows if choices.get(name) == MINE}
        typed = self.dirty_values()
        self._draft_base = None  # the newest ticket is the base from here on
        self._load(fresh)
        self._loading = True
        try:
            for name, value in mine_values.items():
                self.set_widget_value(name, value)
            # fields I typed that nobody disputed stay typed too
            for name, value in typed.items():
                if name not in choices:
                    self.set_widget_value(name, value)
        finally:
            self._loading = False
        self._refresh_save_button()
        if self.has_unsaved_changes():
            self.save()
        else:
            if self.drafts is not None:
                self.drafts.remove(fresh.id)
            self.status_line.setText(self.tr("已采用对方的内容。"))
            self.changed.emit(fresh.id)

    # -- unsaved changes and drafts --------------------------------------------------------

    @classmethod
    def ask_unsaved(cls, parent: QWidget) -> str:
        """"save", "discard" or "cancel" for unsaved changes (tests replace this)."""
        box = QMessageBox(QMessageBox.Icon.Question, parent.tr("未保存的修改"),
                          parent.tr("此故障有尚未保存的修改。要保存吗？"),
                          QMessageBox.StandardButton.Save | QMessageBox.StandardButton.Discard
                          | QMessageBox.StandardButton.Cancel, parent)
        box.setObjectName("unsavedBox")
        answer = box.exec()
        if answer == QMessageBox.StandardButton.Save:
            return "save"
        if answer == QMessageBox.StandardButton.Discard:
            return "discard"
        return "cancel"

    def confirm_leave(self, then: Callable[[], None] | None = None) -> bool:
        """May the form be left now? Asks when something is unsaved.

        True: go ahead (nothing unsaved, or discarded). False: stay; after "save" the
        save runs in the background and ``then`` is called once it succeeded.
        """
        if self.detail is None or not self.has_unsaved_changes():
            return True
        answer = self.ask_unsaved(self)
        if answer == "discard":
            self.discard_changes()
            return True
        if answer == "save":
            if not self.save(then):
                # nothing may be saved (the person may not edit these fields)
                self.message.setText(self.tr("这些修改不能保存（当前状态或角色下不可修改）。"))
            return False
        return False

    def discard_changes(self) -> None:
        """Throw the typed values away (and their draft); show the ticket as stored."""
        if self.detail is None:
            return
        self.draft_timer.stop()
        if self.drafts is not None:
            self.drafts.remove(self.detail.id)
        self._loading = True
        try:
            for name, value in self._loaded.items():
                self.set_widget_value(name, value)
        finally:
            self._loading = False
        self.version = self.detail.version
        self._refresh_save_button()

    def write_draft(self) -> None:
        """Write what is typed to the draft file now (or remove it when nothing is)."""
        self.draft_timer.stop()
        if self.drafts is None or self.detail is None:
            return
        typed = self.dirty_values()
        try:
            offered = self._offered
            if typed and offered is not None:
                # typing before answering the bar: the offered draft is kept, with the
                # new typing on top (its older version still leads to the conflict check)
                base = dict(offered.meta.get("base") or {})
                base.update({k: self._loaded.get(k) for k in typed})
                self._offered = self.drafts.save(
                    self.detail.id, {**offered.values, **typed},
                    base_version=offered.base_version, person_id=offered.person_id,
                    meta={**offered.meta, "base": base})
            elif typed:
                base = (self._draft_base_plain if self._draft_base is not None
                        else {k: self._loaded.get(k) for k in typed})
                self.drafts.save(self.detail.id, typed, base_version=self.version,
                                 person_id=self.person.id if self.person else None,
                                 meta={"db": _db_key(self.db), "number": self.detail.number,
                                       "base": base})
            elif offered is None:
                self.drafts.remove(self.detail.id)
        except OSError as exc:
            log.warning("draft not written: %s", exc)
            self.status_line.setText(self.tr("草稿无法写入磁盘：") + str(exc))

    def _offer_draft(self) -> None:
        if self.drafts is None or self.detail is None:
            return
        draft = self.drafts.load(self.detail.id)
        if draft is None or draft.meta.get("db", _db_key(self.db)) != _db_key(self.db):
            return
        self._offered = draft
        self.draft_bar.offer(format_local(draft.saved_at, self.tz))

    def _hide_draft_bar(self) -> None:
        self._offered = None
        self.draft_bar.hide()

    def restore_draft(self) -> None:
        """Put the offered draft's values back into the form (editable fields only)."""
        draft = self._offered
        if draft is None or self.detail is None:
            return
        self._hide_draft_bar()
        skipped = []
        self._loading = True
        try:
            for name, value in draft.values.items():
                if name in self.inputs and name in self.editable:
                    self.set_widget_value(name, value)
                elif name in self.inputs:
                    skipped.append(f"{self.tr(LABELS.get(name, name))}：{value}")
        finally:
            self._loading = False
        if draft.base_version is not None and draft.base_version != self.detail.version:
            # typed on an older copy: saving must meet the conflict, not overwrite
            self.version = draft.base_version
            plain = draft.meta.get("base")
            if isinstance(plain, dict):
                self._draft_base_plain = {k: v for k, v in plain.items() if k in ROWS}
                self._draft_base = {k: self.service_value(k, v)
                                    for k, v in self._draft_base_plain.items()}
        self._refresh_save_button()
        if skipped:
            self.message.setText(self.tr("以下草稿内容当前不可修改，未恢复：") + "；".join(skipped))
        self.status_line.setText(self.tr("已恢复草稿，请检查后保存。"))
        self.write_draft()

    def discard_offered_draft(self) -> None:
        if self.drafts is not None and self.detail is not None:
            self.drafts.remove(self.detail.id)
        self._hide_draft_bar()

    def shutdown(self) -> None:
        """Write a pending draft and stop background work (before the database closes)."""
        if self.draft_timer.isActive():
            self.write_draft()
        self._drop_attachments()

    def keyPressEvent(self, event: Any) -> None:  # noqa: N802
        # Ctrl+S reaching the panel (a child ignored it and no shortcut took it first)
        if event.matches(QKeySequence.StandardKey.Save):
            event.accept()
            self.save()
            return
        super().keyPressEvent(event)

    def closeEvent(self, event: Any) -> None:  # noqa: N802
        self.shutdown()
        super().closeEvent(event)

    # -- actions --------------------------------------------------------------------------

    def _show_empty_state(self) -> None:
        empty = self.detail is None
        self.empty_state.setVisible(empty)
        self.scroll.setVisible(not empty)
        self.save_button.setVisible(not empty)
        self.sla.setVisible(not empty)

    def _rebuild_actions(self) -> None:
        self._show_empty_state()
        d = self.detail
        self.action_bar.rebuild(self.person, None if d is None else d.values["status"],
                                None if d is None else d.values,
                                None if d is None else d.people)
        waits = "" if d is None else next_step.waiting_for(d)
        # said beside the actions to a person with nothing to do on the fault now
        self.waiting.setText("" if self.action_bar.offers_something(next_step.ASIDE) else waits)
        self.waiting.setToolTip(waits)

    def open_action(self, spec: transitions.Transition,
                    carried: str = "") -> ActionDialog | None:
        if self.detail is None or self.person is None:
            return None
        if self.has_unsaved_changes():
            self.message.setText(self.tr("有未保存的修改：请先保存（Ctrl+S）或放弃修改，再执行“{0}”。")
                                 .format(tr_label(spec.label_zh)))
            return None
        dialog = ActionDialog(self.db, self.tz, spec, self.detail, self.person, self)
        dialog.done_ok.connect(lambda detail, s=spec: self.announced.emit(
            next_step.after_action(s, detail)))
        dialog.done_ok.connect(self._action_done)
        dialog.settled.connect(self.write_settled)
        dialog.switch.connect(lambda name, text: self.open_action(
            transitions.TRANSITIONS[name], text))
        reason = dialog.inputs.get("reason")
        if carried and isinstance(reason, QPlainTextEdit):
            reason.setPlainText(carried)
        dialog.reload_requested.connect(lambda: self._reload_for(dialog))
        dialog.open()
        return dialog

    def _reload_for(self, dialog: ActionDialog) -> None:
        if self.detail is None:
            return
        self.show_ticket(self.detail.id)
        if self.detail is not None:
            dialog.detail = self.detail
        self.changed.emit(self.detail.id if self.detail else 0)

    def _action_done(self, detail: tickets.TicketDetail) -> None:
        self.show_ticket(detail.id)
        self.changed.emit(detail.id)
        self.write_settled.emit()


