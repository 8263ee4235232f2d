"""Honest progress for one pull, from the stream's events.

Per layer: its phase and its download and extract bytes. For the whole image:
Σ current / Σ known total, saying how many layers still wait for their size
(the engine tells a layer's size only when its download starts), layers that
are already here counted as done and as bytes saved, a fraction that never goes
backwards, and rate and ETA from a moving average.

The fraction counts each layer's download and its extraction as two equal
halves (the engine measures both in compressed bytes), so the bar reaches the
end when the image is ready, not when the last byte arrived.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from enum import Enum

from app.engine.pulls.layers import FINISHED, RANK, LayerPhase, LayerProgress, LayerState, layer_bytes
from app.engine.pulls.rate import MovingRate
from app.engine.pulls.stream import PullEvent


class Outcome(str, Enum):
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


@dataclass(frozen=True)
class PullProgress:
    """A snapshot of a pull that a view can render as it is."""

    phase: str
    done_bytes: int  # downloaded so far, of the layers that need downloading
    total_bytes: int  # Σ of the sizes known so far
    fraction: float | None  # 0..1, never lower than before; None until any size is known
    rate: float | None  # bytes per second, moving average
    eta: float | None  # seconds; None while unknown
    waiting_for_size: int  # layers still to download whose size the engine has not said yet
    saved_bytes: int  # of layers already here, where their size is known
    layers: tuple[LayerProgress, ...] = ()
    outcome: Outcome = Outcome.RUNNING
    error: str | None = None  # the engine's words when it failed
    digest: str | None = None
    heard_at: float | None = None  # the tracker's clock at the stream's last line: a quiet stream shows as such

    @property
    def layers_done(self) -> int:
        return sum(1 for layer in self.layers if layer.finished)

    @property
    def layers_already_here(self) -> int:
        return sum(1 for layer in self.layers if layer.already_here)


@dataclass
class PullTracker:
    """Folds events into a picture of the pull; not thread-safe (one reader thread feeds it).

    ``known_sizes`` maps short layer ids to compressed sizes (from a preview) so
    that layers already here count as saved bytes and layers waiting count
    towards the total from the start.
    """

    known_sizes: Mapping[str, int] = field(default_factory=dict)
    clock: Callable[[], float] = time.monotonic
    _layers: dict[str, LayerState] = field(default_factory=dict)
    _shown_fraction: float | None = None
    _outcome: Outcome = Outcome.RUNNING
    _error: str | None = None
    _final_status: str = ""
    _started: str = ""
    _digest: str | None = None
    _heard_at: float | None = None
    _download_rate: MovingRate = field(init=False)
    _work_rate: MovingRate = field(init=False)

    def __post_init__(self) -> None:
        self._download_rate = MovingRate(self.clock)
        self._work_rate = MovingRate(self.clock)

    @property
    def outcome(self) -> Outcome:
        return self._outcome

    @property
    def error(self) -> str | None:
        return self._error

    def apply(self, event: PullEvent) -> None:
        if self._outcome is not Outcome.RUNNING:
            return  # nothing after the end changes it
        self._heard_at = self.clock()
        if event.is_error:
            self._outcome, self._error = Outcome.FAILED, event.error
        elif event.subject is not None:
            self._started = event.status
        elif event.layer is None:
            self._apply_image_status(event.status)
        else:
            self._apply_layer(event)
        self._sample()

    def fail(self, message: str) -> None:
        """The pull ended for a reason outside the stream (cancelled, connection lost)."""
        if self._outcome is Outcome.RUNNING:
            self._outcome, self._error = Outcome.FAILED, message

    def _apply_image_status(self, status: str) -> None:
        if status.startswith("Digest: "):
            self._digest = status.removeprefix("Digest: ").strip()
        elif status.startswith("Status: "):
            # "Status: Downloaded newer image for x" or "Status: Image is up to date for x".
            self._final_status = status.removeprefix("Status: ").split(" for ")[0].strip()
            self._outcome = Outcome.DONE
            for layer in self._layers.values():
                if not layer.finished:
                    layer.phase = LayerPhase.PULL_COMPLETE

    def _apply_layer(self, event: PullEvent) -> None:
        assert event.layer is not None
        layer = self._layers.get(event.layer)
        if layer is None:
            layer = self._layers[event.layer] = LayerState(event.layer)
        layer.apply(event)

    # -- the aggregate

    def _size_of(self, layer: LayerState) -> int | None:
        return layer.size if layer.size is not None else self.known_sizes.get(layer.layer_id)

    def _to_download(self) -> list[LayerState]:
        return [layer for layer in self._layers.values() if layer.phase is not LayerPhase.ALREADY_EXISTS]

    def _totals(self) -> tuple[int, int, int, int, int]:
        """done bytes, known total, work done, known work, layers waiting for their size.

        A layer whose size the engine never said (a fast download can skip straight to
        "Download complete") still weighs on the bar, as much as the average sized layer,
        so that one sized layer at 100 % does not make the whole pull look finished.
        """
        done = total = work_done = work_total = waiting = 0
        unsized: list[LayerState] = []
        for layer in self._to_download():
            size = self._size_of(layer)
            if size is None:
                if layer.phase not in FINISHED and RANK[layer.phase] < RANK[LayerPhase.VERIFYING]:
                    waiting += 1
                unsized.append(layer)
                continue
            downloaded, extracted = layer_bytes(layer.phase, layer.download_current, layer.extract_current, size)
            done += downloaded
            total += size
            work_done += downloaded + extracted
            work_total += 2 * size
        sized = len(self._to_download()) - len(unsized)
        weight = total // sized if sized else 0
        for layer in unsized:
            work_total += 2 * weight
            work_done += weight * self._unsized_progress(layer)
        return done, total, work_done, work_total, waiting

    @staticmethod
    def _unsized_progress(layer: LayerState) -> int:
        """0, 1 or 2 halves (download, extraction) of an unsized layer, by its phase."""
        if layer.phase in FINISHED:
            return 2
        return 1 if RANK[layer.phase] >= RANK[LayerPhase.VERIFYING] else 0

    def _sample(self) -> None:
        done, _total, work_done, _work_total, _waiting = self._totals()
        self._download_rate.add(done)
        self._work_rate.add(work_done)

    def _fraction(self, work_done: int, work_total: int) -> float | None:
        if self._outcome is Outcome.DONE:
            self._shown_fraction = 1.0
        elif work_total > 0:
            fraction = min(1.0, work_done / work_total)
            # A newly known size lowers Σdone/Σtotal; the bar holds still instead of jumping back.
            self._shown_fraction = max(fraction, self._shown_fraction or 0.0)
        return self._shown_fraction

    def snapshot(self) -> PullProgress:
        done, total, work_done, work_total, waiting = self._totals()
        fraction = self._fraction(work_done, work_total)
        running = self._outcome is Outcome.RUNNING
        rate = self._download_rate.rate if running else None
        eta: float | None = None
        work_rate = self._work_rate.rate
        if running and waiting == 0 and work_total > 0 and work_rate:
            eta = max(0.0, work_total - work_done) / work_rate
        elif self._outcome is Outcome.DONE:
            eta = 0.0
        ordered = tuple(layer.frozen() for layer in self._layers.values())
        saved = sum(self.known_sizes.get(layer.layer_id, 0) for layer in ordered if layer.already_here)
        return PullProgress(
            phase=self._phase_text(ordered, waiting),
            done_bytes=done,
            total_bytes=total,
            fraction=fraction,
            rate=rate,
            eta=eta,
            waiting_for_size=waiting,
            saved_bytes=saved,
            layers=ordered,
            outcome=self._outcome,
            error=self._error,
            digest=self._digest,
            heard_at=self._heard_at,
        )

    def _phase_text(self, layers: tuple[LayerProgress, ...], waiting: int) -> str:
        if self._outcome is Outcome.FAILED:
            return "Failed"
        if self._outcome is Outcome.DONE:
            return self._final_status or "Done"
        if not layers:
            return self._started or "Starting"
        retrying = [layer.retry_in for layer in layers if layer.retry_in is not None]
        if retrying:
            return f"A download failed; the engine retries in {min(retrying)} s"
        # A layer already here is a layer done: "2 of 4 done (1 already here)".
        here = sum(1 for layer in layers if layer.already_here)
        to_fetch = [layer for layer in layers if not layer.already_here]
        notes = [f"{here} already here"] if here else []
        downloaded = sum(1 for layer in to_fetch if RANK[layer.phase] >= RANK[LayerPhase.DOWNLOAD_COMPLETE])
        if downloaded < len(to_fetch):
            notes += [f"{waiting} waiting for size"] if waiting else []
            return f"Downloading layers: {here + downloaded} of {len(layers)} done" + _in_brackets(notes)
        extracted = sum(1 for layer in to_fetch if layer.finished)
        return f"Extracting layers: {here + extracted} of {len(layers)} done" + _in_brackets(notes)


def _in_brackets(notes: list[str]) -> str:
    return f" ({', '.join(notes)})" if notes else ""
