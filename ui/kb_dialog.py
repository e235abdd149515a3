"""The knowledge-base browser (知识库): search, filters, ranked results, entry, edits.

``KnowledgeBaseDialog`` searches as a person types (debounced, off the GUI thread),
filtered by fault type and affected business; results are ranked by
``desk.process.knowledge.search`` and show the matched passage highlighted (rich text). The
chosen entry is shown with its fault number, solutions, attachments and edit history;
support leads, directors and administrators may edit it (``EntryEditDialog``), and a
stale version is refused with nothing typed lost. The main window's “知识库(&K)” menu
(``ui.menus.install_kb_menu``) imports this module when it is first used.

Signals:
    KnowledgeBaseDialog.searched(int): the number of results, after each search.
    KnowledgeBaseDialog.entry_shown(int): the id of the entry now shown.
    EntryEditDialog.saved(object): the entry (``desk.process.knowledge.EntryView``) after a save.
"""

from __future__ import annotations

import html
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from PySide6.QtCore import (
    QModelIndex,
    QPersistentModelIndex,
    QSize,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import (
    QAbstractTextDocumentLayout,
    QColor,
    QPainter,
    QPalette,
    QTextDocument,
)
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListView,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import isValid

from desk.db import Database
from desk.errors import ConflictError, DeskError, ValidationError
from desk.process import knowledge
from desk.process.attachments import local_zone
from desk.process.knowledge import EntryView, KBHit, SimilarFault
from desk.process.people import PersonView
from models import FaultType
from ui import scheme, tasks
from ui.labels import label as tr_label
from ui.list_models import HtmlRole, ItemListModel, ItemRole

HitRole = ItemRole  # HtmlRole (UserRole + 2): the item as rich text
SEARCH_DELAY_MS = 300

_Index = QModelIndex | QPersistentModelIndex


def _e(value: object) -> str:
    return html.escape(str(value))


def _multiline(value: str) -> str:
    return _e(value).replace("\n", "<br>") if value.strip() else "—"


class KBResultsModel(ItemListModel):
    """Search results, best first (plain data; the snippet is escaped HTML)."""

    @property
    def hits(self) -> list[KBHit]:
        return self.items

    def set_hits(self, hits: list[KBHit]) -> None:
        self.set_items(hits)

    def item_data(self, hit: KBHit, role: int) -> Any:
        if role == Qt.ItemDataRole.DisplayRole:
            return f"{hit.title}\n{hit.snippet_plain}\n{hit.solution}"
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"{hit.ticket_number} · {tr_label(hit.fault_type.label_zh)}"
        if role == HtmlRole:
            shown = scheme.colours()
            solution = (f"<div style='color:{shown.good}'>{_e(self.tr('方案'))}：{_e(hit.solution)}"
                        "</div>") if hit.solution else ""
            return (f"<div style='font-weight:bold'>{_e(hit.title)}</div>"
                    f"<div style='color:{shown.muted}'>{_e(hit.ticket_number)} · "
                    f"{_e(tr_label(hit.fault_type.label_zh))} · {_e(hit.affected_business)}"
                    f"</div><div>{hit.snippet}</div>{solution}")
        return None


class RichTextDelegate(QStyledItemDelegate):
    """Paints an item's ``HtmlRole`` as rich text (highlighted matches in bold)."""

    def _document(self, option: QStyleOptionViewItem, index: _Index) -> QTextDocument:
        doc = QTextDocument()
        doc.setDefaultFont(option.font)
        shown = scheme.colours()
        doc.setDefaultStyleSheet(f"b {{ color: {shown.match}; "
                                 f"background-color: {shown.match_ground}; }}")
        doc.setHtml(str(index.data(HtmlRole) or ""))
        doc.setTextWidth(max(120, option.rect.width() - 8))
        return doc

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: _Index) -> None:
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        opt.text = ""
        selected = bool(opt.state & QStyle.StateFlag.State_Selected)
        # a light selection keeps the coloured lines (number, solution, match) readable
        opt.state &= ~QStyle.StateFlag.State_Selected
        style = opt.widget.style() if opt.widget is not None else None
        if style is not None:
            style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, opt.widget)
        painter.save()
        if selected:
            painter.fillRect(option.rect, QColor(scheme.colours().selected))
            painter.setPen(QColor(scheme.colours().selected_border))
            painter.drawRect(option.rect.adjusted(0, 0, -1, -1))
        doc = self._document(option, index)
        painter.translate(option.rect.left() + 4, option.rect.top() + 3)
        context = QAbstractTextDocumentLayout.PaintContext()
        context.palette.setColor(QPalette.ColorRole.Text,
                                 option.palette.color(QPalette.ColorRole.Text))
        doc.documentLayout().draw(painter, context)
        painter.restore()

    def sizeHint(self, option: QStyleOptionViewItem, index: _Index) -> QSize:
        width = option.rect.width()
        if width <= 0 and option.widget is not None:
            width = option.widget.width() - 24
        opt = QStyleOptionViewItem(option)
        opt.rect.setWidth(max(160, width))
        doc = self._document(opt, index)
        return QSize(int(doc.idealWidth()) + 8, int(doc.size().height()) + 6)


