"""Details of the selected object: inspect as a tree, a container's log, an image's layers."""

from __future__ import annotations

import json
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTabWidget,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app import humanize
from app.engine import details
from app.engine.errors import EngineError
from app.engine.rows import Kind, Row, short_id
from app.qt.operations import OperationRunner
from app.ui.log_view import LogView


def _fill(parent: QTreeWidgetItem | QTreeWidget, value: Any) -> None:
    items = value.items() if isinstance(value, dict) else enumerate(value)
    for key, child in items:
        item = QTreeWidgetItem([str(key)])
        if isinstance(child, (dict, list)) and child:
            noun = "key" if isinstance(child, dict) else "item"
            item.setText(1, f"{len(child)} {noun}{'s' if len(child) != 1 else ''}")
            item.setForeground(1, QGuiApplication.palette().placeholderText())
            _fill(item, child)
        else:
            item.setText(1, json.dumps(child) if not isinstance(child, str) else child)
            item.setData(1, Qt.ItemDataRole.UserRole, child)
        if isinstance(parent, QTreeWidget):
            parent.addTopLevelItem(item)
        else:
            parent.addChild(item)


def _path_of(item: QTreeWidgetItem) -> tuple[str, ...]:
    path: list[str] = []
    node: QTreeWidgetItem | None = item
    while node is not None:
        path.append(node.text(0))
        node = node.parent()
    return tuple(reversed(path))


def _items(tree: QTreeWidget) -> list[tuple[tuple[str, ...], QTreeWidgetItem]]:
    """Every item with its path of keys, parents before children."""
    found: list[tuple[tuple[str, ...], QTreeWidgetItem]] = []
    pending: list[tuple[tuple[str, ...], QTreeWidgetItem]] = []
    for number in range(tree.topLevelItemCount()):
        top = tree.topLevelItem(number)
        if top is not None:
            pending.append(((top.text(0),), top))
    while pending:
        path, item = pending.pop()
        found.append((path, item))
        for number in range(item.childCount()):
            child = item.child(number)
            if child is not None:
                pending.append(((*path, child.text(0)), child))
    return found


class InspectTree(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.tree = QTreeWidget(self)
        self.tree.setObjectName("inspectTree")
        self.tree.setAccessibleName("Inspect")
        self.tree.setHeaderLabels(["Key", "Value"])
        self.tree.setColumnWidth(0, 220)
        self.tree.setUniformRowHeights(True)
        self.copy_button = QPushButton("Copy as JSON", self)
        self.copy_button.clicked.connect(self.copy)
        self.copy_value_button = QPushButton("Copy value", self)
        self.copy_value_button.clicked.connect(self.copy_value)
        self.status = QLabel(self)
        bar = QHBoxLayout()
        bar.addWidget(self.status, 1)
        bar.addWidget(self.copy_value_button)
        bar.addWidget(self.copy_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(bar)
        layout.addWidget(self.tree, 1)
        self._document: dict[str, Any] = {}

    def show_document(self, document: dict[str, Any]) -> None:
        self._document = document
        self.tree.clear()
        _fill(self.tree, document)
        self.tree.expandToDepth(0)
        self.status.setText("")

    def update_document(self, document: dict[str, Any]) -> None:
        """The same object again, changed: keep what the person opened, selected and scrolled to."""
        if not self._document:
            self.show_document(document)
            return
        expanded = {path for path, item in _items(self.tree) if item.isExpanded()}
        current = self.tree.currentItem()
        current_path = _path_of(current) if current is not None else None
        scroll = self.tree.verticalScrollBar().value()
        self.show_document(document)
        for path, item in _items(self.tree):
            item.setExpanded(path in expanded)
            if path == current_path:
                self.tree.setCurrentItem(item)
        self.tree.verticalScrollBar().setValue(scroll)

    def show_message(self, text: str) -> None:
        self._document = {}
        self.tree.clear()
        self.status.setText(text)

    def copy(self) -> None:
        QGuiApplication.clipboard().setText(json.dumps(self._document, indent=2))

    def copy_value(self) -> None:
        item = self.tree.currentItem()
        if item is not None:
            QGuiApplication.clipboard().setText(item.text(1))


class HistoryTable(QTreeWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("historyView")
        self.setAccessibleName("Image layers")
        self.setRootIsDecorated(False)
        self.setHeaderLabels(["Created by", "Size", "Created", "Layer"])
        self.setUniformRowHeights(True)
        self.header().setStretchLastSection(False)
        self.header().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column in (1, 2, 3):
            self.header().setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)

    def show_history(self, entries: list[details.HistoryEntry]) -> None:
        self.clear()
        for entry in entries:
            command = entry.created_by.replace("/bin/sh -c #(nop) ", "").strip() or entry.comment or "(imported)"
            item = QTreeWidgetItem([command, humanize.size(entry.size), humanize.ago(entry.created),
                                    short_id(entry.layer_id) if entry.layer_id != "<missing>" else ""])
            item.setToolTip(0, entry.created_by)
            item.setTextAlignment(1, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            self.addTopLevelItem(item)


class DetailsPane(QTabWidget):
    def __init__(self, runner: OperationRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("detailsPane")
        self._runner = runner
        self.inspect = InspectTree(self)
        self.logs = LogView(self)
        self.history = HistoryTable(self)
        self.addTab(self.inspect, "Inspect")
        self.addTab(self.logs, "Logs")
        self.addTab(self.history, "Layers")
        self._shown: tuple[Kind, str] | None = ("unset", "")  # type: ignore[assignment]  # forces the first show
        self.show_row(None, None)

    def show_row(self, kind: Kind | None, row: Row | None) -> None:
        shown = (kind, row.key) if kind is not None and row is not None else None
        if shown == self._shown:
            return
        self._shown = shown
        self.setTabVisible(self.indexOf(self.logs), kind is Kind.CONTAINER)
        self.setTabVisible(self.indexOf(self.history), kind is Kind.IMAGE)
        if kind is None or row is None:
            self._runner.cancel_slot("inspect")
            self._runner.cancel_slot("history")
            self.inspect.show_message("Select one object to see its details.")
            self.logs.clear()
            return
        self.inspect.show_message("Loading…")
        self._runner.run(lambda api: details.inspect(api, kind, row.key), "Could not inspect",
                         self.inspect.show_document, self._inspect_failed, slot="inspect")
        if kind is Kind.CONTAINER:
            self.logs.show_container(self._runner.endpoint, row.key)
        else:
            self.logs.clear()
        if kind is Kind.IMAGE:
            self.history.clear()
            self._runner.run(lambda api: details.image_history(api, row.key), "Could not read the layers",
                             self.history.show_history, self._inspect_failed, slot="history")

    def _inspect_failed(self, error: EngineError) -> None:
        self.inspect.show_message(error.message)

    def refresh(self) -> None:
        """Inspect again (the object changed); keeps the log running."""
        shown, self._shown = self._shown, None
        if shown is not None and shown[0] is not None:
            kind, key = shown
            self._shown = shown
            self._runner.run(lambda api: details.inspect(api, kind, key), "Could not inspect",
                             self.inspect.update_document, self._inspect_failed, slot="inspect")

    def shutdown(self) -> None:
        self.logs.stop()
