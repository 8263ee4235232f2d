"""The engine's connection state in words: a banner over the views and labels in the status bar."""

from __future__ import annotations

from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QStatusBar, QWidget

from app.engine.tracker import ConnectionState, Status
from app.qt.icons import state_icon

STATUS_WORDS = {
    Status.CONNECTING: "Connecting…",
    Status.CONNECTED: "Connected",
    Status.LOST: "Engine unreachable",
    Status.STOPPED: "Not connected",
}


class EngineBanner(QFrame):
    """Says, in place of a traceback, why there is nothing to show and what to do."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("engineBanner")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setStyleSheet("#engineBanner { background: #fff4e5; border: 1px solid #f0b46c; border-radius: 4px; }"
                           "#engineBanner QLabel { color: #5a3a00; }")
        self.icon = QLabel(self)
        self.text = QLabel(self)
        self.text.setWordWrap(True)
        self.text.setObjectName("engineBannerText")
        layout = QHBoxLayout(self)
        layout.addWidget(self.icon)
        layout.addWidget(self.text, 1)
        self.hide()

    def show_state(self, state: ConnectionState) -> None:
        if state.status is Status.CONNECTED:
            self.hide()
            return
        self.icon.setPixmap(state_icon(state.status.value).pixmap(16, 16))
        if state.status is Status.LOST and state.error is not None:
            error = state.error
            lines = [f"<b>Cannot reach the Docker Engine at {state.address}.</b>"]
            lines += [part for part in (error.why, error.hint) if part]
            lines.append(f"Trying again in {state.retry_in:g} s.")
            self.text.setText("<br>".join(lines))
        elif state.status is Status.CONNECTING:
            self.text.setText(f"Connecting to the Docker Engine at {state.address}…")
        else:
            self.text.setText("Not connected to a Docker Engine.")
        self.show()


class EngineStatusBar(QStatusBar):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("statusBar")
        self.state_icon = QLabel(self)
        self.state_label = QLabel(self)
        self.state_label.setObjectName("connectionState")
        self.address_label = QLabel(self)
        self.address_label.setObjectName("engineAddress")
        self.version_label = QLabel(self)
        self.version_label.setObjectName("engineVersion")
        self.addPermanentWidget(self.address_label)
        self.addPermanentWidget(self.version_label)
        self.addPermanentWidget(self.state_icon)
        self.addPermanentWidget(self.state_label)

    def show_state(self, state: ConnectionState) -> None:
        self.state_icon.setPixmap(state_icon(state.status.value).pixmap(12, 12))
        self.state_label.setText(STATUS_WORDS[state.status])
        self.address_label.setText(state.address)
        if state.info is not None:
            info = state.info
            self.version_label.setText(f"Engine {info.server_version} · API {info.api_version} · {info.os}/{info.arch}")
        elif state.status is not Status.CONNECTING:
            self.version_label.setText("")