def entry_html(entry: EntryView, tr: Any, tz: ZoneInfo | None = None) -> str:
    """The entry as an HTML page (times in the desk's zone ``tz``): every text escaped."""

    def when(moment: datetime) -> str:
        return (moment.astimezone(tz) if tz else moment).strftime("%Y-%m-%d %H:%M")

    muted = scheme.colours().muted
    rows = []
    for name in ("affected_business", "symptom", "root_cause", "temporary_solution",
                 "long_term_solution", "prevention"):
        zh = knowledge.FIELD_LABELS[name][0]
        rows.append(f"<tr><td style='color:{muted}; white-space:nowrap; padding-right:8px'>"
                    f"{_e(tr(zh))}</td><td>{_multiline(getattr(entry, name))}</td></tr>")
    attachments = "、".join(_e(a) for a in entry.attachments) or _e(tr("无"))
    history = "".join(
        f"<li>{_e(when(rev.at))} {_e(rev.by)}："
        + "；".join(f"{_e(tr(knowledge.FIELD_LABELS.get(k, (k, k))[0]))} "
                   f"“{_e(str(rev.before.get(k, ''))[:60])}” → “{_e(str(v)[:60])}”"
                   for k, v in rev.after.items())
        + "</li>" for rev in entry.revisions)
    return (
        f"<h3>{_e(entry.title)}</h3>"
        f"<p style='color:{muted}'>{_e(tr('故障编号'))} {_e(entry.ticket_number)} · "
        f"{_e(tr_label(entry.fault_type.label_zh))} · {_e(tr('版本'))} {entry.version}</p>"
        f"<table cellspacing='4'>{''.join(rows)}"
        f"<tr><td style='color:{muted}'>{_e(tr('附件'))}</td><td>{attachments}</td></tr></table>"
        f"<p style='color:{muted}'>{_e(tr('建立'))} {_e(when(entry.created_at))} "
        f"{_e(entry.created_by)}；{_e(tr('最后修改'))} {_e(when(entry.updated_at))} "
        f"{_e(entry.updated_by)}</p>"
        + (f"<p><b>{_e(tr('修改历史'))}</b></p><ul>{history}</ul>" if history else "")
    )


