"""What can be done to eris services from the window: QActions, their dialogs, and the work behind them.

Every engine call runs through the OperationRunner with a ServiceManager made on the
worker thread; failures reach the person through ``report`` (errors.show_error).
While an action runs, its service's row says so ("starting…") until the states that
follow it arrive. The dialogs are in service_dialogs, copying data in and out in
service_data_transfer.
"""

from __future__ import annotations

import shlex
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

import docker
from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QDialog, QInputDialog, QMenu, QWidget

from app.engine.errors import EngineError
from app.engine.rows import ImageRow, Kind
from app.qt.live import EngineModels
from app.qt.notifications import Category, Notification, NotificationCenter, Severity
from app.qt.operations import OperationRunner
from app.qt.services_feed import ServicesFeed
from app.qt.services_model import ServiceRow
from app.services import images, service_io
from app.services.container_settings import DATA_ROOT
from app.services.errors import ServiceError
from app.services.lifecycle import ServiceManager
from app.services.status import ServiceState
from app.ui import errors
from app.ui.new_service_dialog import NewServiceDialog
from app.ui.service_data_transfer import ServiceDataTransfer
from app.ui.service_dialogs import LogsDialog, Question, TextDialog, ask, names_of
from app.ui.service_editor import ServiceEditor

Selection = Callable[[], list[ServiceRow]]


