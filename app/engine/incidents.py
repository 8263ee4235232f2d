"""Containers that stopped without being asked to: the events worth telling a person about."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from enum import Enum

from app.engine.events import EngineEvent
from app.engine.rows import Kind

# A die this soon after a stop or kill through the engine was asked for, not unexpected.
REQUESTED_WINDOW = 60.0
# An event's attributes are the container's labels and these few of the engine's own.
_NOT_LABELS = frozenset({"name", "image", "exitCode", "signal", "execDuration"})


class IncidentKind(str, Enum):
    EXITED = "exited"
    OOM = "oom"
    UNHEALTHY = "unhealthy"


@dataclass(frozen=True)
class Incident:
    kind: IncidentKind
    key: str
    name: str
    image: str
    exit_code: int | None = None
    labels: tuple[tuple[str, str], ...] = ()  # the container's labels, as the event carried them

    @property
    def summary(self) -> str:
        if self.kind is IncidentKind.OOM:
            return f"{self.name} ran out of memory and was killed."
        if self.kind is IncidentKind.UNHEALTHY:
            return f"{self.name} became unhealthy."
        return f"{self.name} exited unexpectedly with code {self.exit_code}{_signal_note(self.exit_code)}."


def _signal_note(code: int | None) -> str:
    if code is not None and code > 128:
        return f" (killed by signal {code - 128})"
    return ""


class IncidentWatch:
    """Fed every container event in order; reports each unexpected exit, OOM kill or unhealthy turn once."""

    def __init__(self, report: Callable[[Incident], None], clock: Callable[[], float] = time.monotonic,
                 cleared: Callable[[str], None] | None = None) -> None:
        self._report = report
        self._cleared = cleared  # told a container's key when what was reported is over: started, well, gone
        self._clock = clock
        self._requested: dict[str, float] = {}  # container → when a stop/kill/restart was asked for
        self._oom_killed: set[str] = set()
        self._lock = threading.Lock()

    def observe(self, event: EngineEvent) -> None:
        if event.kind is not Kind.CONTAINER:
            return
        action = event.action.split(":", 1)[0]
        key = event.actor_id
        name = event.attributes.get("name", key[:12])
        image = event.attributes.get("image", "")
        labels = tuple(sorted((k, v) for k, v in event.attributes.items() if k not in _NOT_LABELS))
        if action in ("destroy", "start") or event.action == "health_status: healthy":
            with self._lock:
                self._oom_killed.discard(key)
                if action == "destroy":
                    self._requested.pop(key, None)
            if self._cleared is not None:
                self._cleared(key)
            return
        with self._lock:
            if action in ("kill", "stop", "restart"):
                self._requested[key] = self._clock()
                return
            if action == "oom":
                self._oom_killed.add(key)
                incident = Incident(IncidentKind.OOM, key, name, image, labels=labels)
            elif action == "health_status" and event.action.endswith("unhealthy"):
                incident = Incident(IncidentKind.UNHEALTHY, key, name, image, labels=labels)
            elif action == "die":
                incident_or_none = self._judge_exit(key, name, image, event.attributes.get("exitCode", "0"))
                if incident_or_none is None:
                    return
                incident = replace(incident_or_none, labels=labels)
            else:
                return
        self._report(incident)

    def _judge_exit(self, key: str, name: str, image: str, exit_code_text: str) -> Incident | None:
        asked_at = self._requested.pop(key, None)
        if key in self._oom_killed:
            return None  # already reported as an OOM kill
        try:
            exit_code = int(exit_code_text)
        except ValueError:
            exit_code = -1
        if exit_code == 0:
            return None
        if asked_at is not None and self._clock() - asked_at <= REQUESTED_WINDOW:
            return None
        return Incident(IncidentKind.EXITED, key, name, image, exit_code)
