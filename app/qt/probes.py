"""Finding and probing engines off the GUI thread, each result delivered as soon as it is in."""

from __future__ import annotations

import threading
from collections.abc import Callable

from PySide6.QtCore import QObject, Signal

from app.hosts.candidate import Candidate
from app.hosts.candidates import find_candidates
from app.hosts.probe import ProbeResult, iter_probes
from app.hosts.profiles import ProfileStore


class ProbeSession(QObject):
    """One round of discovery: ``found`` with the candidates, ``result`` per probe, then ``finished``.

    A newer round replaces an older one; a cancelled round's signals are never emitted again.
    """

    found = Signal(list)  # list[Candidate]
    result = Signal(object)  # ProbeResult
    finished = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._cancelled = threading.Event()
        self._thread: threading.Thread | None = None

    def discover(self, store: ProfileStore | None = None) -> None:
        profiles = store.profiles if store is not None else []
        self._start(lambda: find_candidates(profiles=profiles))

    def probe(self, candidates: list[Candidate]) -> None:
        self._start(lambda: list(candidates))

    def _start(self, candidates: Callable[[], list[Candidate]]) -> None:
        self._thread = threading.Thread(target=self._run, args=(candidates,), name="engine-probes", daemon=True)
        self._thread.start()

    def _run(self, candidates: Callable[[], list[Candidate]]) -> None:
        try:
            found = candidates()
            if self._cancelled.is_set():
                return
            self.found.emit(found)
            for outcome in iter_probes(found):
                if self._cancelled.is_set():
                    return
                self.result.emit(outcome)
        finally:
            if not self._cancelled.is_set():
                self.finished.emit()

    def cancel(self) -> None:
        self._cancelled.set()

    def wait(self, timeout: float = 10.0) -> None:
        if self._thread is not None:
            self._thread.join(timeout)


__all__ = ["ProbeResult", "ProbeSession"]
