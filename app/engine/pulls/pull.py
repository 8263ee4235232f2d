"""One entry in the list of pulls: what is pulled, how far it got, how it ended."""

from __future__ import annotations

import itertools
import time
from collections.abc import Mapping
from enum import Enum

from app.engine.errors import EngineError
from app.engine.pulls.progress import PullProgress
from app.engine.reference import ImageReference

_serial = itertools.count(1)


class PullState(str, Enum):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"
    CANCELLED = "cancelled"

    @property
    def finished(self) -> bool:
        return self in (PullState.DONE, PullState.FAILED, PullState.CANCELLED)


def waiting_progress(phase: str) -> PullProgress:
    return PullProgress(
        phase=phase, done_bytes=0, total_bytes=0, fraction=None, rate=None, eta=None, waiting_for_size=0, saved_bytes=0
    )


class Pull:
    """A pull as the list shows it. Read it from any thread; only the manager changes it.

    Each field is replaced whole (the progress is an immutable snapshot), so a
    reader never sees half an update.
    """

    def __init__(self, reference: ImageReference, known_sizes: Mapping[str, int] | None = None) -> None:
        self.id = next(_serial)
        self.reference = reference
        self.known_sizes: Mapping[str, int] = dict(known_sizes or {})
        self.state = PullState.QUEUED
        self.progress = waiting_progress("Waiting to start")
        self.error: EngineError | None = None
        self.attempt = 1
        self.queued_at = time.time()
        self.started_at: float | None = None
        self.finished_at: float | None = None

    @property
    def name(self) -> str:
        """The image as people write it (eris/ipfs:latest)."""
        return self.reference.familiar

    @property
    def finished(self) -> bool:
        return self.state.finished

    @property
    def phase(self) -> str:
        """One line for the list: the progress phase, or how it ended."""
        if self.state is PullState.FAILED and self.error is not None:
            return self.error.what
        if self.state is PullState.CANCELLED:
            return "Cancelled"
        return self.progress.phase

    def _reset_for_retry(self) -> None:
        self.state = PullState.QUEUED
        self.progress = waiting_progress("Waiting to start again")
        self.error = None
        self.attempt += 1
        self.queued_at = time.time()
        self.started_at = self.finished_at = None

    def __repr__(self) -> str:
        return f"<Pull {self.id} {self.name} {self.state.value}>"
