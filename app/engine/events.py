"""The engine's event stream, reduced to what each event means for one row."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import Any

from app.engine.rows import Kind

# Actions that change what a row shows. Others (exec_*, attach, resize, top,
# archive-path, mount/unmount, connect/disconnect, push, save…) leave every
# column as it was, so they cost no request.
_REFRESHING: dict[Kind, frozenset[str]] = {
    Kind.CONTAINER: frozenset(
        {"create", "start", "restart", "die", "stop", "kill", "pause", "unpause", "rename", "update", "oom"}
    ),
    Kind.IMAGE: frozenset({"pull", "tag", "untag", "import", "load", "create"}),
    Kind.VOLUME: frozenset({"create"}),
    Kind.NETWORK: frozenset({"create"}),
}
_REMOVING: dict[Kind, frozenset[str]] = {
    Kind.CONTAINER: frozenset({"destroy"}),
    Kind.IMAGE: frozenset({"delete"}),
    Kind.VOLUME: frozenset({"destroy"}),
    Kind.NETWORK: frozenset({"destroy"}),
}

WATCHED_TYPES = tuple(kind.value for kind in Kind)

# The state a container must show once an event has taken effect. The engine announces
# some events before its list endpoint reflects them (a "die" can still list as running),
# so the tracker checks again shortly when the listed state (or, after a rename, the
# listed name) does not match yet.
_SETTLED_STATES: dict[str, frozenset[str]] = {
    "start": frozenset({"running", "exited", "dead"}),  # a container may start and exit at once
    "unpause": frozenset({"running", "exited", "dead"}),
    "pause": frozenset({"paused"}),
    "die": frozenset({"exited", "dead", "restarting"}),
    "stop": frozenset({"exited", "dead", "restarting"}),
}


@dataclass(frozen=True)
class Expectation:
    """What a container's listed row must show once its last event has taken effect."""

    states: frozenset[str] | None = None  # one of these states
    name: str | None = None  # this name (after a rename)

    def met_by(self, state: str, name: str) -> bool:
        return (self.states is None or state in self.states) and (self.name is None or name == self.name)


class Effect(str, Enum):
    REFRESH = "refresh"  # fetch the object again and replace (or insert) its row
    REMOVE = "remove"  # drop its row


@dataclass(frozen=True)
class EngineEvent:
    kind: Kind
    action: str
    actor_id: str
    attributes: dict[str, str]
    time_nano: int

    @property
    def effect(self) -> Effect | None:
        # health_status events carry the new health after a colon
        action = self.action.split(":", 1)[0]
        if action in _REMOVING[self.kind]:
            return Effect.REMOVE
        if action in _REFRESHING[self.kind] or action == "health_status":
            return Effect.REFRESH
        return None


    @property
    def expectation(self) -> Expectation | None:
        """What the container's row must show once the list has caught up with this event."""
        if self.kind is not Kind.CONTAINER:
            return None
        if self.action == "rename" and self.attributes.get("name"):
            return Expectation(name=self.attributes["name"].lstrip("/"))
        states = _SETTLED_STATES.get(self.action)
        return Expectation(states=states) if states is not None else None


def parse_event(raw: dict[str, Any]) -> EngineEvent | None:
    """An EngineEvent for the four watched object types, None for anything else."""
    try:
        kind = Kind(raw.get("Type", ""))
    except ValueError:
        return None
    actor = raw.get("Actor") or {}
    actor_id = str(actor.get("ID") or raw.get("id") or "")
    if not actor_id:
        return None
    attributes = {str(k): str(v) for k, v in (actor.get("Attributes") or {}).items()}
    return EngineEvent(
        kind=kind,
        action=str(raw.get("Action") or raw.get("status") or ""),
        actor_id=actor_id,
        attributes=attributes,
        time_nano=int(raw.get("timeNano") or int(raw.get("time") or 0) * 1_000_000_000),
    )
