"""Asking for a new service's name and image, checked as they are typed, before the editor opens."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.services.definition import ServiceDefinition, ServiceSpec
from app.services.home import services_folder
from app.services.validation import definition_problems
from app.ui.definition_text import new_definition_text


class NewServiceDialog(QDialog):
    """Asks for a service name and an image reference, checked as they are typed."""

    def __init__(self, folder: Path | None = None, images: Sequence[str] = (), image: str = "",
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("newServiceDialog")
        self.setWindowTitle("New service")
        self.folder = folder if folder is not None else services_folder()
        self.name_field = QLineEdit(self)
        self.name_field.setObjectName("newServiceName")
        self.name_field.setPlaceholderText("e.g. ipfs")
        self.image_field = QComboBox(self)
        self.image_field.setObjectName("newServiceImage")
        self.image_field.setEditable(True)
        self.image_field.addItems(sorted(set(images)))
        self.image_field.setEditText(image)
        image_edit = self.image_field.lineEdit()
        if image_edit is not None:
            image_edit.setPlaceholderText("e.g. eris/ipfs:latest or quay.io/eris/keys:0.12")
        self.problem = QLabel(self)
        self.problem.setObjectName("newServiceProblem")
        self.problem.setWordWrap(True)
        self.problem.setStyleSheet("color: #c0392b;")
        intro = QLabel("The service runs this image; the editor opens next with a definition to finish.", self)
        intro.setWordWrap(True)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel,
                                        self)
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        assert ok is not None
        self.ok_button: QPushButton = ok
        self.ok_button.setText("Continue")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        form = QFormLayout()
        form.addRow("Name", self.name_field)
        form.addRow("Image", self.image_field)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.problem)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(460)
        self.name_field.textChanged.connect(self._check)
        self.image_field.editTextChanged.connect(self._check)
        self._check()

    def name(self) -> str:
        return self.name_field.text().strip()

    def image(self) -> str:
        return self.image_field.currentText().strip()

    @property
    def path(self) -> Path:
        return self.folder / f"{self.name()}.toml"

    def problems(self) -> list[str]:
        """Why the name and image cannot be used, in the core's own words; empty when they can."""
        name, image = self.name(), self.image()
        if not name and not image:
            return [""]  # nothing typed yet: nothing to complain about, nothing to continue with
        checked = ServiceDefinition(name=name or "unnamed", service=ServiceSpec(image=image))
        reasons = [problem.message for problem in definition_problems(checked)]
        if not name:
            reasons.insert(0, "Give the service a name.")
        elif self.path.exists():
            reasons.insert(0, f"{self.path.name} already exists in {self.folder}; edit it instead.")
        return reasons

    def _check(self) -> None:
        reasons = self.problems()
        self.problem.setText("\n".join(f"• {reason}" for reason in reasons if reason))
        self.ok_button.setEnabled(not reasons)

    def definition_text(self) -> str:
        return new_definition_text(self.name(), self.image())
