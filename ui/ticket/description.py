"""二、故障详细描述: the phenomenon, how to reproduce it, and the attachments (附加信息).

The attachments' row holds ``ui.attachments.AttachmentPanel`` for the ticket shown,
made when a ticket and a person are known and dropped when the ticket goes.

Signals:
    attachments_changed: a file was attached or removed (the ticket's version moved on).
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, Signal
from PySide6.QtWidgets import QFormLayout, QLabel, QVBoxLayout, QWidget

from desk.process.people import PersonView
from ui.ticket.form import RecordSection, Row, row_spec


def tr(text: str) -> str:
    return QCoreApplication.translate("TicketPanel", text)


class DescriptionSection(RecordSection):
    """Section 二 of the record table (``sectionDescription``), with the attachments."""

    TITLE = "二、故障详细描述"
    OBJECT_NAME = "sectionDescription"
    ROWS: list[Row] = [
        row_spec("phenomenon", "故障现象", "text", 84), row_spec("reproduce_steps", "复现操作步骤", "text", 84),
        row_spec("attachments", "附加信息", "attachments"),
    ]

    attachments_changed = Signal()

    attachment_panel: QWidget | None = None

    def _add_row(self, form: QFormLayout, row: Row) -> None:
        if row.kind != "attachments":
            super()._add_row(form, row)
            return
        self.attachment_panel = None
        self.attachment_host = QWidget()
        self.attachment_host.setObjectName("attachmentHost")
        self.attachment_layout = QVBoxLayout(self.attachment_host)
        self.attachment_layout.setContentsMargins(0, 0, 0, 0)
        self.attachment_hint = QLabel()
        self.attachment_hint.setObjectName("attachmentHint")
        self.attachment_layout.addWidget(self.attachment_hint)
        form.addRow(tr(row.label), self.attachment_host)

    def make_attachments(self, ticket_id: int, person: PersonView | None) -> None:
        """Show the attachments of a ticket (a hint instead while nobody is chosen)."""
        from ui.attachments import AttachmentPanel

        self.drop_attachments()
        if person is None:
            self.attachment_hint.setText(tr("请先选择当前人员。"))
            self.attachment_hint.show()
            return
        self.attachment_hint.hide()
        panel = AttachmentPanel(self.db, ticket_id, person.id)
        panel.changed.connect(self.attachments_changed)
        self.attachment_layout.addWidget(panel)
        panel.show()  # not left to the layout's queued show: visible as soon as shown
        self.attachment_panel = panel

    def drop_attachments(self) -> None:
        panel = self.attachment_panel
        self.attachment_panel = None
        if panel is not None:
            panel.shutdown()  # type: ignore[attr-defined]
            self.attachment_layout.removeWidget(panel)
            panel.hide()
            panel.deleteLater()
