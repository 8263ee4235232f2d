"""A TrackerListener that remembers what it was told, for tests to wait on."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from app.engine.rows import Kind, Row
from app.engine.tracker import ConnectionState, Status


class Recorder:
    def __init__(self) -> None:
        self.states: list[ConnectionState] = []
        self.rows: dict[Kind, dict[str, Row]] = {kind: {} for kind in Kind}
        self.calls = 0
        self._changed = threading.Condition()

    def _record(self, update: Callable[[], None]) -> None:
        with self._changed:
            update()
            self.calls += 1
            self._changed.notify_all()

    def connection_changed(self, state: ConnectionState) -> None:
        self._record(lambda: self.states.append(state))

    def rows_listed(self, kind: Kind, rows: list[Row]) -> None:
        self._record(lambda: self.rows.__setitem__(kind, {row.key: row for row in rows}))

    def rows_changed(self, kind: Kind, rows: list[Row]) -> None:
        self._record(lambda: self.rows[kind].update({row.key: row for row in rows}))

    def rows_removed(self, kind: Kind, keys: list[str]) -> None:
        def remove() -> None:
            for key in keys:
                self.rows[kind].pop(key, None)

        self._record(remove)

    def wait_for(self, predicate: Callable[[], bool], timeout: float = 15.0, what: str = "") -> None:
        deadline = time.monotonic() + timeout
        with self._changed:
            while not predicate():
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(f"timed out waiting for {what or predicate}")
                self._changed.wait(left)

    def status(self) -> Status | None:
        return self.states[-1].status if self.states else None
