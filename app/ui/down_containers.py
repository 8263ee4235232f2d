"""The containers the tray calls down: stopped unasked or unhealthy, until they are well again or gone."""

from __future__ import annotations

from dataclasses import dataclass

from app.engine.incidents import Incident
from app.engine.rows import ContainerRow, Kind
from app.engine.tracker import Status
from app.qt.live import EngineModels


@dataclass
class _Down:
    name: str
    seen_unwell: bool = False  # the list has shown what the event said


def _unwell(row: ContainerRow) -> bool:
    return row.state != "running" or "(unhealthy)" in row.status


class DownContainers:
    def __init__(self, models: EngineModels) -> None:
        self._models = models
        self._down: dict[str, _Down] = {}

    def add(self, incident: Incident) -> None:
        self._down[incident.key] = _Down(incident.name)

    def names(self) -> list[str]:
        containers = self._models.model(Kind.CONTAINER)
        # While the engine is away, or its list is still arriving, a missing row says nothing:
        # a container that died before an outage is still down after it.
        listed = self._models.state.status is Status.CONNECTED and not self._models.pending()
        for key, down in list(self._down.items()):
            row = containers.row_by_key(key)
            if not isinstance(row, ContainerRow):
                if listed:
                    del self._down[key]  # removed
                continue
            # The event comes before the list shows it: a row that still looks well is only
            # news once it has looked unwell (then it was started again, or recovered).
            if _unwell(row):
                down.seen_unwell = True
            elif down.seen_unwell:
                del self._down[key]
        return [down.name for down in self._down.values()]
