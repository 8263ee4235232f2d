"""A transfer rate that a person can read: smoothed, so it neither flickers nor lags far behind."""

from __future__ import annotations

from collections.abc import Callable

SAMPLE_SECONDS = 0.5  # shorter samples only measure how the engine batches its lines
SMOOTHING = 0.3  # weight of the newest sample: about the last three seconds matter


class MovingRate:
    """Bytes per second as an exponentially weighted moving average of per-sample rates.

    Feed it the running byte count whenever it changes; the clock is injected
    so that tests can walk time forward by hand.
    """

    def __init__(self, clock: Callable[[], float]) -> None:
        self._clock = clock
        self._last_time: float | None = None
        self._last_count = 0
        self._rate: float | None = None

    @property
    def rate(self) -> float | None:
        return self._rate

    def add(self, count: int) -> None:
        now = self._clock()
        if self._last_time is None:
            self._last_time, self._last_count = now, count
            return
        elapsed = now - self._last_time
        if elapsed < SAMPLE_SECONDS:
            return
        # A count that went down (a download restarted) is a new baseline, not negative speed.
        sample = max(0, count - self._last_count) / elapsed
        self._rate = sample if self._rate is None else SMOOTHING * sample + (1 - SMOOTHING) * self._rate
        self._last_time, self._last_count = now, count
