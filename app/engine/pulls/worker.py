"""One attempt at one pull: the request to the engine, its stream, and how it ended.

Runs on a worker thread and blocks there; ``cancel()`` may be called from any
other thread and wakes the blocked read by shutting the socket down (closing
it alone would leave a thread blocked in recv() on Linux).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import requests

from app.engine.connection import Endpoint, open_client
from app.engine.errors import EngineError, translate
from app.engine.pulls import errors
from app.engine.pulls.credentials import credentials_for
from app.engine.pulls.progress import Outcome, PullProgress, PullTracker
from app.engine.pulls.pull import PullState
from app.engine.pulls.registry import probe
from app.engine.pulls.stream import PullStreamParser
from app.engine.reference import ImageReference
from app.engine.streams import interrupt_response

log = logging.getLogger(__name__)

CONNECT_TIMEOUT = 10.0
PROBE_SECONDS = 1.0  # how often to check a registry while the engine retries downloads from it
PROBES_BEFORE_GIVING_UP = 2


@dataclass(frozen=True)
class RunResult:
    state: PullState
    progress: PullProgress
    error: EngineError | None = None


def _is_local(endpoint: Endpoint) -> bool:
    url = endpoint.display_address
    return url.startswith(("unix://", "npipe://"))


class PullRun:
    def __init__(
        self,
        endpoint: Endpoint,
        reference: ImageReference,
        known_sizes: Mapping[str, int],
        on_progress: Callable[[PullProgress], None],
        clock: Callable[[], float] = time.monotonic,
        give_up_when_registry_down: bool = True,
    ) -> None:
        self._endpoint = endpoint
        self._reference = reference
        self._tracker = PullTracker(known_sizes=known_sizes, clock=clock)
        self._on_progress = on_progress
        self._clock = clock
        # Only a local engine sees the registry from where we do; for one in a VM
        # "127.0.0.1:5000" is another machine, and the engine's own retries must decide.
        self._probe_registry = give_up_when_registry_down and _is_local(endpoint)
        self._cancelled = threading.Event()
        self._lock = threading.Lock()
        self._response: requests.Response | None = None
        self._last_probe = float("-inf")
        self._failed_probes = 0

    @property
    def cancelled(self) -> bool:
        return self._cancelled.is_set()

    def cancel(self) -> None:
        self._cancelled.set()
        with self._lock:
            response = self._response
        if response is not None:
            interrupt_response(response)

    def run(self) -> RunResult:
        image, address = self._reference.familiar, self._endpoint.display_address
        try:
            api = open_client(self._endpoint)
        except EngineError as error:
            return self._end(PullState.FAILED, error)
        try:
            return self._pull(api, image, address)
        finally:
            api.close()

    def _end(self, state: PullState, error: EngineError | None = None) -> RunResult:
        if state is not PullState.DONE:
            self._tracker.fail(error.message if error else "Cancelled")
        return RunResult(state, self._tracker.snapshot(), error)

    def _request(self, api: Any) -> requests.Response:
        headers = {}
        credentials = credentials_for(self._reference.domain)
        if credentials is not None:
            headers["X-Registry-Auth"] = credentials.registry_auth_header()
        params = {"fromImage": self._reference.name, "tag": self._reference.version}
        url = api._url("/images/create")
        # No read timeout: a big layer can extract for minutes between two lines.
        response: requests.Response = api._post(
            url, params=params, headers=headers, stream=True, timeout=(CONNECT_TIMEOUT, None)
        )
        return response

    def _pull(self, api: Any, image: str, address: str) -> RunResult:
        if self.cancelled:
            return self._end(PullState.CANCELLED)
        try:
            response = self._request(api)
        except Exception as error:  # noqa: BLE001 - every failure becomes a typed, readable one
            if self.cancelled:
                return self._end(PullState.CANCELLED)
            return self._end(PullState.FAILED, translate(error, f"Could not pull {image}", address))
        with self._lock:
            self._response = response
        if self.cancelled:  # cancel() ran before there was a response to interrupt
            interrupt_response(response)
        try:
            if response.status_code >= 400:
                message = _error_message(response)
                return self._end(PullState.FAILED, errors.classify(message, image, self._reference.domain))
            return self._read(response, image, address)
        finally:
            with self._lock:
                self._response = None
            response.close()

    def _read(self, response: requests.Response, image: str, address: str) -> RunResult:
        parser = PullStreamParser()
        registry_error: EngineError | None = None
        try:
            for chunk in response.iter_content(chunk_size=None):
                registry_error = self._apply(parser.feed(chunk))
                if registry_error is not None or self._tracker.outcome is not Outcome.RUNNING:
                    break
            else:
                self._apply(parser.finish())
        except Exception as error:  # a broken stream is a lost connection, unless we broke it
            if not self.cancelled:
                log.debug("pull stream of %s broke", image, exc_info=True)
                return self._end(PullState.FAILED, errors.connection_lost(image, address, _short(error)))
        if registry_error is not None:
            return self._end(PullState.FAILED, registry_error)
        if self._tracker.outcome is Outcome.DONE:
            return self._end(PullState.DONE)
        if self._tracker.outcome is Outcome.FAILED:
            message = self._tracker.error or ""
            return self._end(PullState.FAILED, errors.classify(message, image, self._reference.domain))
        if self.cancelled:
            return self._end(PullState.CANCELLED)
        return self._end(PullState.FAILED, errors.connection_lost(image, address, "the stream ended early"))

    def _apply(self, events: list[Any]) -> EngineError | None:
        retrying = False
        for event in events:
            self._tracker.apply(event)
            retrying = retrying or event.status.startswith("Retrying in")
        if events:
            self._on_progress(self._tracker.snapshot())
        if retrying and self._probe_registry:
            return self._check_registry()
        return None

    def _check_registry(self) -> EngineError | None:
        """The engine retries a failed download for over a minute; if the registry is gone, say so now."""
        now = self._clock()
        if now - self._last_probe < PROBE_SECONDS:
            return None
        self._last_probe = now
        reason = probe(self._reference.domain)
        self._failed_probes = self._failed_probes + 1 if reason else 0
        if reason and self._failed_probes >= PROBES_BEFORE_GIVING_UP:
            return errors.registry_stopped(self._reference.familiar, self._reference.domain, reason)
        return None


def _error_message(response: requests.Response) -> str:
    try:
        body = response.json()
        return str(body.get("message") or body)
    except ValueError:
        return response.text.strip() or f"HTTP {response.status_code} {response.reason}"


def _short(error: BaseException) -> str:
    text = str(error) or type(error).__name__
    return text if len(text) < 200 else text[:197] + "…"