class EntryEditDialog(QDialog):
    """Edit an entry's wording; the save carries the version it was read at."""

    saved = Signal(object)

    def __init__(self, db: Database, entry: EntryView, person: PersonView,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("kbEditDialog")
        self.setWindowTitle(self.tr("修改知识库条目"))
        self.db = db
        self.entry = entry
        self.person = person
        self.saving = False
        self.resize(620, 640)
        layout = QVBoxLayout(self)
        form = QFormLayout()
        self.fields: dict[str, QLineEdit | QPlainTextEdit | QComboBox] = {}
        for name in knowledge.EDITABLE:
            zh = knowledge.FIELD_LABELS[name][0]
            widget: QLineEdit | QPlainTextEdit | QComboBox
            if name == "fault_type":
                widget = QComboBox()
                for t in FaultType:
                    widget.addItem(f"{t.value}  {tr_label(t.label_zh)}", t.value)
                widget.setCurrentIndex(widget.findData(entry.fault_type.value))
            elif name in ("title", "affected_business"):
                widget = QLineEdit(getattr(entry, name))
            else:
                widget = QPlainTextEdit(getattr(entry, name))
                widget.setMinimumHeight(56)
            widget.setObjectName(f"kbEdit_{name}")
            self.fields[name] = widget
            form.addRow(self.tr(zh), widget)
        layout.addLayout(form)
        self.error = QLabel()
        self.error.setObjectName("kbEditError")
        self.error.setStyleSheet(scheme.css("bad"))
        self.error.setWordWrap(True)
        layout.addWidget(self.error)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.setObjectName("kbEditButtons")
        self.save_button = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        self.save_button.setObjectName("kbEditSave")
        self.save_button.setText(self.tr("保存"))
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("取消"))
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)

    def changes(self) -> dict[str, Any]:
        values: dict[str, Any] = {}
        for name, widget in self.fields.items():
            if isinstance(widget, QComboBox):
                value: Any = widget.currentData()
                current = self.entry.fault_type.value
            elif isinstance(widget, QLineEdit):
                value, current = widget.text(), getattr(self.entry, name)
            else:
                value, current = widget.toPlainText(), getattr(self.entry, name)
            if value != current:
                values[name] = value
        return values

    def save(self) -> None:
        if self.saving:
            return
        changes = self.changes()
        if not changes:
            self.accept()
            return
        self.saving = True
        self.save_button.setEnabled(False)
        self.error.clear()
        db, entry_id, actor, version = self.db, self.entry.id, self.person.id, self.entry.version
        tasks.run(lambda: knowledge.edit_entry(db, entry_id, actor, changes, version),
                  self._saved, self._failed)

    def _saved(self, entry: EntryView) -> None:
        if not isValid(self):
            return
        self.saving = False
        self.save_button.setEnabled(True)
        self.entry = entry
        self.saved.emit(entry)
        self.accept()

    def _failed(self, exc: BaseException) -> None:
        if not isValid(self):
            return
        self.saving = False
        self.save_button.setEnabled(True)
        if isinstance(exc, ConflictError):
            self.error.setText(str(exc) + self.tr("（您输入的内容仍保留在此，可复制后重新打开条目。）"))
        elif isinstance(exc, ValidationError | DeskError):
            self.error.setText(str(exc))
        else:
            self.error.setText(self.tr("保存失败（内部错误，已记录日志）：") + str(exc))


