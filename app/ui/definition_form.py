"""The form beside the definition text: one field for each of the common keys (see definition_text)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QCheckBox, QComboBox, QFormLayout, QGroupBox, QLabel, QLineEdit, QPlainTextEdit, QWidget

from app.services.definition import ServiceDefinition
from app.ui.definition_text import form_values, split_lines

FormField = QLineEdit | QPlainTextEdit | QCheckBox | QComboBox


class DefinitionForm(QGroupBox):
    """The common keys as fields; ``edited`` names the field the person changed."""

    edited = Signal(str)  # a FormKey's name; not sent while the form is filled from the text

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Common keys", parent)
        self.fields: dict[str, FormField] = {}
        self._filling = False  # the form is being filled from the text: its edits are not the person's
        form = QFormLayout(self)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.name_field = self._line("name", "a name for the service and its containers")
        self.image_field = self._line("image", "e.g. eris/ipfs:latest")
        self.ports_field = self._lines("ports", "one per line: 4001, 4001:4001 or 127.0.0.1:4001:4001")
        self.environment_field = self._lines("environment", "one per line: NAME=value")
        self.volumes_field = self._lines("volumes", "one per line: /in/container or /host:/in/container")
        self.data_field = QCheckBox("Keep the service's files in a data container", self)
        self.data_field.setObjectName("dataContainerField")
        self.data_field.toggled.connect(lambda _on: self._edited("data_container"))
        self.fields["data_container"] = self.data_field
        self.command_field = self._line("command", "the image's own command")
        self.restart_field = QComboBox(self)
        self.restart_field.setObjectName("restartField")
        self.restart_field.setEditable(True)
        self.restart_field.addItems(["", "always", "max:3"])
        line_edit = self.restart_field.lineEdit()
        if line_edit is not None:
            line_edit.setPlaceholderText("never (or always, max:N)")
        self.restart_field.editTextChanged.connect(lambda _text: self._edited("restart"))
        self.fields["restart"] = self.restart_field
        self.dependencies_field = self._lines("dependencies", "one per line: NAME, NAME:ALIAS or NAME:ALIAS:MODE")
        for label, field in (
            ("Name", self.name_field),
            ("Image", self.image_field),
            ("Ports", self.ports_field),
            ("Environment", self.environment_field),
            ("Volumes", self.volumes_field),
            ("Data", self.data_field),
            ("Command", self.command_field),
            ("Restart", self.restart_field),
            ("Depends on", self.dependencies_field),
        ):
            form.addRow(label, field)
        self.form_note = QLabel(self)
        self.form_note.setObjectName("formNote")
        self.form_note.setWordWrap(True)
        self.form_note.setStyleSheet("color: palette(placeholder-text);")
        form.addRow(self.form_note)

    def _line(self, name: str, placeholder: str) -> QLineEdit:
        field = QLineEdit(self)
        field.setObjectName(f"{name}Field")
        field.setPlaceholderText(placeholder)
        field.textEdited.connect(lambda _text: self._edited(name))
        self.fields[name] = field
        return field

    def _lines(self, name: str, placeholder: str) -> QPlainTextEdit:
        field = QPlainTextEdit(self)
        field.setObjectName(f"{name}Field")
        field.setPlaceholderText(placeholder)
        field.setTabChangesFocus(True)
        field.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        lines = 3
        field.setFixedHeight(field.fontMetrics().lineSpacing() * lines + 14)
        field.textChanged.connect(lambda: self._edited(name))
        self.fields[name] = field
        return field

    def _edited(self, name: str) -> None:
        if not self._filling:
            self.edited.emit(name)

    def field_value(self, name: str) -> Any:
        field = self.fields[name]
        if isinstance(field, QCheckBox):
            return field.isChecked()
        if isinstance(field, QComboBox):
            return field.currentText().strip()
        if isinstance(field, QPlainTextEdit):
            return split_lines(field.toPlainText())
        return field.text().strip()

    def _show_value(self, name: str, value: Any) -> None:
        if self.field_value(name) == value:
            return  # leave the field (and its cursor) alone
        field = self.fields[name]
        if isinstance(field, QCheckBox):
            field.setChecked(bool(value))
        elif isinstance(field, QComboBox):
            field.setEditText(str(value))
        elif isinstance(field, QPlainTextEdit):
            field.setPlainText("\n".join(value))
        else:
            field.setText(str(value))

    def fill(self, definition: ServiceDefinition) -> None:
        """Show ``definition``'s values without sending ``edited``."""
        self._filling = True
        try:
            for name, value in form_values(definition).items():
                self._show_value(name, value)
        finally:
            self._filling = False

    def set_readable(self, readable: bool) -> None:
        for field in self.fields.values():
            field.setEnabled(readable)
