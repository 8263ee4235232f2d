"""The list of pulls, like a browser's downloads: queued, a few at a time, cancellable, retryable.

Plain threads, no Qt: one worker thread per running pull, one notifier thread
that tells the listener. The Qt layer turns the listener calls into signals; the
CLI and the tests listen directly.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Mapping

from app.engine.connection import Endpoint
from app.engine.errors import EngineError
from app.engine.pulls.errors import PullFailed
from app.engine.pulls.notifier import Notifier, PullListener
from app.engine.pulls.progress import PullProgress
from app.engine.pulls.pull import Pull, PullState, waiting_progress
from app.engine.pulls.worker import PullRun
from app.engine.reference import ImageReference, parse_reference

log = logging.getLogger(__name__)

DEFAULT_PARALLEL_PULLS = 3


class _SilentListener:
    def pull_added(self, pull: Pull) -> None: ...
    def pull_changed(self, pull: Pull) -> None: ...
    def pull_finished(self, pull: Pull) -> None: ...
    def pull_removed(self, pull: Pull) -> None: ...


class PullManager:
    def __init__(
        self,
        endpoint: Endpoint,
        listener: PullListener | None = None,
        *,
        max_parallel: int = DEFAULT_PARALLEL_PULLS,
        changes_per_second: float = 30.0,
        clock: Callable[[], float] = time.monotonic,
        give_up_when_registry_down: bool = True,
    ) -> None:
        self._endpoint = endpoint
        self._max_parallel = max(1, max_parallel)
        self._clock = clock
        self._give_up_when_registry_down = give_up_when_registry_down
        self._lock = threading.Lock()
        self._finished = threading.Condition(self._lock)
        self._pulls: list[Pull] = []
        self._runs: dict[Pull, PullRun] = {}
        self._threads: dict[Pull, threading.Thread] = {}
        self._leaving: set[Pull] = set()  # removed while running: off the list once stopped
        self._closed = False
        self._notifier = Notifier(listener or _SilentListener(), changes_per_second)

    # -- what a view reads

    @property
    def pulls(self) -> list[Pull]:
        with self._lock:
            return list(self._pulls)

    @property
    def max_parallel(self) -> int:
        return self._max_parallel

    @max_parallel.setter
    def max_parallel(self, value: int) -> None:
        with self._lock:
            self._max_parallel = max(1, value)
            self._start_queued()

    # -- what a person does

    def pull(self, image: str | ImageReference, known_sizes: Mapping[str, int] | None = None) -> Pull:
        """Queue a pull, or join the queued or running pull of the same image.

        Raises InvalidReference (before any request) when ``image`` is not an
        image name. ``known_sizes`` (short layer id → compressed size, from a
        preview) lets the progress count layers before the engine sizes them.
        """
        reference = image if isinstance(image, ImageReference) else parse_reference(image.strip())
        with self._lock:
            if self._closed:
                raise RuntimeError("the pull manager is closed")
            for pull in self._pulls:
                if pull.reference == reference and not pull.finished and pull not in self._leaving:
                    return pull
            pull = Pull(reference, known_sizes)
            self._pulls.append(pull)
            self._notifier.post("added", pull)
            self._start_queued()
        return pull

    def cancel(self, pull: Pull) -> None:
        """Stop a queued or running pull; it ends as cancelled. A finished pull stays as it is."""
        with self._lock:
            if pull.state is PullState.QUEUED:
                self._finish(pull, PullState.CANCELLED, None)
                return
            run = self._runs.get(pull)
        if run is not None:
            run.cancel()  # the worker sees it and reports the pull cancelled

    def retry(self, pull: Pull) -> Pull:
        """Start a failed or cancelled pull again (the same entry); returns the pull that now runs."""
        with self._lock:
            if pull.state not in (PullState.FAILED, PullState.CANCELLED) or pull not in self._pulls:
                return pull  # running, done, or already off the list
            for other in self._pulls:
                if other.reference == pull.reference and not other.finished:
                    return other  # pulled again meanwhile: that one is the pull to follow
            pull._reset_for_retry()
            self._notifier.changed(pull)
            self._start_queued()
        return pull

    def remove(self, pull: Pull) -> None:
        """Take a pull off the list; one still running is cancelled and leaves once it has stopped."""
        with self._lock:
            if pull not in self._pulls:
                return
            if not pull.finished and pull.state is not PullState.QUEUED:
                self._leaving.add(pull)
            else:
                if pull.state is PullState.QUEUED:
                    self._finish(pull, PullState.CANCELLED, None)
                self._pulls.remove(pull)
                self._notifier.post("removed", pull)
                return
        self.cancel(pull)

    def clear_finished(self) -> list[Pull]:
        with self._lock:
            cleared = [pull for pull in self._pulls if pull.finished]
            for pull in cleared:
                self._pulls.remove(pull)
                self._notifier.post("removed", pull)
        return cleared

    def wait(self, pull: Pull, timeout: float | None = None) -> bool:
        """Block until ``pull`` has finished (never on the GUI thread); False on timeout."""
        deadline = None if timeout is None else time.monotonic() + timeout
        with self._finished:
            while not pull.finished:
                left = None if deadline is None else deadline - time.monotonic()
                if left is not None and left <= 0:
                    return False
                self._finished.wait(left)
        return True

    def flush(self, timeout: float = 5.0) -> bool:
        """Wait until the listener was told everything that happened so far."""
        return self._notifier.flush(timeout)

    def close(self, timeout: float = 10.0) -> None:
        """Cancel everything, wait up to ``timeout`` for the workers, stop the notifier.

        With ``timeout`` 0 nothing is waited for: the cancelled workers end by themselves (one may
        still be opening its connection to an engine that does not answer).
        """
        with self._lock:
            self._closed = True
            pulls = list(self._pulls)
        for pull in pulls:
            self.cancel(pull)
        deadline = time.monotonic() + timeout
        for thread in list(self._threads.values()):
            thread.join(max(0.0, deadline - time.monotonic()))
        self._notifier.stop(max(0.5, deadline - time.monotonic()) if timeout > 0 else 0.0)

    # -- the queue (under the lock)

    def _start_queued(self) -> None:
        running = sum(1 for pull in self._pulls if pull.state is PullState.RUNNING)
        for pull in self._pulls:
            if running >= self._max_parallel or self._closed:
                return
            if pull.state is PullState.QUEUED:
                self._start(pull)
                running += 1

    def _start(self, pull: Pull) -> None:
        run = PullRun(
            self._endpoint,
            pull.reference,
            pull.known_sizes,
            lambda progress: self._progressed(pull, progress),
            self._clock,
            self._give_up_when_registry_down,
        )
        pull.state, pull.started_at = PullState.RUNNING, time.time()
        pull.progress = waiting_progress("Starting")
        thread = threading.Thread(target=self._work, args=(pull, run), name=f"pull-{pull.id}", daemon=True)
        self._runs[pull] = run
        self._threads[pull] = thread
        self._notifier.changed(pull)
        thread.start()

    def _finish(self, pull: Pull, state: PullState, error: EngineError | None) -> None:
        pull.state, pull.finished_at = state, time.time()
        pull.error = error
        self._runs.pop(pull, None)
        self._threads.pop(pull, None)
        self._notifier.post("finished", pull)
        if pull in self._leaving:
            self._leaving.discard(pull)
            self._pulls.remove(pull)
            self._notifier.post("removed", pull)
        self._finished.notify_all()
        self._start_queued()

    # -- on worker threads

    def _progressed(self, pull: Pull, progress: PullProgress) -> None:
        pull.progress = progress
        self._notifier.changed(pull)

    def _work(self, pull: Pull, run: PullRun) -> None:
        try:
            result = run.run()
        except Exception as error:  # a pull must never stay "running"
            log.exception("pull of %s failed unexpectedly", pull.name)
            with self._lock:
                self._finish(pull, PullState.FAILED, PullFailed(f"Could not pull {pull.name}", str(error)))
            return
        with self._lock:
            pull.progress = result.progress
            self._finish(pull, result.state, result.error)
