"""Issuing a notice from the preview: who it goes to (``IssueNoticeDialog``)."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import (
    QCoreApplication,
    Qt,
)
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from ui import scheme
from ui.document_menu import kind_label


def tr(text: str) -> str:
    return QCoreApplication.translate("Documents", text)



class IssueNoticeDialog(QDialog):
    """Who a notice goes to: the departments (ticked as suggested) and anyone else."""

    def __init__(self, kind: str, departments: Sequence[str], suggested: Sequence[str],
                 parent: QWidget | None = None, ask_summary: bool = False) -> None:
        super().__init__(parent)
        self.setObjectName("issueNotice")
        self.setWindowTitle((tr("签发") if kind == "start-notice" else tr("发送"))
                            + f"《{kind_label(kind)}》")
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(tr("发送对象（勾选部门）：")))
        self.list = QListWidget()
        self.list.setObjectName("recipientList")
        names = list(dict.fromkeys([*suggested, *departments]))
        for name in names:
            item = QListWidgetItem(name)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if name in suggested
                               else Qt.CheckState.Unchecked)
            self.list.addItem(item)
        self.list.setMaximumHeight(max(60, min(220, 24 * len(names) + 8)))
        layout.addWidget(self.list)
        layout.addWidget(QLabel(tr("其他发送对象（用“、”分隔）：")))
        self.other = QLineEdit()
        self.other.setObjectName("recipientOther")
        self.other.setPlaceholderText(tr("例如：客户服务部、总经理办公室"))
        layout.addWidget(self.other)
        # the completion notice says how the fault was handled: asked for here when the
        # ticket has no summary yet (it is otherwise written only at archive)
        self.summary_edit: QPlainTextEdit | None = None
        self.summary_error = QLabel()
        self.summary_error.setObjectName("summaryError")
        self.summary_error.setStyleSheet(scheme.css("bad"))
        self.summary_error.hide()
        if ask_summary:
            layout.addWidget(QLabel(tr("处理总结（将写入完成通知）：")))
            self.summary_edit = QPlainTextEdit()
            self.summary_edit.setObjectName("noticeSummary")
            self.summary_edit.setAccessibleName(tr("处理总结"))
            self.summary_edit.setPlaceholderText(tr("故障如何处理、结果如何"))
            self.summary_edit.setMinimumHeight(80)
            self.summary_edit.textChanged.connect(self._summary_typed)
            layout.addWidget(self.summary_edit)
            layout.addWidget(self.summary_error)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        self.ok_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setObjectName("issueOk")
        self.ok_button.setText(tr("签发") if kind == "start-notice" else tr("发送"))
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(tr("取消"))
        buttons.accepted.connect(self._accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.resize(420, self.sizeHint().height())

    def _summary_typed(self) -> None:
        if self.summary_edit is not None and self.summary_edit.toPlainText().strip():
            self.summary_error.hide()  # corrected: the error goes

    def _accept(self) -> None:
        if self.summary_edit is not None and not self.summary_edit.toPlainText().strip():
            self.summary_error.setText(tr("请填写处理总结：完成通知须写明故障如何处理、结果如何。"))
            self.summary_error.show()
            self.summary_edit.setFocus()
            return
        self.accept()

    def summary(self) -> str | None:
        """The 处理总结 typed here (None when it was not asked for)."""
        return None if self.summary_edit is None else self.summary_edit.toPlainText().strip()

    def recipients(self) -> list[str]:
        ticked = [self.list.item(i).text() for i in range(self.list.count())
                  if self.list.item(i).checkState() == Qt.CheckState.Checked]
        typed = [x.strip() for x in self.other.text().replace(",", "、").replace("，", "、")
                 .replace(";", "、").replace("；", "、").split("、")]
        return list(dict.fromkeys([*ticked, *(x for x in typed if x)]))
