"""Copying files into a service's data, and its data out into a folder, for the services pane's actions."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtWidgets import QFileDialog, QWidget

from app.qt.services_model import ServiceRow
from app.services import data
from app.services.container_settings import DATA_ROOT
from app.services.lifecycle import ServiceManager

# ServiceActions.run: (service name, busy words, work, what failing means, on success).
Run = Callable[[str, str, Callable[[ServiceManager], Any], str, Callable[[Any], None]], None]


class ServiceDataTransfer:
    """Imports into and exports from the data container of the one selected service."""

    def __init__(self, window: QWidget, selection: Callable[[], list[ServiceRow]], run: Run,
                 say: Callable[[str], None]) -> None:
        self._window = window
        self._selection = selection
        self._run = run
        self._say = say  # what the transfer did, for the pane's status line

    def import_into_selected(self) -> None:
        rows = self._selection()
        if len(rows) != 1:
            return
        files, _ = QFileDialog.getOpenFileNames(self._window, f"Import files into the data of {rows[0].name}")
        if files:
            self.import_files(rows[0].name, [Path(file) for file in files])

    def import_files(self, name: str, paths: list[Path]) -> None:
        """Copy ``paths`` (files or folders) into ``name``'s data folder, making its data container if needed."""
        if not paths:
            return

        def work(manager: ServiceManager) -> tuple[str, list[str]]:
            container = data.data_container_of(manager, name, create=True)
            return container, [data.import_path(manager.api, container, path) for path in paths]

        def imported(result: tuple[str, list[str]]) -> None:
            container, targets = result
            self._say(f"Imported {', '.join(targets)} into {container}.")

        self._run(name, "importing…", work, f"Could not import files into the data of {name}", imported)

    def export_selected(self) -> None:
        rows = self._selection()
        if len(rows) != 1 or not rows[0].status.data_container:
            return
        folder = QFileDialog.getExistingDirectory(self._window, f"Export the data of {rows[0].name} into")
        if folder:
            self.export_data(rows[0].name, Path(folder))

    def export_data(self, name: str, destination: Path, source: str = DATA_ROOT) -> None:
        """Copy ``source`` (the whole data folder by default) from ``name``'s data into ``destination``."""

        def work(manager: ServiceManager) -> Path:
            container = data.data_container_of(manager, name)
            return data.export_path(manager.api, container, source, destination)

        self._run(name, "exporting…", work, f"Could not export the data of {name}",
                  lambda path: self._say(f"Exported the data of {name} to {path}."))
