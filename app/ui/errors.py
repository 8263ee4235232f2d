"""The default way a failed action reaches the person: a dialog that says what, why and what next."""

from __future__ import annotations

from PySide6.QtWidgets import QMessageBox, QWidget

from app.engine.errors import EngineError


def show_error(parent: QWidget | None, error: EngineError) -> None:
    box = QMessageBox(parent)
    box.setObjectName("errorDialog")
    box.setIcon(QMessageBox.Icon.Warning)
    box.setWindowTitle("Eris Desktop")
    box.setText(error.what if error.what.endswith(".") else error.what + ".")
    box.setInformativeText(" ".join(part for part in (error.why, error.hint) if part))
    box.setStandardButtons(QMessageBox.StandardButton.Ok)
    box.open()  # not exec(): the event loop, and the live views, keep running


def confirm(parent: QWidget | None, title: str, text: str, detail: str, action_label: str) -> bool:
    box = QMessageBox(parent)
    box.setObjectName("confirmDialog")
    box.setIcon(QMessageBox.Icon.Question)
    box.setWindowTitle(title)
    box.setText(text)
    box.setInformativeText(detail)
    accept = box.addButton(action_label, QMessageBox.ButtonRole.DestructiveRole)
    box.addButton(QMessageBox.StandardButton.Cancel)
    box.setDefaultButton(QMessageBox.StandardButton.Cancel)
    box.exec()
    return box.clickedButton() is accept
