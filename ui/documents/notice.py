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
    QVBoxLayout,
    QWidget,
)

from ui.document_menu import kind_label


def tr(text: str) -> str:
    return QCoreApplication.translate("Documents", text)



class IssueNoticeDialog(QDialog):
    """Who a notice goes to: the departments (ticked as suggested) and anyone else."""

    def __init__(self, kind: str, departments: Sequence[str], suggested: Sequence[str],
                 parent: QWidget | None = None) -> None:
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
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        self.ok_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setObjectName("issueOk")
        self.ok_button.setText(tr("签发") if kind == "start-notice" else tr("发送"))
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(tr("取消"))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.resize(380, self.sizeHint().height())

    def recipients(self) -> list[str]:
        ticked = [self.list.item(i).text() for i in range(self.list.count())
                  if self.list.item(i).checkState() == Qt.CheckState.Checked]
        typed = [x.strip() for x in self.other.text().replace(",", "、").replace("，", "、")
                 .replace(";", "、").replace("；", "、").split("、")]
        return list(dict.fromkeys([*ticked, *(x for x in typed if x)]))
