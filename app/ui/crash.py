"""An unhandled exception, on the GUI thread or a worker, becomes a dialog and a log entry; the app goes on."""

from __future__ import annotations

import logging
import sys
import threading
import traceback
from pathlib import Path
from types import TracebackType

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QMessageBox, QWidget

log = logging.getLogger(__name__)


class CrashReporter(QObject):
    _report = Signal(str)  # queued to the GUI thread whichever thread failed

    def __init__(self, log_path: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._log_path = log_path
        self._parent = parent
        self._report.connect(self._show)
        self._previous = (sys.excepthook, threading.excepthook)
        self.shown: list[str] = []

    def install(self) -> None:
        sys.excepthook = self._excepthook
        threading.excepthook = self._thread_excepthook

    def uninstall(self) -> None:
        sys.excepthook, threading.excepthook = self._previous

    def _excepthook(self, kind: type[BaseException], error: BaseException, trace: TracebackType | None) -> None:
        details = "".join(traceback.format_exception(kind, error, trace))
        log.error("unhandled exception\n%s", details)
        self._report.emit(details)

    def _thread_excepthook(self, args: threading.ExceptHookArgs) -> None:
        if args.exc_value is None:
            return
        self._excepthook(args.exc_type, args.exc_value, args.exc_traceback)

    def _show(self, details: str) -> None:
        self.shown.append(details)
        box = QMessageBox(self._parent)
        box.setObjectName("crashDialog")
        box.setIcon(QMessageBox.Icon.Critical)
        box.setWindowTitle("Eris Desktop: something went wrong")
        box.setText("Something went wrong inside Eris Desktop. It keeps running, but the last action may not "
                    "have finished.")
        box.setInformativeText(f"The details are in the log: {self._log_path}\nPlease include them when you report "
                               "the problem.")
        box.setDetailedText(details)
        box.open()
