"""The definition editor: a form for the common keys beside the raw TOML, kept in step both ways.

Typing in the text updates the form and the list of problems (with line numbers) a
moment later; editing the form rewrites only the key it changed, with tomlkit, so
every comment and the rest of the layout stay as the person wrote them. Save is
possible whenever the text can be read at all (values validation flags are saved,
and shown as "definition invalid" in the view); it writes atomically with a backup.

"New service…" asks for a name and an image reference (``NewServiceDialog``) and
opens the editor on a generated definition.
"""

from __future__ import annotations

import json
import shlex
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import tomlkit
import tomlkit.items
from PySide6.QtCore import QRect, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QFontDatabase, QPainter, QPaintEvent, QResizeEvent, QTextCursor, QTextFormat
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTextEdit,
    QVBoxLayout,
    QWidget,
)

from app.services.definition import ServiceDefinition, ServiceSpec
from app.services.errors import DefinitionError, Problem, ServiceError
from app.services.home import services_folder
from app.services.parsing import parse_text
from app.services.store import save_text
from app.services.validation import Catalog, check_text, definition_problems
from app.ui.errors import show_error

CHECK_DELAY_MS = 150  # typing pauses this long before the text is checked and the form follows
SPEC_URL = "https://monax.io/docs/documentation/cli/latest/services_specification/"
ERROR_LINE_COLOUR = "#f6d5d1"


# ---------------------------------------------------------------------- the keys the form edits


@dataclass(frozen=True)
class FormKey:
    """One key the form shows: where it lives in the file and how its value looks in a widget."""

    name: str  # the field's name, also the key's name in its table
    table: str  # "" for the top level, else "service" or "dependencies"
    key: str
    kind: str  # "text", "list" or "flag"


FORM_KEYS = (
    FormKey("name", "", "name", "text"),
    FormKey("image", "service", "image", "text"),
    FormKey("ports", "service", "ports", "list"),
    FormKey("environment", "service", "environment", "list"),
    FormKey("volumes", "service", "volumes", "list"),
    FormKey("data_container", "service", "data_container", "flag"),
    FormKey("command", "service", "command", "text"),
    FormKey("restart", "service", "restart", "text"),
    FormKey("dependencies", "dependencies", "services", "list"),
)


def form_values(definition: ServiceDefinition) -> dict[str, Any]:
    """What each form field shows for ``definition``."""
    spec = definition.service
    command = spec.command if isinstance(spec.command, str) else shlex.join(spec.command)
    return {
        "name": definition.name,
        "image": spec.image,
        "ports": list(spec.ports),
        "environment": list(spec.environment),
        "volumes": list(spec.volumes),
        "data_container": spec.data_container,
        "command": command,
        "restart": spec.restart,
        "dependencies": [str(dependency) for dependency in definition.dependencies.services],
    }


def _is_empty(value: Any) -> bool:
    return value in ("", False) or value == []


def _is_table(value: Any) -> bool:
    return isinstance(value, (dict, tomlkit.items.Table, tomlkit.items.InlineTable))


def _set(table: Any, key: str, value: Any) -> None:
    """Set a key that is there (even to empty: its comment stays); add a missing one only when not empty."""
    if key in table or not _is_empty(value):
        table[key] = value


def _apply(document: Any, form_key: FormKey, value: Any, *, new_table: Callable[[], Any]) -> bool:
    """Put one form value into a parsed document (tomlkit's or JSON's); False if the file's shape forbids it."""
    if form_key.name == "name":
        service = document.get("service")
        # The older style keeps the name inside [service]; a file written that way stays so.
        if "name" not in document and _is_table(service) and "name" in service:
            service["name"] = value
        else:
            _set(document, "name", value)
        return True
    table = document.get(form_key.table)
    if table is None:
        if _is_empty(value):
            return True
        table = new_table()
        document[form_key.table] = table
        table = document[form_key.table]
    if not _is_table(table):
        return False  # e.g. service = 3: the problems list says so; the form cannot fix it
    _set(table, form_key.key, value)
    return True


