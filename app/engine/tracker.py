"""Keeps a live picture of an engine: a full list on (re)connect, then one row per event.

Plain threads and callbacks, no Qt: the Qt layer turns the callbacks into
signals, the CLI and the tests can listen directly.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum
from typing import Any, Protocol

import docker

from app.engine import listing
from app.engine.connection import Endpoint, EngineInfo, engine_info, open_client
from app.engine.errors import EngineError, translate
from app.engine.events import WATCHED_TYPES, Effect, EngineEvent, Expectation, parse_event
from app.engine.rows import ImageRow, Kind, Row
from app.engine.shared_sizes import SharedSizes
from app.engine.streams import close_stream

log = logging.getLogger(__name__)

RETRY_DELAYS = (0.5, 1.0, 2.0, 4.0, 8.0)
RECHECK_DELAYS = (0.03, 0.06, 0.12, 0.25, 0.5, 1.0)  # waiting for a listed state to catch up with its event
# A request that failed (a busy engine timed out) is tried again, so no event is lost for the session.
APPLY_RETRY_DELAYS = (0.5, 1.0, 2.0, 5.0)


class Status(str, Enum):
    CONNECTING = "connecting"
    CONNECTED = "connected"
    LOST = "lost"
    STOPPED = "stopped"


@dataclass(frozen=True)
class ConnectionState:
    status: Status
    address: str
    info: EngineInfo | None = None
    error: EngineError | None = None
    retry_in: float = 0.0


class TrackerListener(Protocol):
    """Called from the tracker's threads, never concurrently for the same tracker."""

    def connection_changed(self, state: ConnectionState) -> None: ...
    def rows_listed(self, kind: Kind, rows: list[Row]) -> None: ...
    def rows_changed(self, kind: Kind, rows: list[Row]) -> None: ...
    def rows_removed(self, kind: Kind, keys: list[str]) -> None: ...


EventObserver = Callable[[EngineEvent], None]


@dataclass
class _Pending:
    """Work collected from a burst of events: the last effect per object wins."""

    effects: dict[tuple[Kind, str], Effect]
    settled: dict[str, Expectation]  # container key → what its last event leads to

    def add(self, event: EngineEvent) -> None:
        if event.effect is None:
            return
        self.effects[(event.kind, event.actor_id)] = event.effect
        if event.kind is Kind.CONTAINER:
            expectation = event.expectation
            if expectation is None:
                self.settled.pop(event.actor_id, None)
            else:
                self.settled[event.actor_id] = expectation

    def keys(self, kind: Kind, effect: Effect) -> list[str]:
        return [key for (k, key), e in self.effects.items() if k is kind and e is effect]

    def add_older(self, older: _Pending, kind: Kind | None = None) -> None:
        """Add work from before this batch's events (of one kind, or all); an object named in both keeps
        this batch's newer effect."""
        for (k, key), effect in older.effects.items():
            if (kind is not None and k is not kind) or (k, key) in self.effects:
                continue
            self.effects[(k, key)] = effect
            if k is Kind.CONTAINER and key in older.settled:
                self.settled[key] = older.settled[key]


