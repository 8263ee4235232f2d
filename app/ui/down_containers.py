"""The containers the tray calls down: stopped unasked or unhealthy, until they are well again or gone.

Told by the engine's events (the incident, and its end: a start, a healthy check, a removal),
never guessed from a list that may lag behind them. Only after an outage, when events were
missed, does the fresh list decide which of them are still down.
"""

from __future__ import annotations

from app.engine.incidents import Incident
from app.engine.rows import ContainerRow, Kind
from app.qt.live import EngineModels


class DownContainers:
    def __init__(self, models: EngineModels) -> None:
        self._models = models
        self._down: dict[str, str] = {}  # key → name

    def add(self, incident: Incident) -> None:
        self._down[incident.key] = incident.name

    def over(self, key: str) -> None:
        self._down.pop(key, None)

    def forget_all(self) -> None:
        """Another engine: its containers are not these."""
        self._down.clear()

    def relisted(self) -> None:
        containers = self._models.model(Kind.CONTAINER)
        for key in list(self._down):
            row = containers.row_by_key(key)
            if not isinstance(row, ContainerRow) or (row.state == "running" and "(unhealthy)" not in row.status):
                del self._down[key]  # removed, or started again, while the app was not listening

    def names(self) -> list[str]:
        return list(self._down.values())