def apply_form_value(text: str, suffix: str, form_key: FormKey, value: Any) -> str | None:
    """``text`` with one key set to ``value``, everything else untouched; None if ``text`` cannot be read."""
    try:
        if suffix.lower() == ".json":
            data = json.loads(text)
            if not isinstance(data, dict) or not _apply(data, form_key, value, new_table=dict):
                return None
            return json.dumps(data, indent=2) + "\n"
        document = tomlkit.parse(text)
        if not _apply(document, form_key, value, new_table=tomlkit.table):
            return None
        return tomlkit.dumps(document)
    except Exception:  # noqa: BLE001 - unreadable text: the form waits until it is readable again
        return None


def new_definition_text(name: str, image: str) -> str:
    """A first definition for ``name`` running ``image``, with the usual keys to fill in as comments."""

    def quoted(value: str) -> str:
        return tomlkit.item(value).as_string()

    return (
        f"# {name}: made with Eris Desktop from the image {image}.\n"
        f"# Keys: {SPEC_URL}\n"
        "\n"
        f"name = {quoted(name)}\n"
        'description = ""\n'
        "\n"
        "[service]\n"
        f"image = {quoted(image)}\n"
        "data_container = true\n"
        '# ports = ["4001:4001"]\n'
        '# environment = ["NAME=value"]\n'
        '# command = "start --flag"\n'
        '# restart = "always"\n'
        "\n"
        "[dependencies]\n"
        '# services = ["keys"]\n'
    )


def _split_lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


# ---------------------------------------------------------------------- a text editor with line numbers


class _LineNumbers(QWidget):
    def __init__(self, editor: CodeEdit) -> None:
        super().__init__(editor)
        self._editor = editor

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt's name
        return QSize(self._editor.gutter_width(), 0)

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802
        self._editor.paint_gutter(event)


