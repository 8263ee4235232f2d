"""The services pane's dialogs: a confirmation with a tick box, a command's output, a followed log."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QMessageBox,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from app.qt.operations import OperationRunner
from app.qt.services_model import ServiceRow
from app.ui.log_view import LogView


def names_of(rows: list[ServiceRow]) -> str:
    """The rows' service names for a question: the first six, then how many more."""
    names = [row.name for row in rows]
    return ", ".join(names[:6]) + (f" and {len(names) - 6} more" if len(names) > 6 else "")


@dataclass(frozen=True)
class Question:
    """A confirmation with an optional tick box, answered as (confirmed, ticked)."""

    title: str
    text: str
    detail: str
    action_label: str
    tick: str = ""  # the tick box's words; no box when empty
    object_name: str = "confirmDialog"


def ask(parent: QWidget | None, question: Question) -> tuple[bool, bool]:
    box = QMessageBox(parent)
    box.setObjectName(question.object_name)
    box.setIcon(QMessageBox.Icon.Question)
    box.setWindowTitle(question.title)
    box.setText(question.text)
    box.setInformativeText(question.detail)
    tick: QCheckBox | None = None
    if question.tick:
        tick = QCheckBox(question.tick, box)
        tick.setObjectName(f"{question.object_name}Tick")
        box.setCheckBox(tick)
    accept = box.addButton(question.action_label, QMessageBox.ButtonRole.DestructiveRole)
    box.addButton(QMessageBox.StandardButton.Cancel)
    box.setDefaultButton(QMessageBox.StandardButton.Cancel)
    box.exec()
    return box.clickedButton() is accept, bool(tick and tick.isChecked())


class TextDialog(QDialog):
    """Read-only text in a window of its own (a command's output)."""

    def __init__(self, title: str, heading: str, text: str, parent: QWidget | None = None,
                 object_name: str = "execOutputDialog") -> None:
        super().__init__(parent)
        self.setObjectName(object_name)
        self.setWindowTitle(title)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.resize(720, 420)
        self.heading = QLabel(heading, self)
        self.heading.setWordWrap(True)
        self.output = QPlainTextEdit(self)
        self.output.setObjectName("execOutput")
        self.output.setReadOnly(True)
        self.output.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        font = self.output.font()
        font.setFamily("monospace")
        self.output.setFont(font)
        self.output.setPlainText(text)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addWidget(self.output, 1)
        layout.addWidget(buttons)


class LogsDialog(QDialog):
    """A service container's log, followed live in a window of its own."""

    def __init__(self, runner: OperationRunner, row: ServiceRow, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("serviceLogsDialog")
        self.setWindowTitle(f"Log of {row.name} ({row.status.container})")
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.resize(900, 520)
        self.service = row.name
        self.log_view = LogView(self)
        layout = QVBoxLayout(self)
        layout.addWidget(self.log_view)
        self.log_view.show_container(runner.endpoint, row.status.container_id)
        self.finished.connect(lambda _result: self.log_view.stop())
