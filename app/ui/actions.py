"""Actions on the selection: toolbar, context menu and keyboard, all run off the GUI thread."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

import docker
from PySide6.QtCore import QObject
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMenu, QWidget

from app.engine import actions as engine_actions
from app.engine.actions import ContainerAction
from app.engine.errors import EngineError, ObjectInUse
from app.engine.rows import ContainerRow, ImageRow, Kind, NetworkRow, Row, VolumeRow
from app.qt.live import EngineModels
from app.qt.operations import OperationRunner
from app.ui import errors
from app.ui.resource_pane import ResourcePane

SHORTCUTS = {
    ContainerAction.START: "Ctrl+Shift+S",
    ContainerAction.STOP: "Ctrl+Shift+X",
    ContainerAction.RESTART: "Ctrl+Shift+R",
    ContainerAction.PAUSE: "Ctrl+Shift+P",
    ContainerAction.UNPAUSE: "Ctrl+Shift+U",
    ContainerAction.KILL: "Ctrl+Shift+K",
}
ConfirmFn = Callable[[QWidget | None, str, str, str, str], bool]


def _names(rows: list[Row]) -> str:
    names = [getattr(row, "name", row.key) for row in rows]
    return ", ".join(names[:8]) + (f" and {len(names) - 8} more" if len(names) > 8 else "")


class ActionController(QObject):
    def __init__(self, window: QWidget, runner: OperationRunner, models: EngineModels) -> None:
        super().__init__(window)
        self._window = window
        self._runner = runner
        self._models = models
        self._pane: ResourcePane | None = None
        self.confirm: ConfirmFn = errors.confirm  # replaceable where no person can click
        self.report: Callable[[QWidget | None, EngineError], None] = errors.show_error
        self.container_actions: dict[ContainerAction, QAction] = {}
        for action in ContainerAction:
            if action is ContainerAction.REMOVE:
                continue
            qaction = QAction(action.label, self)
            qaction.setObjectName(f"{action.value}Action")
            qaction.setShortcut(QKeySequence(SHORTCUTS[action]))
            qaction.setToolTip(f"{action.label} the selected containers ({SHORTCUTS[action]})")
            qaction.triggered.connect(partial(self.run_container_action, action))
            self.container_actions[action] = qaction
        self.remove_action = QAction("Remove", self)
        self.remove_action.setObjectName("removeAction")
        self.remove_action.setShortcut(QKeySequence.StandardKey.Delete)
        self.remove_action.triggered.connect(lambda: self.remove_selection(force=False))
        self.force_remove_action = QAction("Force remove", self)
        self.force_remove_action.setObjectName("forceRemoveAction")
        self.force_remove_action.setShortcut(QKeySequence("Shift+Del"))
        self.force_remove_action.triggered.connect(lambda: self.remove_selection(force=True))
        for qaction in self.all_actions():
            window.addAction(qaction)
        self.update_enabled()

    def all_actions(self) -> list[QAction]:
        return [*self.container_actions.values(), self.remove_action, self.force_remove_action]

    def set_pane(self, pane: ResourcePane | None) -> None:
        self._pane = pane
        self.update_enabled()

    def selection(self) -> list[Row]:
        return self._pane.selected_rows() if self._pane else []

    def update_enabled(self) -> None:
        rows = self.selection()
        kind = self._pane.kind if self._pane else None
        containers = [row for row in rows if isinstance(row, ContainerRow)]
        for action, qaction in self.container_actions.items():
            qaction.setVisible(kind is Kind.CONTAINER)
            qaction.setEnabled(any(action.allowed(row.state) for row in containers))
        self.remove_action.setEnabled(bool(rows))
        self.force_remove_action.setEnabled(bool(rows) and kind in (Kind.CONTAINER, Kind.IMAGE))
        self.force_remove_action.setVisible(kind in (Kind.CONTAINER, Kind.IMAGE))

    def context_menu(self) -> QMenu:
        menu = QMenu(self._window)
        for qaction in self.all_actions():
            if qaction.isVisible():
                menu.addAction(qaction)
        return menu

    # -- running

    def _run(self, work: Callable[[docker.APIClient], object], doing: str) -> None:
        self._runner.run(work, doing, on_failure=lambda error: self.report(self._window, error))

    def run_container_action(self, action: ContainerAction) -> None:
        for row in self.selection():
            if isinstance(row, ContainerRow) and action.allowed(row.state):
                self._run(
                    partial(engine_actions.act_on_container, action=action, row=row),
                    f"Could not {action.value} container {row.name}",
                )

    def remove_selection(self, *, force: bool) -> None:
        rows = self.selection()
        if not rows:
            return
        removers = {
            Kind.CONTAINER: self._remove_containers,
            Kind.IMAGE: self._remove_images,
            Kind.VOLUME: self._remove_volumes,
            Kind.NETWORK: self._remove_networks,
        }
        removers[self._pane.kind if self._pane else Kind.CONTAINER](rows, force)

    def _remove_containers(self, rows: list[Row], force: bool) -> None:
        containers = [row for row in rows if isinstance(row, ContainerRow)]
        running = [row for row in containers if row.state in ("running", "restarting", "paused")]
        detail = "Their writable layers are deleted; volumes stay."
        label = "Remove"
        if running:
            verb = "is" if len(running) == 1 else "are"
            detail = f"{_names(list(running))} {verb} running and will be killed. {detail}"
            label = "Kill and remove"
            force = True
        if not self.confirm(self._window, "Remove containers", f"Remove {_names(list(containers))}?", detail, label):
            return
        for row in containers:
            self._run(
                partial(engine_actions.act_on_container, action=ContainerAction.REMOVE, row=row, force=force),
                f"Could not remove container {row.name}",
            )

    def _container_rows(self) -> list[ContainerRow]:
        return [row for row in self._models.model(Kind.CONTAINER).rows() if isinstance(row, ContainerRow)]

    def _remove_images(self, rows: list[Row], force: bool) -> None:
        images = [row for row in rows if isinstance(row, ImageRow)]
        containers = self._container_rows()
        users = {image.key: engine_actions.users_of_image(containers, image) for image in images}
        in_use = [image for image in images if users[image.key]]
        if in_use and not force:
            image = in_use[0]
            names = ", ".join(row.name for row in users[image.key][:5])
            self.report(self._window, ObjectInUse(
                f"Could not remove image {image.name}",
                f"It is used by {len(users[image.key])} container(s): {names}.",
                "Remove those containers first, or use Force remove (Shift+Delete).",
            ))
            return
        detail = "Layers that no other image uses are deleted from disk."
        if in_use:
            detail = f"{_names(list(in_use))} {'is' if len(in_use) == 1 else 'are'} used by containers; " \
                     "they keep running but lose their image's name. " + detail
        if not self.confirm(self._window, "Remove images", f"Remove {_names(list(images))}?", detail,
                            "Force remove" if force else "Remove"):
            return
        for image in images:
            self._run(
                partial(engine_actions.remove_image, image=image, users=users[image.key], force=force),
                f"Could not remove image {image.name}",
            )

    def _remove_volumes(self, rows: list[Row], _force: bool) -> None:
        volumes = [row for row in rows if isinstance(row, VolumeRow)]
        containers = self._container_rows()
        users = {volume.key: engine_actions.users_of_volume(containers, volume) for volume in volumes}
        in_use = [volume for volume in volumes if users[volume.key]]
        if in_use:
            volume = in_use[0]
            self.report(self._window, ObjectInUse(
                f"Could not remove volume {volume.name}",
                f"It is used by {', '.join(row.name for row in users[volume.key][:5])}.",
                "Remove those containers first.",
            ))
            return
        if not self.confirm(self._window, "Remove volumes", f"Remove {_names(list(volumes))}?",
                            "The data in them is deleted for good.", "Remove"):
            return
        for volume in volumes:
            self._run(partial(engine_actions.remove_volume, volume=volume, users=[]),
                      f"Could not remove volume {volume.name}")

    def _remove_networks(self, rows: list[Row], _force: bool) -> None:
        networks = [row for row in rows if isinstance(row, NetworkRow)]
        if not self.confirm(self._window, "Remove networks", f"Remove {_names(list(networks))}?",
                            "Containers must be disconnected first.", "Remove"):
            return
        for network in networks:
            self._run(partial(engine_actions.remove_network, network=network),
                      f"Could not remove network {network.name}")