class LiveTracker:
    def __init__(
        self, endpoint: Endpoint, listener: TrackerListener, observers: tuple[EventObserver, ...] = ()
    ) -> None:
        self._endpoint = endpoint
        self._listener = listener
        self._observers = observers  # see every event as it arrives, on the reader thread
        self._stopping = threading.Event()
        self._listener_lock = threading.Lock()
        self._work: queue.Queue[EngineEvent | None] = queue.Queue()  # one per session, see _session
        self._stream: Any = None
        self._sizes: SharedSizes | None = None
        self._supervisor: threading.Thread | None = None

    @property
    def endpoint(self) -> Endpoint:
        return self._endpoint

    def start(self) -> None:
        self._supervisor = threading.Thread(target=self._run, name="engine-tracker", daemon=True)
        self._supervisor.start()

    def stop(self, wait: float = 5.0) -> None:
        """Ask the threads to end; wait up to ``wait`` seconds (0: return at once, they end soon)."""
        self._stopping.set()
        self._close_stream()  # ends the reader, which wakes the applier
        if self._supervisor is not None and wait > 0:
            self._supervisor.join(wait)

    def is_running(self) -> bool:
        return self._supervisor is not None and self._supervisor.is_alive()

    def _notify(self, call: Callable[..., None], *args: Any) -> None:
        if self._stopping.is_set():
            return
        with self._listener_lock:
            call(*args)

    def _close_stream(self) -> None:
        stream, self._stream = self._stream, None
        if stream is not None:
            close_stream(stream)

    # -- the supervisor: connect, list, follow, and start over when the engine goes

    def _run(self) -> None:
        attempt = 0
        address = self._endpoint.display_address
        while not self._stopping.is_set():
            self._notify(self._listener.connection_changed, ConnectionState(Status.CONNECTING, address))
            try:
                self._session()
                attempt = 0
                error: EngineError = translate(ConnectionError("its events ended"), "Lost the Docker Engine", address)
            except EngineError as failure:
                error = failure
            except Exception as failure:  # noqa: BLE001 - the tracker must outlive any engine failure
                error = translate(failure, "Lost the Docker Engine", address)
            if self._stopping.is_set():
                break
            delay = RETRY_DELAYS[min(attempt, len(RETRY_DELAYS) - 1)]
            attempt += 1
            state = ConnectionState(Status.LOST, address, error=error, retry_in=delay)
            self._notify(self._listener.connection_changed, state)
            self._stopping.wait(delay)
        with self._listener_lock:
            self._listener.connection_changed(ConnectionState(Status.STOPPED, address))

    def _session(self) -> None:
        api = open_client(self._endpoint)
        events_api = open_client(self._endpoint, version=api.api_version)
        try:
            # Subscribe before listing so that nothing happening during the list is missed;
            # events that the list already reflects only refresh a row to the same value.
            self._work = queue.Queue()  # a fresh queue: no end-of-stream marker left from the last session
            self._stream = events_api.events(decode=True, filters={"type": list(WATCHED_TYPES)})
            if self._stopping.is_set():
                return  # stop() ran before there was a stream to close
            reader = threading.Thread(
                target=self._read_events,
                args=(self._stream, self._work, self._observers),
                name="engine-events",
                daemon=True,
            )
            reader.start()
            try:
                self._list_everything(api)
            except Exception as error:
                raise translate(error, "Could not list the engine's objects", self._endpoint.display_address) from error
            info = engine_info(api, self._endpoint)  # after the lists: the views fill first, the status bar next
            state = ConnectionState(Status.CONNECTED, self._endpoint.display_address, info=info)
            self._notify(self._listener.connection_changed, state)
            self._apply_events(api, reader)
        finally:
            self._close_stream()
            if self._sizes is not None:
                self._sizes.stop()
                self._sizes.join(2.0)
            api.close()
            events_api.close()

    def _list_everything(self, api: docker.APIClient) -> None:
        """Each kind reaches the views as soon as it is listed, containers first: what people look at."""
        images: list[Row] = []
        for kind, list_kind in listing.LISTS.items():
            rows = list_kind(api)
            self._notify(self._listener.rows_listed, kind, rows)
            if kind is Kind.IMAGE:
                images = rows
        self._sizes = SharedSizes(
            lambda: open_client(self._endpoint), lambda rows: self._emit(Kind.IMAGE, list(rows), [])
        )
        self._sizes.start(row for row in images if isinstance(row, ImageRow))

    @staticmethod
    def _read_events(
        stream: Any, work: queue.Queue[EngineEvent | None], observers: tuple[EventObserver, ...]
    ) -> None:
        try:
            for raw in stream:
                event = parse_event(raw)
                if event is None:
                    continue
                for observe in observers:
                    observe(event)
                if event.effect is not None:
                    work.put(event)
        except Exception:
            log.debug("event stream failed", exc_info=True)
        finally:
            work.put(None)  # wakes the applier: the stream is over

    # -- applying events

    def _apply_events(self, api: docker.APIClient, reader: threading.Thread) -> None:
        rechecks: dict[str, tuple[float, Expectation, int]] = {}  # key → (due, expectation, tries)
        failed = _Pending({}, {})
        failed_due: float | None = None
        failures = 0
        while not self._stopping.is_set():
            dues = [due for due, _, _ in rechecks.values()] + ([failed_due] if failed_due is not None else [])
            timeout = max(0.0, min(dues) - time.monotonic()) if dues else None
            try:
                first: EngineEvent | None = self._work.get(timeout=timeout)
                batch, stream_over = self._drain(first)
            except queue.Empty:
                batch, stream_over = _Pending({}, {}), False
            now = time.monotonic()
            if failed_due is not None and failed_due <= now:
                batch.add_older(failed)
                failed, failed_due = _Pending({}, {}), None
            for key, (due, expected, _tries) in list(rechecks.items()):
                if key in batch.settled or (Kind.CONTAINER, key) in batch.effects:
                    del rechecks[key]  # a newer event decides what to expect
                elif due <= now:
                    batch.effects[(Kind.CONTAINER, key)] = Effect.REFRESH
                    batch.settled[key] = expected
            if batch.effects:
                unsettled, not_applied = self._apply(api, batch)
                if not_applied.effects:
                    not_applied.add_older(failed)
                    failed = not_applied
                    failed_due = time.monotonic() + APPLY_RETRY_DELAYS[min(failures, len(APPLY_RETRY_DELAYS) - 1)]
                    failures += 1
                elif failed_due is None:
                    failures = 0
                for key in unsettled:
                    tries = rechecks[key][2] + 1 if key in rechecks else 0
                    if tries < len(RECHECK_DELAYS):
                        rechecks[key] = (time.monotonic() + RECHECK_DELAYS[tries], batch.settled[key], tries)
                    else:
                        rechecks.pop(key, None)
                for key in batch.settled:
                    if key not in unsettled:
                        rechecks.pop(key, None)
            if stream_over:
                reader.join(1.0)
                return

    def _drain(self, first: EngineEvent | None) -> tuple[_Pending, bool]:
        pending = _Pending({}, {})
        stream_over = False
        item: EngineEvent | None = first
        while True:
            if item is None:
                stream_over = True
            else:
                pending.add(item)
            try:
                item = self._work.get_nowait()
            except queue.Empty:
                return pending, stream_over

    def _apply(self, api: docker.APIClient, batch: _Pending) -> tuple[set[str], _Pending]:
        """Fetch and report what the batch names, kind by kind.

        Returns the containers whose state has not caught up, and the work of the kinds whose
        requests failed (one kind's failure does not hold back the others).
        """
        unsettled: set[str] = set()
        failed = _Pending({}, {})
        for kind, apply in (
            (Kind.CONTAINER, self._apply_containers),
            (Kind.IMAGE, self._apply_images),
            (Kind.VOLUME, self._apply_volumes),
            (Kind.NETWORK, self._apply_networks),
        ):
            if not any(k is kind for k, _key in batch.effects):
                continue
            try:
                unsettled |= apply(api, batch)
            except Exception:  # the tracker must outlive any engine failure
                log.info("applying %s events failed; trying again soon", kind.value, exc_info=True)
                failed.add_older(batch, kind)  # kept for a retry
        return unsettled, failed

    def _emit(self, kind: Kind, changed: list[Row], removed: list[str]) -> None:
        if changed:
            self._notify(self._listener.rows_changed, kind, changed)
        if removed:
            self._notify(self._listener.rows_removed, kind, removed)

    def _apply_containers(self, api: docker.APIClient, batch: _Pending) -> set[str]:
        removed = batch.keys(Kind.CONTAINER, Effect.REMOVE)
        wanted = batch.keys(Kind.CONTAINER, Effect.REFRESH)
        rows = listing.list_containers(api, wanted) if wanted else []
        found = {row.key for row in rows}
        self._emit(Kind.CONTAINER, list(rows), removed + [key for key in wanted if key not in found])
        return {row.key for row in rows
                if row.key in batch.settled and not batch.settled[row.key].met_by(row.state, row.name)}

    def _apply_images(self, api: docker.APIClient, batch: _Pending) -> set[str]:
        removed = batch.keys(Kind.IMAGE, Effect.REMOVE)
        changed: list[Row] = []
        for reference in batch.keys(Kind.IMAGE, Effect.REFRESH):
            row = listing.fetch_image(api, reference)
            if row is None:
                if reference.startswith("sha256:"):
                    removed.append(reference)
                continue
            changed.append(self._sizes.remember(row) if self._sizes else row)
        if self._sizes is not None and removed:  # no image event, no new system df
            self._sizes.forget(removed)
        self._emit(Kind.IMAGE, changed, removed)
        return set()

    def _apply_volumes(self, api: docker.APIClient, batch: _Pending) -> set[str]:
        removed = batch.keys(Kind.VOLUME, Effect.REMOVE)
        changed: list[Row] = []
        for name in batch.keys(Kind.VOLUME, Effect.REFRESH):
            row = listing.fetch_volume(api, name)
            if row is None:
                removed.append(name)
            else:
                changed.append(row)
        self._emit(Kind.VOLUME, changed, removed)
        return set()

    def _apply_networks(self, api: docker.APIClient, batch: _Pending) -> set[str]:
        removed = batch.keys(Kind.NETWORK, Effect.REMOVE)
        wanted = batch.keys(Kind.NETWORK, Effect.REFRESH)
        rows: list[Row] = list(listing.list_networks(api, wanted)) if wanted else []
        found = {row.key for row in rows}
        self._emit(Kind.NETWORK, rows, removed + [key for key in wanted if key not in found])
        return set()
