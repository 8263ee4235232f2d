"""Remembers the window's geometry, column widths, splitter and last view between runs."""

from __future__ import annotations

from PySide6.QtCore import QByteArray, QSettings
from PySide6.QtWidgets import QMainWindow, QSplitter, QTabWidget, QTreeView

from app.settings import config_dir


class WindowState:
    def __init__(self) -> None:
        self._store = QSettings(str(config_dir() / "window.ini"), QSettings.Format.IniFormat)

    def restore(self, window: QMainWindow, splitter: QSplitter, tabs: QTabWidget, views: dict[str, QTreeView]) -> None:
        geometry = self._store.value("window/geometry")
        if isinstance(geometry, QByteArray):
            window.restoreGeometry(geometry)
        state = self._store.value("window/state")
        if isinstance(state, QByteArray):
            window.restoreState(state)
        sizes = self._store.value("window/splitter")
        if isinstance(sizes, QByteArray):
            splitter.restoreState(sizes)
        for name, view in views.items():
            header = self._store.value(f"columns/{name}")
            if isinstance(header, QByteArray):
                view.header().restoreState(header)
        tab = self._store.value("window/tab")
        if tab is not None and str(tab).isdigit() and int(str(tab)) < tabs.count():
            tabs.setCurrentIndex(int(str(tab)))

    def save(self, window: QMainWindow, splitter: QSplitter, tabs: QTabWidget, views: dict[str, QTreeView]) -> None:
        self._store.setValue("window/geometry", window.saveGeometry())
        self._store.setValue("window/state", window.saveState())
        self._store.setValue("window/splitter", splitter.saveState())
        self._store.setValue("window/tab", tabs.currentIndex())
        for name, view in views.items():
            self._store.setValue(f"columns/{name}", view.header().saveState())
        self._store.sync()
