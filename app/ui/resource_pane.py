"""One resource list: a filter box over a sortable tree view, and a word when it is empty."""

from __future__ import annotations

from PySide6.QtCore import QItemSelectionModel, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QLineEdit,
    QStackedLayout,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from app.engine.rows import Kind, Row
from app.qt.filter_proxy import FilterProxy
from app.qt.resource_model import ROW_ROLE, ResourceModel

PLURAL = {Kind.CONTAINER: "containers", Kind.IMAGE: "images", Kind.VOLUME: "volumes", Kind.NETWORK: "networks"}


class ResourcePane(QWidget):
    selection_changed = Signal()

    def __init__(self, kind: Kind, model: ResourceModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.kind = kind
        self.source = model
        self.proxy = FilterProxy(self)
        self.proxy.setSourceModel(model)
        self.proxy.setFilterKeyColumn(-1)
        self.proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)

        self.filter_box = QLineEdit(self)
        self.filter_box.setObjectName(f"{PLURAL[kind]}Filter")
        self.filter_box.setPlaceholderText(f"Filter {PLURAL[kind]}…")
        self.filter_box.setClearButtonEnabled(True)
        self.filter_box.setAccessibleName(f"Filter {PLURAL[kind]}")
        self.filter_box.textChanged.connect(self.proxy.setFilterFixedString)

        self.view = QTreeView(self)
        self.view.setObjectName(f"{PLURAL[kind]}View")
        self.view.setAccessibleName(PLURAL[kind].capitalize())
        self.view.setModel(self.proxy)
        self.view.setRootIsDecorated(False)
        self.view.setUniformRowHeights(True)  # lets Qt skip measuring thousands of rows
        self.view.setAlternatingRowColors(True)
        self.view.setSortingEnabled(True)
        self.view.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.view.header().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.view.header().setStretchLastSection(True)
        for number, column in enumerate(model.columns()):
            self.view.header().resizeSection(number, column.width)
        self.view.selectionModel().selectionChanged.connect(lambda *_: self.selection_changed.emit())

        self.empty_label = QLabel(self)
        self.empty_label.setObjectName(f"{PLURAL[kind]}EmptyState")
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_label.setWordWrap(True)
        self.empty_label.setStyleSheet("color: palette(mid); font-size: 13pt; padding: 24px;")
        self.connected = False

        self._stack = QStackedLayout()
        self._stack.addWidget(self.view)
        self._stack.addWidget(self.empty_label)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 0)
        layout.addWidget(self.filter_box)
        layout.addLayout(self._stack, 1)
        for signal in (model.rowsInserted, model.rowsRemoved, self.proxy.layoutChanged, self.proxy.rowsRemoved,
                       self.proxy.rowsInserted):
            signal.connect(self._update_empty_state)
        self.filter_box.textChanged.connect(self._update_empty_state)
        self._update_empty_state()

    def showing_empty_state(self) -> bool:
        return self._stack.currentWidget() is self.empty_label

    def set_connected(self, connected: bool) -> None:
        self.connected = connected
        self._update_empty_state()

    def _update_empty_state(self) -> None:
        if self.proxy.rowCount():
            self._stack.setCurrentWidget(self.view)
            return
        if self.source.rowCount():
            self.empty_label.setText(f"No {PLURAL[self.kind]} match “{self.filter_box.text()}”.")
        elif self.connected:
            self.empty_label.setText(f"No {PLURAL[self.kind]} on this engine.")
        else:
            self.empty_label.setText("Not connected to a Docker Engine.")
        self._stack.setCurrentWidget(self.empty_label)

    def selected_rows(self) -> list[Row]:
        rows = []
        for index in self.view.selectionModel().selectedRows(0):
            row = index.data(ROW_ROLE)
            if row is not None:
                rows.append(row)
        return rows

    def select_key(self, key: str) -> None:
        source_index = self.source.index_of(key)
        index = self.proxy.mapFromSource(source_index)
        if index.isValid():
            flags = QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows
            self.view.selectionModel().setCurrentIndex(index, flags)
            self.view.scrollTo(index)
