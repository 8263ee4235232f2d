"""The definition editor: a form for the common keys beside the raw TOML, kept in step both ways.

Typing in the text updates the form and the list of problems (with line numbers) a
moment later; editing the form rewrites only the key it changed, with tomlkit, so
every comment and the rest of the layout stay as the person wrote them. Save is
possible whenever the text can be read at all (values validation flags are saved,
and shown as "definition invalid" in the view); it writes atomically with a backup.

"New service…" asks for a name and an image reference (``NewServiceDialog``, in
new_service_dialog) and opens the editor on a generated definition.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QTextCursor
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QGroupBox,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from app.services.definition import ServiceDefinition
from app.services.errors import DefinitionError, Problem, ServiceError
from app.services.parsing import parse_text
from app.services.store import save_text
from app.services.validation import Catalog, check_text
from app.ui.code_edit import CodeEdit
from app.ui.definition_form import DefinitionForm
from app.ui.definition_text import FORM_KEYS, apply_form_value
from app.ui.errors import show_error

CHECK_DELAY_MS = 150  # typing pauses this long before the text is checked and the form follows


class ServiceEditor(QDialog):
    """Edits one definition file (``path``); ``text`` starts a new file instead of reading it."""

    saved = Signal(object)  # the Path written

    def __init__(self, path: Path, text: str | None = None, parent: QWidget | None = None, *,
                 catalog: Catalog | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("serviceEditor")
        self.path = path
        # The other definitions, to check dependencies against (a file alone cannot tell).
        self.catalog = catalog
        self.is_new = text is not None
        self.setWindowTitle(f"New service: {path.name}" if self.is_new else f"Edit {path.name}")
        self.resize(1080, 680)
        self.definition: ServiceDefinition | None = None
        self.errors: list[DefinitionError] = []
        self._original = text if text is not None else path.read_text(encoding="utf-8")
        self._text_from_form = False  # the text was rewritten by the form: the form need not follow it
        self._writing = False  # the form is rewriting the text right now
        self.ask_discard: Callable[[], bool] = self._ask_discard  # replaceable where no person can click

        self._build()
        self._check_timer = QTimer(self)
        self._check_timer.setSingleShot(True)
        self._check_timer.setInterval(CHECK_DELAY_MS)
        self._check_timer.timeout.connect(self.check_now)
        self.text_edit.setPlainText(self._original)
        self.text_edit.document().setModified(self.is_new)
        self.text_edit.textChanged.connect(self._text_changed)
        self.check_now()

    # -- building

    def _build(self) -> None:
        self.form = DefinitionForm(self)
        self.form.edited.connect(self._form_edited)
        # The fields stay reachable from the editor, as before the form became a widget of its own.
        form = self.form
        self.fields = form.fields
        self.name_field, self.image_field, self.command_field = form.name_field, form.image_field, form.command_field
        self.ports_field, self.environment_field = form.ports_field, form.environment_field
        self.volumes_field, self.dependencies_field = form.volumes_field, form.dependencies_field
        self.data_field, self.restart_field, self.form_note = form.data_field, form.restart_field, form.form_note

        text_box = QGroupBox(f"{self.path.name} (TOML)" if self.path.suffix.lower() != ".json" else self.path.name,
                             self)
        self.text_edit = CodeEdit(text_box)
        self.text_edit.setObjectName("definitionText")
        self.text_edit.setAccessibleName("Definition text")
        text_layout = QVBoxLayout(text_box)
        text_layout.addWidget(self.text_edit)

        splitter = QSplitter(Qt.Orientation.Horizontal, self)
        splitter.addWidget(self.form)
        splitter.addWidget(text_box)
        splitter.setStretchFactor(0, 2)
        splitter.setStretchFactor(1, 3)
        splitter.setSizes([430, 650])

        self.summary = QLabel(self)
        self.summary.setObjectName("definitionSummary")
        self.summary.setWordWrap(True)
        self.errors_list = QListWidget(self)
        self.errors_list.setObjectName("definitionErrors")
        self.errors_list.setAccessibleName("Problems in the definition")
        self.errors_list.setMaximumHeight(110)
        self.errors_list.setWordWrap(True)
        self.errors_list.itemActivated.connect(self._error_chosen)
        self.errors_list.itemClicked.connect(self._error_chosen)

        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel,
                                        self)
        save = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        assert save is not None
        self.save_button: QPushButton = save
        self.save_button.setObjectName("saveButton")
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(splitter, 1)
        layout.addWidget(self.summary)
        layout.addWidget(self.errors_list)
        layout.addWidget(self.buttons)

    # -- reading and writing the form

    def field_value(self, name: str) -> Any:
        return self.form.field_value(name)

    def _form_edited(self, name: str) -> None:
        form_key = next(key for key in FORM_KEYS if key.name == name)
        text = apply_form_value(self.text(), self.path.suffix, form_key, self.field_value(name))
        if text is None or text == self.text():
            return
        self._replace_text(text)

    def _replace_text(self, text: str) -> None:
        """Put ``text`` in the editor as one undoable step, keeping the scroll position."""
        scroll = self.text_edit.verticalScrollBar().value()
        cursor = QTextCursor(self.text_edit.document())
        cursor.beginEditBlock()
        cursor.select(QTextCursor.SelectionType.Document)
        self._writing = True
        try:
            cursor.insertText(text)
            cursor.endEditBlock()
        finally:
            self._writing = False
        self.text_edit.verticalScrollBar().setValue(scroll)

    # -- checking the text

    def text(self) -> str:
        return self.text_edit.toPlainText()

    def _text_changed(self) -> None:
        # The last change decides: the person typing after the form wrote wants the form to follow.
        self._text_from_form = self._writing
        self._check_timer.start()

    def check_now(self) -> None:
        """Check the text now: the problems list, the form, and whether Save can be pressed."""
        self._check_timer.stop()
        from_form, self._text_from_form = self._text_from_form, False
        definition, errors = check_text(self.text(), self.path)
        if definition is not None:
            errors += self._dependency_errors(definition)
        self.definition, self.errors = definition, errors
        readable = definition is not None
        if readable and not from_form:
            assert definition is not None
            self.form.fill(definition)
        self.form.set_readable(readable)
        self.save_button.setEnabled(readable)
        self._show_errors(readable)

    def _dependency_errors(self, definition: ServiceDefinition) -> list[DefinitionError]:
        """Dependencies on services no other file defines, or whose file has errors, with their lines."""
        if self.catalog is None or not definition.dependencies.services:
            return []
        broken = self.catalog.invalid()
        problems: list[Problem] = []
        for index, dependency in enumerate(definition.dependencies.services):
            name = dependency.name
            if name == definition.name:
                reason = f'"{name}" is this service itself; a service cannot depend on itself'
            elif not name or name in self.catalog.definitions:
                continue
            elif name in broken:
                reason = f'depends on "{name}", whose definition has errors'
            else:
                reason = f'depends on "{name}", but no file in services/ defines it'
            problems.append(Problem(("dependencies", "services", index), reason, str(dependency)))
        if not problems:
            return []
        try:
            parsed = parse_text(self.text(), self.path)
        except DefinitionError:
            return []
        return [parsed.error(problem) for problem in problems]

    def _show_errors(self, readable: bool) -> None:
        self.errors_list.clear()
        for error in self.errors:
            where = f"Line {error.line}" if error.line is not None else "The file"
            key = f", {error.key}" if error.key else ""
            item = QListWidgetItem(f"{where}{key}: {error.reason}")
            item.setData(Qt.ItemDataRole.UserRole, error.line)
            item.setToolTip(error.message)
            self.errors_list.addItem(item)
        self.text_edit.mark_lines([error.line for error in self.errors if error.line is not None])
        if not readable:
            self.summary.setText("The text cannot be read as a definition; fix it to save. "
                                 "The form follows once it can be read.")
            self.summary.setStyleSheet("color: #c0392b;")
            self.form_note.setText("The form is paused until the text can be read.")
        elif self.errors:
            count = len(self.errors)
            self.summary.setText(f"{count} problem{'s' if count > 1 else ''}: the service cannot start until "
                                 f"{'they are' if count > 1 else 'it is'} fixed. You can still save.")
            self.summary.setStyleSheet("color: #a66f00;")
            self.form_note.setText("")
        else:
            self.summary.setText("No problems found.")
            self.summary.setStyleSheet("color: #2e7d46;")
            self.form_note.setText("Other keys are kept as they are in the text.")
        self.errors_list.setVisible(bool(self.errors))

    def _error_chosen(self, item: QListWidgetItem) -> None:
        line = item.data(Qt.ItemDataRole.UserRole)
        if isinstance(line, int):
            self.text_edit.go_to_line(line)

    # -- saving and leaving

    def is_modified(self) -> bool:
        return self.is_new or self.text() != self._original

    def save(self) -> bool:
        """Write the text (atomically, keeping a backup); False, with the reason shown, if it cannot be."""
        self.check_now()
        if self.definition is None:
            return False
        try:
            save_text(self.path, self.text())
        except ServiceError as error:
            show_error(self, error)
            return False
        self._original = self.text()
        self.is_new = False
        self.saved.emit(self.path)
        self.accept()
        return True

    def _ask_discard(self) -> bool:
        answer = QMessageBox.question(
            self, "Discard changes?", f"Your changes to {self.path.name} have not been saved.",
            QMessageBox.StandardButton.Discard | QMessageBox.StandardButton.Cancel, QMessageBox.StandardButton.Cancel)
        return answer == QMessageBox.StandardButton.Discard

    def reject(self) -> None:
        if self.is_modified() and self.text().strip() and not self.ask_discard():
            return
        super().reject()
