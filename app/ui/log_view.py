"""A container's log: follow, timestamps, search, and a bounded buffer."""

from __future__ import annotations

from PySide6.QtGui import QTextCursor, QTextDocument
from PySide6.QtWidgets import (
    QCheckBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.engine.connection import Endpoint
from app.engine.errors import EngineError
from app.qt.log_follower import LogFollower

MAX_LINES = 5_000  # the view keeps the newest lines; older ones scroll away for good
TAIL_LINES = 500


class LogView(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("logView")
        self.text = QPlainTextEdit(self)
        self.text.setObjectName("logText")
        self.text.setAccessibleName("Container log")
        self.text.setReadOnly(True)
        self.text.setMaximumBlockCount(MAX_LINES)
        self.text.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        font = self.text.font()
        font.setFamily("monospace")
        self.text.setFont(font)
        self.follow_box = QCheckBox("Follow", self)
        self.follow_box.setChecked(True)
        self.timestamps_box = QCheckBox("Timestamps", self)
        self.search_box = QLineEdit(self)
        self.search_box.setPlaceholderText("Search the log…")
        self.search_box.setClearButtonEnabled(True)
        self.search_box.setAccessibleName("Search the log")
        self.search_box.returnPressed.connect(self.find_next)
        self.next_button = QPushButton("Next", self)
        self.next_button.clicked.connect(self.find_next)
        self.previous_button = QPushButton("Previous", self)
        self.previous_button.clicked.connect(lambda: self.find_next(backward=True))
        self.state_label = QLabel(self)
        self.state_label.setStyleSheet("color: palette(mid);")

        bar = QHBoxLayout()
        bar.addWidget(self.follow_box)
        bar.addWidget(self.timestamps_box)
        bar.addWidget(self.search_box, 1)
        bar.addWidget(self.previous_button)
        bar.addWidget(self.next_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(bar)
        layout.addWidget(self.text, 1)
        layout.addWidget(self.state_label)

        self._endpoint: Endpoint | None = None
        self._key = ""
        self._follower: LogFollower | None = None
        self.follow_box.toggled.connect(self._restart)
        self.timestamps_box.toggled.connect(self._restart)

    def show_container(self, endpoint: Endpoint | None, key: str) -> None:
        if endpoint == self._endpoint and key == self._key:
            return
        self._endpoint, self._key = endpoint, key
        self._restart()

    def _restart(self) -> None:
        self.stop()
        self.text.clear()
        if self._endpoint is None or not self._key:
            self.state_label.setText("Select a container to see its log.")
            return
        follow = self.follow_box.isChecked()
        self.state_label.setText("Following…" if follow else f"The last {TAIL_LINES} lines.")
        self._follower = LogFollower(self._endpoint, self._key, timestamps=self.timestamps_box.isChecked(),
                                     tail=TAIL_LINES, follow=follow, parent=self)
        self._follower.lines.connect(self._append)
        self._follower.failed.connect(self._failed)
        self._follower.ended.connect(lambda: self.state_label.setText("The log ended (the container stopped)."
                                                                      if follow else self.state_label.text()))
        self._follower.start()

    def stop(self) -> None:
        follower, self._follower = self._follower, None
        if follower is not None:
            follower.stop()
            follower.deleteLater()

    def clear(self) -> None:
        self.show_container(None, "")

    def _append(self, lines: list[str]) -> None:
        scrollbar = self.text.verticalScrollBar()
        at_bottom = scrollbar.value() >= scrollbar.maximum() - 2
        self.text.appendPlainText("\n".join(lines))
        if at_bottom:
            scrollbar.setValue(scrollbar.maximum())

    def _failed(self, error: EngineError) -> None:
        self.state_label.setText(error.message)

    def find_next(self, backward: bool = False) -> bool:
        needle = self.search_box.text()
        if not needle:
            return False
        flags = QTextDocument.FindFlag.FindBackward if backward else QTextDocument.FindFlag(0)
        if self.text.find(needle, flags):
            return True
        cursor = self.text.textCursor()  # wrap around once
        cursor.movePosition(QTextCursor.MoveOperation.End if backward else QTextCursor.MoveOperation.Start)
        self.text.setTextCursor(cursor)
        found = self.text.find(needle, flags)
        self.state_label.setText("" if found else f"“{needle}” is not in the log.")
        return found