class CodeEdit(QPlainTextEdit):
    """Plain text with line numbers in a gutter and the lines that have problems tinted."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        font = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        self.setFont(font)
        self.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.setTabStopDistance(4 * self.fontMetrics().horizontalAdvance(" "))
        self._gutter = _LineNumbers(self)
        self._marked: list[int] = []
        self.blockCountChanged.connect(lambda _count: self._fit_gutter())
        self.updateRequest.connect(self._scroll_gutter)
        self._fit_gutter()

    def gutter_width(self) -> int:
        digits = len(str(max(1, self.blockCount())))
        return 12 + self.fontMetrics().horizontalAdvance("9") * max(2, digits)

    def _fit_gutter(self) -> None:
        self.setViewportMargins(self.gutter_width(), 0, 0, 0)

    def _scroll_gutter(self, rect: QRect, dy: int) -> None:
        if dy:
            self._gutter.scroll(0, dy)
        else:
            self._gutter.update(0, rect.y(), self._gutter.width(), rect.height())

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802
        super().resizeEvent(event)
        area = self.contentsRect()
        self._gutter.setGeometry(QRect(area.left(), area.top(), self.gutter_width(), area.height()))

    def paint_gutter(self, event: QPaintEvent) -> None:
        painter = QPainter(self._gutter)
        palette = self.palette()
        painter.fillRect(event.rect(), palette.alternateBase())
        block = self.firstVisibleBlock()
        number = block.blockNumber()
        top = round(self.blockBoundingGeometry(block).translated(self.contentOffset()).top())
        bottom = top + round(self.blockBoundingRect(block).height())
        height = self.fontMetrics().height()
        while block.isValid() and top <= event.rect().bottom():
            if block.isVisible() and bottom >= event.rect().top():
                marked = number + 1 in self._marked
                painter.setPen(QColor("#c0392b") if marked else palette.placeholderText().color())
                font = painter.font()
                font.setBold(marked)
                painter.setFont(font)
                painter.drawText(0, top, self._gutter.width() - 6, height, Qt.AlignmentFlag.AlignRight,
                                 str(number + 1))
            block = block.next()
            top = bottom
            bottom = top + round(self.blockBoundingRect(block).height())
            number += 1
        painter.end()

    def mark_lines(self, lines: Sequence[int]) -> None:
        """Tint these lines (numbered from 1); the others are plain."""
        self._marked = sorted(set(lines))
        selections = []
        for line in self._marked:
            block = self.document().findBlockByNumber(line - 1)
            if not block.isValid():
                continue
            selection = QTextEdit.ExtraSelection()
            selection.format.setBackground(QColor(ERROR_LINE_COLOUR))  # type: ignore[attr-defined]
            selection.format.setProperty(QTextFormat.Property.FullWidthSelection, True)  # type: ignore[attr-defined]
            cursor = QTextCursor(block)
            selection.cursor = cursor  # type: ignore[attr-defined]
            selections.append(selection)
        self.setExtraSelections(selections)
        self._gutter.update()

    def marked_lines(self) -> list[int]:
        return list(self._marked)

    def go_to_line(self, line: int) -> None:
        block = self.document().findBlockByNumber(max(0, line - 1))
        if block.isValid():
            self.setTextCursor(QTextCursor(block))
            self.centerCursor()
            self.setFocus()


# ---------------------------------------------------------------------- the editor


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
        self._syncing = False  # the form is being filled from the text: its edits are not the person's
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
        self.fields: dict[str, QLineEdit | QPlainTextEdit | QCheckBox | QComboBox] = {}
        form_box = QGroupBox("Common keys", self)
        form = QFormLayout(form_box)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.name_field = self._line("name", "a name for the service and its containers")
        self.image_field = self._line("image", "e.g. eris/ipfs:latest")
        self.ports_field = self._lines("ports", "one per line: 4001, 4001:4001 or 127.0.0.1:4001:4001")
        self.environment_field = self._lines("environment", "one per line: NAME=value")
        self.volumes_field = self._lines("volumes", "one per line: /in/container or /host:/in/container")
        self.data_field = QCheckBox("Keep the service's files in a data container", form_box)
        self.data_field.setObjectName("dataContainerField")
        self.data_field.toggled.connect(lambda _on: self._form_edited("data_container"))
        self.fields["data_container"] = self.data_field
        self.command_field = self._line("command", "the image's own command")
        self.restart_field = QComboBox(form_box)
        self.restart_field.setObjectName("restartField")
        self.restart_field.setEditable(True)
        self.restart_field.addItems(["", "always", "max:3"])
        line_edit = self.restart_field.lineEdit()
        if line_edit is not None:
            line_edit.setPlaceholderText("never (or always, max:N)")
        self.restart_field.editTextChanged.connect(lambda _text: self._form_edited("restart"))
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
        self.form_note = QLabel(form_box)
        self.form_note.setObjectName("formNote")
        self.form_note.setWordWrap(True)
        self.form_note.setStyleSheet("color: palette(placeholder-text);")
        form.addRow(self.form_note)

        text_box = QGroupBox(f"{self.path.name} (TOML)" if self.path.suffix.lower() != ".json" else self.path.name,
                             self)
        self.text_edit = CodeEdit(text_box)
        self.text_edit.setObjectName("definitionText")
        self.text_edit.setAccessibleName("Definition text")
        text_layout = QVBoxLayout(text_box)
        text_layout.addWidget(self.text_edit)

        splitter = QSplitter(Qt.Orientation.Horizontal, self)
        splitter.addWidget(form_box)
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

    def _line(self, name: str, placeholder: str) -> QLineEdit:
        field = QLineEdit(self)
        field.setObjectName(f"{name}Field")
        field.setPlaceholderText(placeholder)
        field.textEdited.connect(lambda _text: self._form_edited(name))
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
        field.textChanged.connect(lambda: self._form_edited(name))
        self.fields[name] = field
        return field

    # -- reading and writing the form

    def field_value(self, name: str) -> Any:
        field = self.fields[name]
        if isinstance(field, QCheckBox):
            return field.isChecked()
        if isinstance(field, QComboBox):
            return field.currentText().strip()
        if isinstance(field, QPlainTextEdit):
            return _split_lines(field.toPlainText())
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

    def _fill_form(self, definition: ServiceDefinition) -> None:
        self._syncing = True
        try:
            for name, value in form_values(definition).items():
                self._show_value(name, value)
        finally:
            self._syncing = False

    def _form_edited(self, name: str) -> None:
        if self._syncing:
            return
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
            self._fill_form(definition)
        for field in self.fields.values():
            field.setEnabled(readable)
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


# ---------------------------------------------------------------------- new service


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
