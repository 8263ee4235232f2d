"""One object at a time, for the details pane: inspect, image history and logs."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import docker

from app.engine.errors import translate
from app.engine.rows import Kind
from app.engine.streams import close_stream

MAX_LINE_BYTES = 64 * 1024  # a longer "line" (output without newlines) is shown in pieces of this size


def inspect(api: docker.APIClient, kind: Kind, key: str) -> dict[str, Any]:
    calls = {
        Kind.CONTAINER: api.inspect_container,
        Kind.IMAGE: api.inspect_image,
        Kind.VOLUME: api.inspect_volume,
        Kind.NETWORK: api.inspect_network,
    }
    try:
        result: dict[str, Any] = calls[kind](key)
    except Exception as error:
        raise translate(error, f"Could not inspect {kind.value} {key[:19]}", api.base_url) from error
    return result


@dataclass(frozen=True)
class HistoryEntry:
    layer_id: str
    created: int
    created_by: str
    size: int
    comment: str


def image_history(api: docker.APIClient, key: str) -> list[HistoryEntry]:
    try:
        items = api.history(key)
    except Exception as error:
        raise translate(error, "Could not read the image's history", api.base_url) from error
    return [
        HistoryEntry(
            layer_id=str(item.get("Id", "")),
            created=int(item.get("Created", 0)),
            created_by=str(item.get("CreatedBy", "")),
            size=int(item.get("Size", 0)),
            comment=str(item.get("Comment", "")),
        )
        for item in items
    ]


class LogStream:
    """A container's log as lines, following new output until closed from any thread."""

    def __init__(self, api: docker.APIClient, key: str, *, timestamps: bool, tail: int, follow: bool = True) -> None:
        self._api = api
        self._key = key
        self._timestamps = timestamps
        self._tail = tail
        self._follow = follow
        self._stream: Any = None
        self._closed = threading.Event()

    def lines(self) -> Iterator[str]:
        try:
            self._stream = self._api.logs(
                self._key, stream=True, follow=self._follow, timestamps=self._timestamps, tail=self._tail
            )
        except Exception as error:
            raise translate(error, "Could not read the container's log", self._api.base_url) from error
        if self._closed.is_set():  # close() came while the request was on its way
            close_stream(self._stream)
            return
        partial = b""
        try:
            for chunk in self._stream:
                if self._closed.is_set():
                    return
                partial += chunk
                *complete, partial = partial.split(b"\n")
                for line in complete:
                    yield line.decode("utf-8", "replace")
                if len(partial) > MAX_LINE_BYTES:  # output without newlines must not grow without bound
                    yield partial.decode("utf-8", "replace")
                    partial = b""
            if partial:
                yield partial.decode("utf-8", "replace")
        except Exception as error:
            if not self._closed.is_set():
                raise translate(error, "The container's log stopped", self._api.base_url) from error

    def close(self) -> None:
        self._closed.set()
        stream = self._stream
        if stream is not None:
            close_stream(stream)
