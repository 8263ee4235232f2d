"""The services view's model: one row per eris service, with the words, colours and columns it is shown with.

``ServicesModel`` is a ResourceModel over ``ServiceRow``s keyed by the service's name,
so it changes row by row (never a reset) like the engine's own models. ``ServicesFeed``
(services_feed) keeps it current.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import cast

from PySide6.QtCore import QObject

from app.engine.rows import Row
from app.qt.icons import dot
from app.qt.resource_model import Column, ResourceModel
from app.services.status import ServiceState, ServiceStatus

STATE_WORDS = {
    ServiceState.NOT_CREATED: "not created",
    ServiceState.STOPPED: "stopped",
    ServiceState.RUNNING: "running",
    ServiceState.CHANGED: "changed",
    ServiceState.INVALID: "definition invalid",
}
STATE_COLOURS = {
    ServiceState.NOT_CREATED: "#c9cdd3",
    ServiceState.STOPPED: "#8a8f98",
    ServiceState.RUNNING: "#2e9d4f",
    ServiceState.CHANGED: "#d9a400",
    ServiceState.INVALID: "#c0392b",
}
BUSY_COLOUR = "#2f7fd8"
UNKNOWN_COLOUR = "#e2e4e8"
_STATE_ORDER = {state: number for number, state in enumerate(
    (ServiceState.RUNNING, ServiceState.CHANGED, ServiceState.STOPPED, ServiceState.NOT_CREATED, ServiceState.INVALID))}
NOT_CONNECTED = "Not connected to a Docker Engine: the state is not known."


@dataclass(frozen=True)
class ServiceRow:
    """A service as the view shows it: its status, plus what the window knows besides the engine."""

    status: ServiceStatus
    wants_data: bool = False  # the definition asks for a data container
    busy: str = ""  # "starting…" while an action on it runs
    connected: bool = True  # False: no engine answered, so the state is not known

    @property
    def key(self) -> str:
        return self.status.name

    @property
    def name(self) -> str:
        return self.status.name

    @property
    def usable(self) -> bool:
        """It has a definition that can be started (not an orphan container, not an invalid file)."""
        return self.status.has_definition and self.status.state is not ServiceState.INVALID

    @property
    def has_container(self) -> bool:
        return bool(self.status.container)


def state_text(row: ServiceRow) -> str:
    status = row.status
    if row.busy:
        return row.busy
    if not row.connected and status.state is not ServiceState.INVALID:
        return "unknown"
    if not status.has_definition:
        # Containers the engine has for a service no file defines (the eris tool's, or a deleted file's).
        return f"{STATE_WORDS[status.state] if status.container else 'data only'} · no file"
    text = STATE_WORDS[status.state]
    if status.state in (ServiceState.CHANGED, ServiceState.INVALID) and status.container:
        text += " (running)" if status.running else " (stopped)"
    return text


def state_tooltip(row: ServiceRow) -> str:
    status = row.status
    if status.errors:
        return "\n".join(error.message for error in status.errors)
    if not row.connected:
        return NOT_CONNECTED
    return status.reason


def state_colour(row: ServiceRow) -> str:
    if row.busy:
        return BUSY_COLOUR
    if not row.connected and row.status.state is not ServiceState.INVALID:
        return UNKNOWN_COLOUR
    return STATE_COLOURS[row.status.state]


def _ports_tooltip(row: ServiceRow) -> str:
    status = row.status
    lines = [f"Declared: {', '.join(status.ports) or 'none'}"]
    if status.container:
        lines.append(f"Published by the engine: {', '.join(status.published) or 'none'}")
    return "\n".join(lines)


def data_text(row: ServiceRow) -> str:
    if row.status.data_container:
        return row.status.data_container
    return "made on first start" if row.wants_data else ""


def _name_tooltip(row: ServiceRow) -> str:
    path = row.status.path
    if path is None:
        return "No definition file describes this service; its containers were found on the engine."
    return str(path)


def service_columns() -> list[Column]:
    return [
        Column("Name", lambda r: r.name, tooltip=_name_tooltip, width=170),
        Column("State", state_text, decoration=lambda r: dot(state_colour(r)), tooltip=state_tooltip, width=175,
               sort_key=lambda r: (_STATE_ORDER[r.status.state], r.name)),
        Column("Image", lambda r: r.status.image, tooltip=lambda r: r.status.image, width=170),
        Column("Ports", lambda r: ", ".join(r.status.ports), tooltip=_ports_tooltip, width=150),
        Column("Data container", data_text, tooltip=data_text, width=170),
    ]


class ServicesModel(ResourceModel):
    """Service rows keyed by name; changes by rows only (see ResourceModel)."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(service_columns(), parent)

    def set_rows(self, rows: Iterable[ServiceRow]) -> None:
        # ResourceModel only needs ``.key`` and equality from its rows.
        self.replace_all(cast("list[Row]", list(rows)))

    def update_row(self, row: ServiceRow) -> None:
        self.upsert(cast("list[Row]", [row]))

    def service(self, name: str) -> ServiceRow | None:
        row: object = self.row_by_key(name)
        return row if isinstance(row, ServiceRow) else None

    def services(self) -> list[ServiceRow]:
        return [row for row in cast("list[object]", self.rows()) if isinstance(row, ServiceRow)]
