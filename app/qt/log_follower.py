"""Follows one container's log on a worker thread and hands lines to the GUI in throttled batches."""

from __future__ import annotations

import threading
from collections import deque

from PySide6.QtCore import QObject, QTimer, Signal

from app.engine.connection import Endpoint, open_client
from app.engine.details import LogStream
from app.engine.errors import EngineError, translate

FLUSH_MS = 50  # at most 20 updates a second reach the view
MAX_PENDING_LINES = 20_000  # a chatty container drops its oldest unseen lines, not our memory


class LogFollower(QObject):
    lines = Signal(list)  # list[str], on the GUI thread
    failed = Signal(object)  # EngineError
    ended = Signal()

    def __init__(self, endpoint: Endpoint, key: str, *, timestamps: bool, tail: int, follow: bool = True,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._endpoint = endpoint
        self._key = key
        self._timestamps = timestamps
        self._tail = tail
        self._follow = follow
        self._pending: deque[str] = deque(maxlen=MAX_PENDING_LINES)
        self._lock = threading.Lock()
        self._stream: LogStream | None = None
        self._error: EngineError | None = None
        self._done = threading.Event()
        self._stopped = False
        self._thread = threading.Thread(target=self._read, name=f"logs-{key[:12]}", daemon=True)
        self._timer = QTimer(self)
        self._timer.setInterval(FLUSH_MS)
        self._timer.timeout.connect(self._flush)

    def start(self) -> None:
        self._timer.start()
        self._thread.start()

    def stop(self) -> None:
        """Stop following; nothing more is emitted after this returns."""
        self._stopped = True
        self._timer.stop()
        stream = self._stream
        if stream is not None:
            stream.close()
        # Not longer: a stream still being opened ends by itself, and nothing it reads reaches the view.
        self._thread.join(0.2)

    def is_alive(self) -> bool:
        return self._thread.is_alive()

    def _read(self) -> None:
        try:
            api = open_client(self._endpoint)
        except EngineError as error:
            self._error = error
            self._done.set()
            return
        try:
            self._stream = LogStream(api, self._key, timestamps=self._timestamps, tail=self._tail,
                                     follow=self._follow)
            if self._stopped:
                return
            for line in self._stream.lines():
                with self._lock:
                    self._pending.append(line)
                if self._stopped:
                    return
        except Exception as error:  # noqa: BLE001 - shown in the log view
            self._error = translate(error, "The container's log stopped", self._endpoint.display_address)
        finally:
            api.close()
            self._done.set()

    def _flush(self) -> None:
        with self._lock:
            batch = list(self._pending)
            self._pending.clear()
        if batch and not self._stopped:
            self.lines.emit(batch)
        if self._done.is_set() and not self._pending:
            self._timer.stop()
            if self._stopped:
                return
            if self._error is not None:
                self.failed.emit(self._error)
            else:
                self.ended.emit()
