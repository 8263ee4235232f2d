"""Turns what happens on the engine into notifications: the engine lost and back, services dying."""

from __future__ import annotations

from PySide6.QtCore import QObject

from app.engine.incidents import Incident, IncidentKind
from app.engine.rows import Kind
from app.engine.tracker import ConnectionState, Status
from app.qt.notifications import Category, Notification, NotificationCenter, Severity
from app.services.naming import service_of


class EngineNotifier(QObject):
    def __init__(self, center: NotificationCenter, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._center = center
        self._was_connected = False
        self._lost_said = False

    def state_changed(self, state: ConnectionState) -> None:
        if state.status is Status.CONNECTED:
            if self._lost_said:
                self._center.post(Notification(Category.ENGINE, "Docker Engine is back",
                                               f"Connected again to {state.address}."))
            self._was_connected, self._lost_said = True, False
        elif state.status is Status.LOST and self._was_connected and not self._lost_said:
            # One notification per outage, not one per retry.
            self._lost_said = True
            reason = state.error.why if state.error else ""
            self._center.post(Notification(Category.ENGINE, "Lost the Docker Engine",
                                           f"{reason} The app keeps trying to reconnect.".strip(), Severity.ERROR))
        elif state.status is Status.STOPPED:
            self._was_connected = self._lost_said = False

    def incident(self, incident: Incident) -> None:
        service = service_of(incident.name, dict(incident.labels))
        title = f"Service {service} stopped" if service else "Container stopped"
        if incident.kind is IncidentKind.UNHEALTHY:
            title = f"Service {service} unhealthy" if service else "Container unhealthy"
        self._center.post(Notification(Category.SERVICE, title, incident.summary, Severity.WARNING,
                                       target=(Kind.CONTAINER, incident.key)))
