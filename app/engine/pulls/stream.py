"""The engine's pull stream, bytes in, events out, whatever way the bytes were cut.

The engine writes one JSON object per line, but a read from the socket ends
wherever the network or the HTTP chunking cut it: mid-object, mid-character,
or with several objects at once. The parser keeps the unfinished tail until the
rest arrives, so no line is lost or parsed twice.
"""

from __future__ import annotations

import codecs
import json
import logging
from dataclasses import dataclass
from typing import Any

log = logging.getLogger(__name__)

_DECODER = json.JSONDecoder()
_WHITESPACE = " \t\r\n"


@dataclass(frozen=True)
class PullEvent:
    """One line of the pull stream.

    ``layer`` is the short layer id (12 hex digits) on layer lines; on lines
    about the whole image the engine puts the tag there ("Pulling from x",
    id "latest"), so those keep it in ``subject`` instead.
    """

    status: str = ""
    layer: str | None = None
    current: int | None = None
    total: int | None = None
    error: str | None = None
    subject: str | None = None

    @property
    def is_error(self) -> bool:
        return self.error is not None


def _number(value: Any) -> int | None:
    # bool is an int in Python; the engine never sends one, but a broken line might.
    return int(value) if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else None


def event_from_json(line: Any) -> PullEvent | None:
    """Read one decoded object; None for anything that is not an object."""
    if not isinstance(line, dict):
        return None
    if "error" in line or "errorDetail" in line:
        detail = line.get("errorDetail") or {}
        message = line.get("error") or (detail.get("message") if isinstance(detail, dict) else "") or ""
        return PullEvent(error=str(message) or "The engine reported an error without a message.")
    status = str(line.get("status") or "")
    identifier = line.get("id")
    identifier = str(identifier) if identifier is not None else None
    detail = line.get("progressDetail")
    detail = detail if isinstance(detail, dict) else {}
    if identifier is not None and status.startswith("Pulling from"):
        return PullEvent(status=status, subject=identifier)
    return PullEvent(
        status=status,
        layer=identifier,
        current=_number(detail.get("current")),
        total=_number(detail.get("total")),
    )


def _value_end(text: str, start: int) -> int | None:
    """Index just past the JSON object or array starting at ``start``; None if it is not complete yet.

    Only consulted when the fast decoder failed, so it usually scans a short tail.
    """
    depth = 0
    in_string = False
    escaped = False
    for index in range(start, len(text)):
        char = text[index]
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "{[":
            depth += 1
        elif char in "}]":
            depth -= 1
            if depth == 0:
                return index + 1
    return None


class PullStreamParser:
    """Feed it the stream's byte chunks in order; it returns the events each chunk completed."""

    def __init__(self) -> None:
        # Incremental: a multi-byte character split between two reads is joined, not replaced.
        self._utf8 = codecs.getincrementaldecoder("utf-8")(errors="replace")
        self._pending = ""
        self.skipped: list[str] = []  # text that was not JSON, kept for diagnostics

    def feed(self, chunk: bytes) -> list[PullEvent]:
        self._pending += self._utf8.decode(chunk)
        return self._drain(final=False)

    def finish(self) -> list[PullEvent]:
        """The stream ended: parse what is left; an unfinished object is kept in ``skipped``."""
        self._pending += self._utf8.decode(b"", final=True)
        events = self._drain(final=True)
        if self._pending.strip():
            self._skip(self._pending)
        self._pending = ""
        return events

    @property
    def has_partial_line(self) -> bool:
        return bool(self._pending.strip())

    def _skip(self, text: str) -> None:
        log.debug("pull stream: not JSON, skipped: %r", text[:200])
        self.skipped.append(text)

    def _drain(self, final: bool) -> list[PullEvent]:
        events: list[PullEvent] = []
        text = self._pending
        position = 0
        while True:
            while position < len(text) and text[position] in _WHITESPACE:
                position += 1
            if position >= len(text):
                break
            if text[position] not in "{[":
                # Not JSON (a proxy's error page, say): drop up to the end of its line.
                newline = text.find("\n", position)
                if newline < 0 and not final:
                    break
                end = len(text) if newline < 0 else newline + 1
                self._skip(text[position:end])
                position = end
                continue
            try:
                value, position_after = _DECODER.raw_decode(text, position)
            except json.JSONDecodeError:
                value_end = _value_end(text, position)
                if value_end is None:
                    break  # the rest of this object is still on its way
                self._skip(text[position:value_end])  # complete, yet not valid JSON
                position = value_end
                continue
            position = position_after
            event = event_from_json(value)
            if event is not None:
                events.append(event)
        self._pending = text[position:]
        return events
