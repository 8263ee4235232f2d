"""Pull…: a reference checked as it is typed, and what the pull would cost before any byte moves."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QCompleter, QDialog, QDialogButtonBox, QLabel, QLineEdit, QVBoxLayout, QWidget

from app.engine.errors import EngineError
from app.engine.pulls import LocalLayers, PullPreview, preview_pull
from app.engine.reference import InvalidReference, parse_reference
from app.qt.operations import OperationRunner

PREVIEW_DELAY_MS = 500  # wait for a pause in typing before asking the registry


class PullDialog(QDialog):
    def __init__(self, runner: OperationRunner, known_tags: list[str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("pullDialog")
        self.setWindowTitle("Pull an image")
        self.resize(560, 220)
        self._runner = runner
        self._local_layers = LocalLayers()
        self.reference = QLineEdit(self)
        self.reference.setObjectName("pullReference")
        self.reference.setPlaceholderText("eris/ipfs:latest, or registry.example.com:5000/team/image:tag")
        completer = QCompleter(sorted(set(known_tags)), self)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        self.reference.setCompleter(completer)
        self.problem = QLabel(self)
        self.problem.setObjectName("pullProblem")
        self.problem.setWordWrap(True)
        self.problem.setStyleSheet("color: #b3261e;")
        self.preview = QLabel(self)
        self.preview.setObjectName("pullPreview")
        self.preview.setWordWrap(True)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel, self)
        self.pull_button = self.buttons.addButton("Pull", QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("Image", self))
        layout.addWidget(self.reference)
        layout.addWidget(self.problem)
        layout.addWidget(self.preview, 1)
        layout.addWidget(self.buttons)
        self.known_sizes: dict[str, int] = {}
        self._preview_timer = QTimer(self)
        self._preview_timer.setSingleShot(True)
        self._preview_timer.setInterval(PREVIEW_DELAY_MS)
        self._preview_timer.timeout.connect(self._ask_preview)
        self.reference.textChanged.connect(self._changed)
        self.finished.connect(lambda _code: self._runner.cancel_slot("pull-preview"))
        self._changed()

    def image(self) -> str:
        return self.reference.text().strip()

    def _changed(self) -> None:
        """Validate with Docker's grammar as the person types; a valid name is previewed after a pause."""
        self.known_sizes = {}
        self.preview.setText("")
        self._runner.cancel_slot("pull-preview")
        text = self.image()
        try:
            parse_reference(text)
        except InvalidReference as error:
            self.problem.setText(error.message if text else "")
            self.pull_button.setEnabled(False)
            self._preview_timer.stop()
            return
        self.problem.setText("")
        self.pull_button.setEnabled(True)
        self._preview_timer.start()

    def _ask_preview(self) -> None:
        image, endpoint, layers = self.image(), self._runner.endpoint, self._local_layers
        self.preview.setText("Asking the registry what this pull would download…")
        self._runner.call(lambda: preview_pull(endpoint, image, local_layers=layers), "Could not preview the pull",
                          self._previewed, self._preview_failed, slot="pull-preview")

    def _previewed(self, preview: PullPreview) -> None:
        self.known_sizes = dict(preview.known_sizes)
        self.preview.setText(preview.sentence())

    def _preview_failed(self, error: EngineError) -> None:
        # A preview is a nicety: the pull itself may still work (a registry without the v2 API, a login).
        self.preview.setText(f"No preview: {error.why or error.what}")