class KnowledgeBaseDialog(QDialog):
    """Search the knowledge base; show and (for leads) edit an entry."""

    searched = Signal(int)
    entry_shown = Signal(int)

    def __init__(self, db: Database, person: PersonView | None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("kbDialog")
        self.setWindowTitle(self.tr("知识库"))
        self.db = db
        self.person = person
        self.entry: EntryView | None = None
        self.tz: ZoneInfo | None = None
        self._searches = tasks.Latest(self)  # only the newest answer of each is shown
        self._entries = tasks.Latest(self)
        self.edit_dialog: EntryEditDialog | None = None
        self.resize(1080, 680)

        layout = QVBoxLayout(self)
        bar = QHBoxLayout()
        self.query = QLineEdit()
        self.query.setObjectName("kbSearch")
        self.query.setPlaceholderText(self.tr("搜索故障现象、原因、方案，例如：提交订单 500"))
        self.query.setClearButtonEnabled(True)
        self.fault_type = QComboBox()
        self.fault_type.setObjectName("kbType")
        self.fault_type.addItem(self.tr("全部类型"), None)
        for t in FaultType:
            self.fault_type.addItem(f"{t.value}  {tr_label(t.label_zh)}", t.value)
        self.business = QComboBox()
        self.business.setObjectName("kbBusiness")
        self.business.setEditable(True)
        self.business.setMinimumWidth(180)
        self.business.addItem("", "")
        self.business.lineEdit().setPlaceholderText(self.tr("全部业务"))
        self.search_button = QPushButton(self.tr("搜索"))
        self.search_button.setObjectName("kbSearchButton")
        bar.addWidget(QLabel(self.tr("关键词")))
        bar.addWidget(self.query, 1)
        bar.addWidget(self.fault_type)
        bar.addWidget(self.business)
        bar.addWidget(self.search_button)
        layout.addLayout(bar)
        self.status = QLabel(self.tr("输入关键词搜索已归档故障的经验（中文无需空格）。"))
        self.status.setObjectName("kbStatus")
        self.status.setStyleSheet(scheme.css("muted"))
        layout.addWidget(self.status)

        self.model = KBResultsModel(self)
        self.results = QListView()
        self.results.setObjectName("kbResults")
        self.results.setModel(self.model)
        self.results.setItemDelegate(RichTextDelegate(self.results))
        self.results.setUniformItemSizes(False)
        self.results.setWordWrap(True)
        self.results.setResizeMode(QListView.ResizeMode.Adjust)
        self.results.setAlternatingRowColors(True)
        self.results.setSpacing(1)
        self.results.setEditTriggers(QListView.EditTrigger.NoEditTriggers)
        self.results.selectionModel().currentChanged.connect(self._current_changed)

        right = QWidget()
        rlayout = QVBoxLayout(right)
        rlayout.setContentsMargins(0, 0, 0, 0)
        self.entry_view = QTextBrowser()
        self.entry_view.setObjectName("kbEntryView")
        self.entry_view.setOpenLinks(False)
        rlayout.addWidget(self.entry_view, 1)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        self.edit_button = QPushButton(self.tr("修改条目…"))
        self.edit_button.setObjectName("kbEditButton")
        self.edit_button.setEnabled(False)
        self.edit_button.setToolTip(self.tr("支持组长、技术总监或系统管理员可修改，修改历史会保留。"))
        self.edit_button.clicked.connect(self.edit_entry)
        buttons.addWidget(self.edit_button)
        rlayout.addLayout(buttons)

        split = QSplitter(Qt.Orientation.Horizontal)
        split.setObjectName("kbSplitter")
        split.addWidget(self.results)
        split.addWidget(right)
        split.setStretchFactor(0, 1)
        split.setStretchFactor(1, 1)
        split.setSizes([520, 540])
        layout.addWidget(split, 1)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.button(QDialogButtonBox.StandardButton.Close).setText(self.tr("关闭"))
        close.rejected.connect(self.reject)
        layout.addWidget(close)

        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(SEARCH_DELAY_MS)
        self.timer.timeout.connect(self.search)
        self.query.textChanged.connect(lambda _t: self.timer.start())
        self.query.returnPressed.connect(self.search)
        self.search_button.clicked.connect(self.search)
        self.fault_type.currentIndexChanged.connect(lambda _i: self.search())
        self.business.activated.connect(lambda _i: self.search())
        self.business.lineEdit().editingFinished.connect(self.search)
        self._load_businesses()

    def _load_businesses(self) -> None:
        db = self.db
        tasks.run(lambda: knowledge.businesses(db), self._businesses_loaded, lambda _e: None)

    def _businesses_loaded(self, names: list[str]) -> None:
        if not isValid(self):
            return
        current = self.business.currentText()
        self.business.blockSignals(True)
        for name in names:
            self.business.addItem(name, name)
        self.business.setEditText(current)
        self.business.blockSignals(False)

    def search(self) -> None:
        self.timer.stop()
        query = self.query.text()
        kind = self.fault_type.currentData()
        business = self.business.currentText().strip() or None
        if not query.strip() and not kind and not business:
            self._searches.cancel()  # an answer still on its way is for an old query
            self._searched([])
            return
        self.status.setText(self.tr("正在搜索…"))
        db = self.db
        self._searches.run(lambda: knowledge.search(db, query, kind, business),
                           self._searched, self._search_failed)

    def _searched(self, hits: list[KBHit]) -> None:
        self.model.set_hits(hits)
        if hits:
            self.status.setText(self.tr("找到 %n 条（按相关度排序）", "", len(hits)))
            self.results.setCurrentIndex(self.model.index(0, 0))
        elif self.query.text().strip():
            self.status.setText(self.tr("没有找到匹配的条目。"))
        else:
            self.status.setText(self.tr("输入关键词搜索已归档故障的经验（中文无需空格）。"))
        self.searched.emit(len(hits))

    def _search_failed(self, exc: BaseException) -> None:
        self.model.set_hits([])
        self.status.setText(self.tr("搜索失败：") + str(exc))
        self.searched.emit(0)

    def _current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        hit = current.data(HitRole) if current.isValid() else None
        if hit is not None:
            self.show_entry(hit.entry_id)

    def show_entry(self, entry_id: int) -> None:
        """Load an entry off the GUI thread and show it."""
        db = self.db
        self._entries.run(lambda: (knowledge.get_entry(db, entry_id), local_zone(db)),
                          lambda loaded: self._entry_loaded(*loaded), self._entry_failed)

    def _entry_loaded(self, entry: EntryView, tz: ZoneInfo | None) -> None:
        self.entry = entry
        self.tz = tz or self.tz
        self.entry_view.setHtml(entry_html(entry, self.tr, self.tz))
        self.edit_button.setEnabled(self.person is not None
                                    and knowledge.may_edit(self.person.roles))
        self.entry_shown.emit(entry.id)

    def _entry_failed(self, exc: BaseException) -> None:
        self.entry = None
        self.entry_view.setPlainText(str(exc))
        self.edit_button.setEnabled(False)

    def edit_entry(self) -> EntryEditDialog | None:
        if self.entry is None or self.person is None:
            return None
        dialog = EntryEditDialog(self.db, self.entry, self.person, self)
        dialog.saved.connect(self._entry_saved)
        self.edit_dialog = dialog
        dialog.open()
        return dialog

    def _entry_saved(self, entry: EntryView) -> None:
        self._entries.cancel()  # the saved entry is newer than any load on its way
        self._entry_loaded(entry, None)
        self.search()


class SimilarFaultDialog(QDialog):
    """A resolved fault that is not archived yet, or a known error (a problem): its
    phenomenon and solution."""

    def __init__(self, fault: SimilarFault, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("similarFaultDialog")
        self.setWindowTitle(fault.ticket_number)
        self.resize(520, 360)
        layout = QVBoxLayout(self)
        view = QTextBrowser()
        view.setObjectName("similarFaultView")
        state = self.tr("已知问题") if fault.problem_id is not None else self.tr("已解决，未归档")
        view.setHtml(
            f"<h3>{_e(fault.title)}</h3><p style='color:{scheme.colours().muted}'>{_e(fault.ticket_number)} · "
            f"{_e(tr_label(fault.fault_type.label_zh))} · {_e(state)}</p>"
            f"<p><b>{_e(self.tr('受影响业务'))}</b>：{_e(fault.affected_business)}</p>"
            f"<p><b>{_e(self.tr('故障现象'))}</b>：{_multiline(fault.phenomenon)}</p>"
            f"<p><b>{_e(self.tr('方案'))}</b>：{_multiline(fault.solution)}</p>")
        layout.addWidget(view)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.button(QDialogButtonBox.StandardButton.Close).setText(self.tr("关闭"))
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)


def show_similar_fault(parent: QWidget, db: Database, fault: SimilarFault) -> QDialog:
    """Open (non-blocking) the entry of a similar fault, or the fault itself."""
    dialog: QDialog
    if fault.entry_id is not None:
        kb = KnowledgeBaseDialog(db, None, parent)
        kb.query.setText("")
        kb.show_entry(fault.entry_id)
        dialog = kb
    else:
        dialog = SimilarFaultDialog(fault, parent)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.open()
    return dialog

