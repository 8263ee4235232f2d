"""Owns the PullManager for the current engine and keeps the pulls model in step with it."""

from __future__ import annotations

import docker
from PySide6.QtCore import QObject, Signal

from app.engine.connection import Endpoint
from app.engine.pulls import DEFAULT_PARALLEL_PULLS, Pull, PullFailed, PullManager, PullState
from app.qt.pulls_model import PullsBridge, PullsModel
from app.services import images


class PullsController(QObject):
    finished = Signal(object)  # Pull, on the GUI thread, once it is done, failed or cancelled

    def __init__(self, endpoint: Endpoint, parent: QObject | None = None,
                 max_parallel: int = DEFAULT_PARALLEL_PULLS) -> None:
        super().__init__(parent)
        self.model = PullsModel(self)
        self._max_parallel = max_parallel
        self._bridge: PullsBridge | None = None
        self.manager: PullManager | None = None
        self.switch_endpoint(endpoint)

    def switch_endpoint(self, endpoint: Endpoint) -> None:
        """Pulls belong to one engine: the old engine's are cancelled and leave the list."""
        self.close(wait=False)  # the window must not wait for an engine that may not answer
        self._bridge = PullsBridge()
        self._bridge.added.connect(self.model.add)
        self._bridge.changed.connect(self.model.change)
        self._bridge.finished.connect(self._finished)
        self._bridge.removed.connect(self.model.remove)
        self.manager = PullManager(endpoint, self._bridge, max_parallel=self._max_parallel)

    def set_max_parallel(self, value: int) -> None:
        self._max_parallel = value
        if self.manager is not None:
            self.manager.max_parallel = value

    def pull(self, image: str, known_sizes: dict[str, int] | None = None) -> Pull:
        """Queue a pull (or join the running one); raises InvalidReference before any request."""
        assert self.manager is not None
        return self.manager.pull(image, known_sizes)

    def _finished(self, pull: Pull) -> None:
        self.model.change(pull)
        self.finished.emit(pull)

    def close(self, wait: bool = True) -> None:
        manager, bridge = self.manager, self._bridge
        self.manager = self._bridge = None
        if bridge is not None:
            for signal in (bridge.added, bridge.changed, bridge.finished, bridge.removed):
                signal.disconnect()
        for pull in self.model.pulls():
            self.model.remove(pull)
        if manager is not None:
            manager.close(timeout=10.0 if wait else 0.0)


class ManagedImageFetcher:
    """The services core's image fetchers, done through the pull manager so that a service's
    missing image shows in the Pulls panel with its progress, like any other pull.

    Called on worker threads; the manager is thread-safe and waiting blocks only that worker.
    """

    def __init__(self, controller: PullsController) -> None:
        self._controller = controller

    def pull(self, api: docker.APIClient, reference: str) -> None:
        manager = self._controller.manager
        if manager is None:
            images.pull_image(api, reference)
            return
        pull = manager.pull(reference)
        manager.wait(pull)
        if pull.state is PullState.DONE:
            return
        if pull.error is not None:
            raise pull.error
        raise PullFailed(f"Could not pull {reference}", "The pull was cancelled.", "Start the service again.")

    def ensure(self, api: docker.APIClient, reference: str) -> None:
        if not images.has_image(api, reference):
            self.pull(api, reference)