class ServiceActions(QObject):
    """The services pane's actions; ``selection`` says which rows they act on."""

    message = Signal(str)  # what the last action did, for the pane's status line
    editor_opened = Signal(object)  # ServiceEditor

    def __init__(
        self,
        window: QWidget,
        runner: OperationRunner,
        feed: ServicesFeed,
        selection: Selection,
        *,
        models: EngineModels | None = None,
        notifications: NotificationCenter | None = None,
        ensure_image: images.ImageFetcher = images.ensure_image,
        pull_image: images.ImageFetcher = images.pull_image,
    ) -> None:
        super().__init__(window)
        self._window = window
        self.runner = runner
        self.feed = feed
        self.selection = selection
        self.models = models
        self.notifications = notifications
        self.ensure_image = ensure_image
        self.pull_image = pull_image
        # Replaceable where no person can click (the tests drive the real dialogs instead).
        self.report: Callable[[QWidget | None, EngineError], None] = errors.show_error
        self.ask: Callable[[QWidget | None, Question], tuple[bool, bool]] = ask
        self.open_dialogs: list[QDialog] = []
        self.data_transfer = ServiceDataTransfer(window, selection, self.run, self.message.emit)
        self.new_action = self._action("New service…", "newServiceAction", self.new_service,
                                       "Make a service from an image reference", QKeySequence.StandardKey.New)
        self.edit_action = self._action("Edit…", "editServiceAction", self.edit_selected,
                                        "Edit the selected service's definition")
        self.start_action = self._action("Start", "startServiceAction", self.start_selected,
                                         "Start the selected services, their dependencies first")
        self.stop_action = self._action("Stop", "stopServiceAction", self.stop_selected,
                                        "Stop the selected services")
        self.restart_action = self._action("Restart", "restartServiceAction", self.restart_selected,
                                           "Restart the selected services")
        self.update_action = self._action("Update…", "updateServiceAction", self.update_selected,
                                          "Recreate the selected services from their definitions; data is kept")
        self.remove_action = self._action("Remove…", "removeServiceAction", self.remove_selected,
                                          "Remove the selected services' containers; data stays unless you ask")
        self.logs_action = self._action("Logs", "logsServiceAction", self.logs_of_selected,
                                        "Follow the selected service's log")
        self.exec_action = self._action("Run command…", "execServiceAction", self.exec_in_selected,
                                        "Run a command in the selected running service")
        self.import_action = self._action("Import files…", "importDataAction", self.import_into_selected,
                                          "Copy files into the selected service's data (or drop them on its row)")
        self.export_action = self._action("Export data…", "exportDataAction", self.export_selected,
                                          "Copy the selected service's data into a folder")
        self.update_enabled()

    def _action(self, text: str, name: str, slot: Callable[[], object], tip: str,
                shortcut: QKeySequence.StandardKey | None = None) -> QAction:
        action = QAction(text, self)
        action.setObjectName(name)
        action.setToolTip(tip)
        action.setStatusTip(tip)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
            action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        action.triggered.connect(lambda _checked=False: slot())
        return action

    def lifecycle_actions(self) -> list[QAction]:
        return [self.start_action, self.stop_action, self.restart_action, self.update_action, self.remove_action]

    def all_actions(self) -> list[QAction]:
        return [self.new_action, self.edit_action, *self.lifecycle_actions(), self.logs_action, self.exec_action,
                self.import_action, self.export_action]

    def context_menu(self) -> QMenu:
        menu = QMenu(self._window)
        for group in ([self.edit_action], self.lifecycle_actions(),
                      [self.logs_action, self.exec_action, self.import_action, self.export_action],
                      [self.new_action]):
            for action in group:
                menu.addAction(action)
            menu.addSeparator()
        return menu

    # ------------------------------------------------------------------ enabling

    def update_enabled(self) -> None:
        rows = [row for row in self.selection() if not row.busy]
        online = [row for row in rows if row.connected]
        one = online[0] if len(online) == 1 and len(rows) == 1 else None
        ready = self.feed.catalog is not None
        self.new_action.setEnabled(True)
        self.edit_action.setEnabled(len(rows) == 1 and rows[0].status.has_definition)
        self.start_action.setEnabled(ready and any(row.usable and not row.status.running for row in online))
        self.stop_action.setEnabled(any(row.status.running for row in online))
        self.restart_action.setEnabled(ready and any(row.has_container for row in online))
        self.update_action.setEnabled(ready and any(row.usable for row in online))
        self.remove_action.setEnabled(any(row.has_container or row.status.data_container for row in online))
        self.logs_action.setEnabled(one is not None and one.has_container)
        self.exec_action.setEnabled(one is not None and one.status.running)
        self.import_action.setEnabled(ready and one is not None and (
            bool(one.status.data_container) or (one.usable and one.wants_data)))
        self.export_action.setEnabled(one is not None and bool(one.status.data_container))
        update = self.update_action
        changed = [row.name for row in online if row.status.state is ServiceState.CHANGED]
        update.setToolTip(f"Apply the changed definition of {', '.join(changed)}; data is kept" if changed else
                          "Recreate the selected services from their definitions; data is kept")

    # ------------------------------------------------------------------ running

    def _work(self, work: Callable[[ServiceManager], Any]) -> Callable[[docker.APIClient], Any]:
        """``work`` as the runner takes it, with the definitions as they are now (read on the GUI thread)."""
        catalog = self.feed.catalog
        ensure_image, pull_image = self.ensure_image, self.pull_image

        def run(api: docker.APIClient) -> Any:
            if catalog is None:
                raise ServiceError("The service definitions are still being read", "", "Try again in a moment.")
            return work(ServiceManager(api, catalog, ensure_image=ensure_image, pull_image=pull_image))

        return run

    def run(self, name: str, busy: str, work: Callable[[ServiceManager], Any], doing: str,
            on_success: Callable[[Any], None] | None = None,
            on_failure: Callable[[EngineError], None] | None = None) -> None:
        """Run ``work`` with a ServiceManager off the GUI thread, ``name``'s row showing ``busy`` meanwhile."""
        if busy:
            self.feed.mark_busy(name, busy)
            self.update_enabled()

        def succeeded(result: Any) -> None:
            self.feed.finish(name)
            if on_success is not None:
                on_success(result)

        def failed(error: EngineError) -> None:
            self.feed.finish(name)
            self.message.emit(error.message)
            if on_failure is not None:
                on_failure(error)
            self.report(self._window, error)

        self.runner.run(self._work(work), doing, succeeded, failed)

    def start_selected(self) -> None:
        for row in self.selection():
            if row.usable and not row.status.running and not row.busy:
                self.start(row.name)

    def start(self, name: str) -> None:
        def started(names: list[str]) -> None:
            others = [other for other in names if other != name]
            after = f" (after {', '.join(others)})" if others else ""
            self.message.emit(f"Started {name}{after}." if name in names else f"{name} was already running.")

        self.run(name, "starting…", lambda manager: manager.start(name), f"Could not start {name}", started)

    def stop_selected(self) -> None:
        for row in self.selection():
            if row.status.running and not row.busy:
                self.stop(row.name)

    def stop(self, name: str) -> None:
        self.run(name, "stopping…", lambda manager: manager.stop(name), f"Could not stop {name}",
                 lambda _stopped: self.message.emit(f"Stopped {name}."))

    def restart_selected(self) -> None:
        for row in self.selection():
            if row.has_container and not row.busy:
                self.restart(row.name)

    def restart(self, name: str) -> None:
        self.run(name, "restarting…", lambda manager: manager.restart(name), f"Could not restart {name}",
                 lambda _result: self.message.emit(f"Restarted {name}."))

    # -- update

    def update_selected(self) -> None:
        rows = [row for row in self.selection() if row.usable and not row.busy]
        if not rows:
            return
        running = [row for row in rows if row.status.running]
        detail = ("The container is made again from the definition as it is now, under the same name. "
                  "The data container stays attached, with every file in it.")
        if running:
            detail += f" {names_of(running)} {'is' if len(running) == 1 else 'are'} stopped and started again."
        confirmed, pull = self.ask(self._window, Question(
            "Update services", f"Update {names_of(rows)}?", detail, "Update",
            tick="Pull the image first (get its newest version)", object_name="updateServiceDialog"))
        if confirmed:
            for row in rows:
                self.update(row.name, pull=pull)

    def update(self, name: str, *, pull: bool = False) -> None:
        def work(manager: ServiceManager) -> str:
            manager.update(name, pull=pull)
            return manager.status(name).container_id

        def updated(container_id: str) -> None:
            self.message.emit(f"Updated {name}; its data was kept.")
            pulled = " with a freshly pulled image" if pull else ""
            text = f"{name} now runs its current definition{pulled}; its data was kept."
            self._notify(Notification(Category.UPDATE, f"{name} updated", text,
                                      target=(Kind.CONTAINER, container_id) if container_id else None))

        def failed(error: EngineError) -> None:
            self._notify(Notification(Category.UPDATE, f"{name} was not updated", error.message, Severity.ERROR))

        self.run(name, "pulling and updating…" if pull else "updating…", work, f"Could not update {name}",
                 updated, failed)

    def _notify(self, notification: Notification) -> None:
        if self.notifications is not None:
            self.notifications.post(notification)

    # -- remove

    def remove_selected(self) -> None:
        rows = [row for row in self.selection()
                if (row.has_container or row.status.data_container) and not row.busy]
        if not rows:
            return
        with_data = [row for row in rows if row.status.data_container]
        detail = "Their service containers are removed." if len(rows) > 1 else "Its service container is removed."
        if with_data:
            detail += (f" The data of {names_of(with_data)} stays in its data container, so starting again finds it.")
        confirmed, delete_data = self.ask(self._window, Question(
            "Remove services", f"Remove {names_of(rows)}?", detail, "Remove",
            tick="Also delete the data (you will be asked again)" if with_data else "",
            object_name="removeServiceDialog"))
        if not confirmed:
            return
        if not delete_data:
            for row in rows:
                self.remove(row.name, delete_data=False)
            return
        names = [row.name for row in rows]
        self.runner.run(self._work(lambda manager: {name: manager.data_loss(name) for name in names}),
                        "Could not find out what the data holds", partial(self._confirm_data_loss, names),
                        lambda error: self.report(self._window, error))

    def _confirm_data_loss(self, names: list[str], losses: dict[str, str]) -> None:
        lost = [text for text in losses.values() if text]
        if lost:
            listing = "\n".join(f"• {text}" for text in lost)
            confirmed, _ = self.ask(self._window, Question(
                "Delete data for good", f"Delete the data of {', '.join(n for n in names if losses.get(n))}?",
                f"This deletes:\n{listing}\n\nIt cannot be undone; export the data first to keep a copy.",
                "Delete data and remove", object_name="deleteDataDialog"))
            if not confirmed:
                self.message.emit("Nothing was removed.")
                return
        for name in names:
            self.remove(name, delete_data=True)

    def remove(self, name: str, *, delete_data: bool = False) -> None:
        def removed(containers: list[str]) -> None:
            what = ", ".join(containers) or "nothing"
            kept = "" if delete_data else " Its data container stays."
            self.message.emit(f"Removed {what}.{kept}")

        self.run(name, "removing…", lambda manager: manager.remove(name, delete_data=delete_data),
                 f"Could not remove {name}", removed)

    # -- definitions

    def _imagenames_of(self) -> list[str]:
        if self.models is None:
            return []
        return [tag for row in self.models.model(Kind.IMAGE).rows() if isinstance(row, ImageRow)
                for tag in row.tags if not tag.startswith("<none>")]

    def new_service(self, image: str = "") -> ServiceEditor | None:
        """Ask for a name and an image, then open the editor on a new definition; the editor, or None."""
        dialog = NewServiceDialog(self.feed.folder, self._imagenames_of(), image, self._window)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return None
        return self.open_editor(dialog.path, dialog.definition_text())

    def edit_selected(self) -> None:
        rows = self.selection()
        if len(rows) == 1 and rows[0].status.path is not None:
            self.open_editor(rows[0].status.path)

    def open_editor(self, path: Path, text: str | None = None) -> ServiceEditor | None:
        try:
            editor = ServiceEditor(path, text, self._window, catalog=self.feed.catalog)
        except OSError as error:
            self.report(self._window, ServiceError(f"Could not open {path.name}", str(error)))
            return None
        editor.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        editor.saved.connect(lambda saved: self._saved(saved))
        editor.open()  # window-modal, and the event loop (the live views) keeps running
        self.editor_opened.emit(editor)
        return editor

    def _saved(self, path: Path) -> None:
        self.message.emit(f"Saved {path}.")
        self.feed.reload()

    # -- logs, commands

    def logs_of_selected(self) -> LogsDialog | None:
        rows = self.selection()
        if len(rows) != 1 or not rows[0].has_container:
            return None
        dialog = LogsDialog(self.runner, rows[0], self._window)
        self._keep(dialog)
        dialog.show()
        return dialog

    def _keep(self, dialog: QDialog) -> None:
        self.open_dialogs.append(dialog)
        dialog.finished.connect(lambda _result: self._forget(dialog))

    def _forget(self, dialog: QDialog) -> None:
        if dialog in self.open_dialogs:
            self.open_dialogs.remove(dialog)

    def exec_in_selected(self) -> None:
        rows = self.selection()
        if len(rows) != 1 or not rows[0].status.running:
            return
        name = rows[0].name
        dialog = QInputDialog(self._window)
        dialog.setObjectName("execCommandDialog")
        dialog.setWindowTitle(f"Run a command in {name}")
        dialog.setLabelText(f"Command to run in {rows[0].status.container} (as with docker exec):")
        dialog.setTextValue("ls -la /home/eris/.eris")
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        self.run_command(name, dialog.textValue())

    def run_command(self, name: str, command_line: str) -> None:
        try:
            command = shlex.split(command_line)
        except ValueError as error:
            self.report(self._window, ServiceError("Could not read the command", f"{error}.",
                                                   "Check its quotes."))
            return
        if not command:
            return

        def ran(result: service_io.ExecResult) -> None:
            outcome = "succeeded" if result.exit_code == 0 else f"ended with exit code {result.exit_code}"
            self.message.emit(f"{command_line} in {name} {outcome}.")
            dialog = TextDialog(f"{command_line} in {name}", f"<b>{command_line}</b> {outcome}.",
                                result.output or "(no output)", self._window)
            self._keep(dialog)
            dialog.show()

        self.run(name, "", lambda manager: service_io.run_command(manager, name, command),
                 f"Could not run {command_line} in {name}", ran)

    # -- data

    def import_into_selected(self) -> None:
        self.data_transfer.import_into_selected()

    def import_files(self, name: str, paths: list[Path]) -> None:
        """Copy ``paths`` (files or folders) into ``name``'s data folder, making its data container if needed."""
        self.data_transfer.import_files(name, paths)

    def export_selected(self) -> None:
        self.data_transfer.export_selected()

    def export_data(self, name: str, destination: Path, source: str = DATA_ROOT) -> None:
        """Copy ``source`` (the whole data folder by default) from ``name``'s data into ``destination``."""
        self.data_transfer.export_data(name, destination, source)

    def shutdown(self) -> None:
        for dialog in list(self.open_dialogs):
            dialog.close()
        self.open_dialogs.clear()
