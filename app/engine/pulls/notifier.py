"""Delivers a pull manager's news to its listener: in order, one call at a time, progress throttled.

Workers only post news and never wait for the listener, so a slow view cannot
slow a download, and the listener is never called twice at once. Progress is
coalesced per pull: at most ``changes_per_second`` calls, the latest state
always delivered (at the latest one interval after it happened, and always
before the pull is reported finished).
"""

from __future__ import annotations

import logging
import threading
import time
from collections import deque
from collections.abc import Callable
from typing import Protocol

from app.engine.pulls.pull import Pull

log = logging.getLogger(__name__)


class PullListener(Protocol):
    """Called on the manager's notifier thread, never concurrently, never with the manager's lock held."""

    def pull_added(self, pull: Pull) -> None: ...
    def pull_changed(self, pull: Pull) -> None: ...
    def pull_finished(self, pull: Pull) -> None: ...
    def pull_removed(self, pull: Pull) -> None: ...


class Notifier:
    def __init__(self, listener: PullListener, changes_per_second: float = 30.0) -> None:
        self._listener = listener
        self._interval = 1.0 / changes_per_second
        self._wake = threading.Condition()
        self._news: deque[tuple[str, Pull]] = deque()
        self._changed: dict[Pull, None] = {}  # pulls with undelivered progress, in order of change
        self._last_batch = float("-inf")  # when progress last went out
        self._stopping = False
        self._idle = True
        self._thread = threading.Thread(target=self._run, name="pull-notifier", daemon=True)
        self._thread.start()

    def post(self, kind: str, pull: Pull) -> None:
        """``kind``: "added", "finished" or "removed"; delivered in the order posted."""
        with self._wake:
            self._news.append((kind, pull))
            self._wake.notify()

    def changed(self, pull: Pull) -> None:
        with self._wake:
            self._changed[pull] = None
            self._wake.notify()

    def flush(self, timeout: float = 5.0) -> bool:
        """Wait until everything posted so far was delivered (for tests and orderly shutdown)."""
        deadline = time.monotonic() + timeout
        with self._wake:
            while self._news or self._changed or not self._idle:
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self._wake.wait(min(left, self._interval))
        return True

    def stop(self, timeout: float = 5.0) -> None:
        self.flush(timeout)
        with self._wake:
            self._stopping = True
            self._wake.notify()
        self._thread.join(timeout)

    def _call(self, method: Callable[[Pull], None], pull: Pull) -> None:
        try:
            method(pull)
        except Exception:  # a broken view must not stop the news for the others
            log.exception("pull listener failed in %s", getattr(method, "__name__", method))

    def _due(self, now: float) -> tuple[list[tuple[str, Pull]], list[Pull], float | None]:
        """Under the lock: news to deliver now, progress to deliver now, and when the next progress falls due."""
        news = list(self._news)
        self._news.clear()
        ending = {pull for kind, pull in news if kind in ("finished", "removed")}
        # One budget for the listener (a view), not one per pull: four pulls at once still
        # reach it at most ``changes_per_second`` times, each time with every pull's latest state.
        next_time = self._last_batch + self._interval
        if next_time <= now:
            due = list(self._changed)
            self._changed.clear()
            return news, due, None
        due = [pull for pull in self._changed if pull in ending]
        for pull in due:
            del self._changed[pull]
        return news, due, (next_time - now) if self._changed else None

    def _run(self) -> None:
        while True:
            with self._wake:
                self._idle = True
                self._wake.notify_all()
                while not self._news and not self._changed and not self._stopping:
                    self._wake.wait()
                if self._stopping and not self._news and not self._changed:
                    return
                news, due, wait = self._due(time.monotonic())
                self._idle = not news and not due
                if self._idle:
                    self._wake.wait(wait)  # only throttled progress is pending: sleep until it is due
                    continue
            self._deliver(news, due)

    def _deliver_change(self, pull: Pull) -> None:
        self._call(self._listener.pull_changed, pull)

    def _deliver(self, news: list[tuple[str, Pull]], due: list[Pull]) -> None:
        undelivered = list(due)
        for kind, pull in news:
            if kind == "added":
                self._call(self._listener.pull_added, pull)
                continue
            # The last progress happened before the end: deliver it first.
            if pull in undelivered:
                undelivered.remove(pull)
                self._deliver_change(pull)
            if kind == "finished":
                self._call(self._listener.pull_finished, pull)
            else:
                self._call(self._listener.pull_removed, pull)
        if undelivered:
            self._last_batch = time.monotonic()
        for pull in undelivered:
            self._deliver_change(pull)
