"""One way to run any engine call in the background (after Anki's aqt/operations).

Success and failure are always delivered on the GUI thread; a newer operation
in the same slot supersedes the older one, whose result is then dropped (after
Orange3's concurrent helpers), so a stale answer never reaches a view.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable
from typing import Any

import docker
from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

from app.engine.connection import Endpoint, open_client
from app.engine.errors import EngineError, EnginePermissionDenied, EngineTimeout, EngineUnreachable, translate

Work = Callable[[Any], Any]  # given the shared docker.APIClient (or None for call())
OnSuccess = Callable[[Any], None]
OnFailure = Callable[[EngineError], None]

_CONNECTION_ERRORS = (EngineUnreachable, EngineTimeout, EnginePermissionDenied)


class Relay(QObject):
    """Lives on the GUI thread, so its signals reach their slots there whichever thread emits."""

    succeeded = Signal(object)
    failed = Signal(object)

    def __init__(self) -> None:
        super().__init__()
        self.cancelled = threading.Event()

    def cancel(self) -> None:
        self.cancelled.set()
        for signal in (self.succeeded, self.failed):
            with contextlib.suppress(RuntimeError, TypeError):  # nothing was connected
                signal.disconnect()


class _Job(QRunnable):
    def __init__(self, runner: OperationRunner, relay: Relay, work: Work, doing: str, *, with_client: bool) -> None:
        super().__init__()
        self._runner = runner
        self._relay = relay
        self._work = work
        self._doing = doing
        self._with_client = with_client

    def run(self) -> None:
        relay = self._relay
        if relay.cancelled.is_set():
            return
        try:
            client = self._runner.client() if self._with_client else None
        except EngineError as unreachable:
            # Said as what the person asked for ("Could not stop web"), with the connection's why and hint.
            self._fail(type(unreachable)(self._doing, unreachable.why, unreachable.hint))
            return
        try:
            result = self._work(client)
        except Exception as raw:  # noqa: BLE001 - every failure reaches the person, typed
            error = translate(raw, self._doing, self._runner.endpoint.display_address)
            if isinstance(error, _CONNECTION_ERRORS):
                self._runner.forget_client()
            if not relay.cancelled.is_set():
                relay.failed.emit(error)
            return
        if not relay.cancelled.is_set():
            relay.succeeded.emit(result)

    def _fail(self, error: EngineError) -> None:
        self._runner.forget_client()
        if not self._relay.cancelled.is_set():
            self._relay.failed.emit(error)


class OperationRunner(QObject):
    """Runs engine calls on a thread pool with one shared client, opened off the GUI thread."""

    failed = Signal(object)  # the EngineError of an operation that has no failure handler of its own

    def __init__(self, endpoint: Endpoint, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.endpoint = endpoint
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(4)
        self._client: docker.APIClient | None = None
        self._client_lock = threading.Lock()
        self._pending: set[Relay] = set()
        self._slots: dict[str, Relay] = {}

    def switch_endpoint(self, endpoint: Endpoint) -> None:
        """Later operations talk to ``endpoint``; running ones finish where they started."""
        self.endpoint = endpoint
        self.forget_client()

    def client(self) -> docker.APIClient:
        with self._client_lock:
            if self._client is None:
                self._client = open_client(self.endpoint)
            return self._client

    def forget_client(self) -> None:
        with self._client_lock:
            client, self._client = self._client, None
        if client is not None:
            client.close()

    def run(
        self,
        work: Work,
        doing: str,
        on_success: OnSuccess | None = None,
        on_failure: OnFailure | None = None,
        *,
        slot: str = "",
    ) -> Relay:
        """Run ``work(client)`` in the background. ``doing`` words a failure ("Could not stop web")."""
        return self._start(work, doing, on_success, on_failure, slot=slot, with_client=True)

    def call(
        self,
        work: Callable[[], Any],
        doing: str,
        on_success: OnSuccess | None = None,
        on_failure: OnFailure | None = None,
        *,
        slot: str = "",
    ) -> Relay:
        """Run ``work()`` in the background, for slow calls that bring their own connection (probes, commands)."""
        return self._start(lambda _client: work(), doing, on_success, on_failure, slot=slot, with_client=False)

    def _start(
        self, work: Work, doing: str, on_success: OnSuccess | None, on_failure: OnFailure | None, *, slot: str,
        with_client: bool,
    ) -> Relay:
        relay = Relay()
        if slot:
            self.cancel_slot(slot)
            self._slots[slot] = relay
        if on_success is not None:
            relay.succeeded.connect(on_success)
        relay.failed.connect(on_failure if on_failure is not None else self.failed.emit)
        relay.succeeded.connect(lambda _result: self._finished(relay, slot))
        relay.failed.connect(lambda _error: self._finished(relay, slot))
        self._pending.add(relay)  # keeps the relay alive until its result is delivered
        self._pool.start(_Job(self, relay, work, doing, with_client=with_client))
        return relay

    def cancel_slot(self, slot: str) -> None:
        relay = self._slots.pop(slot, None)
        if relay is not None:
            relay.cancel()
            self._pending.discard(relay)

    def _finished(self, relay: Relay, slot: str) -> None:
        self._pending.discard(relay)
        if slot and self._slots.get(slot) is relay:
            del self._slots[slot]

    @property
    def busy(self) -> bool:
        return bool(self._pending)

    def shutdown(self) -> None:
        for relay in list(self._pending):
            relay.cancel()
        self._pending.clear()
        self._slots.clear()
        self._pool.waitForDone(10_000)
        self.forget_client()
