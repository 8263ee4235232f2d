"""Bytes each image shares with others, fetched beside the event stream rather than in its way.

system df is the only source before API 1.42 and, with thousands of containers,
it can take seconds (it sizes every container), so it runs on its own thread,
at most once per settled burst of image changes.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable
from dataclasses import replace

import docker

from app.engine import listing
from app.engine.rows import ImageRow

log = logging.getLogger(__name__)

SETTLE_SECONDS = 1.0  # let a burst of image events settle before asking again
RETRY_SECONDS = 5.0  # system df is the engine's slowest answer: give a busy engine room


class SharedSizes:
    def __init__(self, open_api: Callable[[], docker.APIClient], emit: Callable[[list[ImageRow]], None]) -> None:
        self._open_api = open_api
        self._emit = emit
        self._lock = threading.Lock()
        self._images: dict[str, ImageRow] = {}
        self._wanted = threading.Event()
        self._over = threading.Event()
        self._thread = threading.Thread(target=self._run, name="engine-shared-sizes", daemon=True)

    def start(self, images: Iterable[ImageRow]) -> None:
        with self._lock:
            self._images = {row.key: row for row in images}
        self._wanted.set()
        self._thread.start()

    def stop(self) -> None:
        self._over.set()
        self._wanted.set()

    def join(self, timeout: float) -> None:
        if self._thread.is_alive():
            self._thread.join(timeout)

    def remember(self, row: ImageRow) -> ImageRow:
        """The row with the last known shared size (an inspect has none), and ask for fresh sizes."""
        with self._lock:
            known = self._images.get(row.key)
            row = replace(row, shared_size=known.shared_size if known else -1)
            self._images[row.key] = row
        self._wanted.set()
        return row

    def forget(self, keys: Iterable[str]) -> None:
        with self._lock:
            for key in keys:
                self._images.pop(key, None)
        self._wanted.set()

    def _run(self) -> None:
        api: docker.APIClient | None = None
        first = True
        try:
            while not self._over.is_set():
                self._wanted.wait()
                if not first and self._over.wait(SETTLE_SECONDS):
                    return
                first = False
                self._wanted.clear()
                if self._over.is_set():
                    return
                try:
                    if api is None:
                        api = self._open_api()
                    self._refresh(api)
                except Exception:  # a busy engine timed out: ask again later, not never
                    log.info("reading shared image sizes failed; trying again", exc_info=True)
                    self._wanted.set()
                    if self._over.wait(RETRY_SECONDS):
                        return
        finally:
            if api is not None:
                api.close()

    def _refresh(self, api: docker.APIClient) -> None:
        sizes = listing.shared_image_sizes(api)
        changed: list[ImageRow] = []
        with self._lock:
            for key, row in list(self._images.items()):
                size = sizes.get(key, -1)
                if size != row.shared_size:
                    self._images[key] = replace(row, shared_size=size)
                    changed.append(self._images[key])
        if changed and not self._over.is_set():
            self._emit(changed)
