"""Help → About: what this is, and the versions a bug report needs, with a button to copy them."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app import APP_NAME
from app.about import About, collect
from app.engine.connection import EngineInfo
from app.resources import app_icon_pixmap

TAGLINE = "Run eris services on Docker, point and click."
ICON_SIZE = 96


class AboutDialog(QDialog):
    """The versions of the app, Qt, PySide6, the docker SDK, Python and, if connected, the engine."""

    def __init__(self, engine: EngineInfo | None = None, parent: QWidget | None = None,
                 about: About | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("aboutDialog")
        self.setWindowTitle(f"About {APP_NAME}")
        self.about = about or collect(engine=engine)

        picture = QLabel(self)
        picture.setObjectName("aboutIcon")
        picture.setPixmap(app_icon_pixmap(ICON_SIZE))
        picture.setAlignment(Qt.AlignmentFlag.AlignTop)
        title = QLabel(f"<h2 style='margin:0'>{APP_NAME}</h2>", self)
        version = QLabel(f"Version {self.about.app}", self)
        version.setObjectName("aboutVersion")
        tagline = QLabel(TAGLINE, self)
        licence = QLabel("Free software under the MIT licence.", self)
        licence.setEnabled(False)  # drawn in the palette's quieter colour
        heading = QVBoxLayout()
        for label in (title, version, tagline, licence):
            heading.addWidget(label)
        heading.addStretch(1)
        top = QHBoxLayout()
        top.addWidget(picture)
        top.addSpacing(12)
        top.addLayout(heading, 1)

        self.values: dict[str, QLabel] = {}
        versions = QWidget(self)
        versions.setObjectName("aboutVersions")
        form = QFormLayout(versions)
        form.setContentsMargins(0, 8, 0, 0)
        for name, value in self.about.rows():
            shown = QLabel(value, versions)
            shown.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            shown.setWordWrap(True)
            self.values[name] = shown
            form.addRow(f"{name}:", shown)

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        close = buttons.button(QDialogButtonBox.StandardButton.Close)
        close.setDefault(True)  # Enter closes; copying is a deliberate click
        self.copy_button = QPushButton("Copy versions", self)
        self.copy_button.setAutoDefault(False)
        self.copy_button.setObjectName("copyVersionsButton")
        self.copy_button.setToolTip("Copy these versions as text, e.g. for a bug report")
        buttons.addButton(self.copy_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.copy_button.clicked.connect(self.copy_versions)
        buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(versions)
        layout.addWidget(buttons)
        self.setMinimumWidth(480)

    def copy_versions(self) -> None:
        QGuiApplication.clipboard().setText(self.about.as_text())
        self.copy_button.setText("Copied")
