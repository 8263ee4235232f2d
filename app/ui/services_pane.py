"""The Services tab: every eris service with its state, the actions on them, and files dropped onto them.

Mounting it in the main window (after ``self.runner`` and ``self.models`` exist)::

    from app.ui.services_pane import build_services_tab

    self.services_pane = build_services_tab(self)           # a ServicesPane
    self.tabs.insertTab(0, self.services_pane, "Services")
    # once self.notifications exists (update-finished notifications):
    self.services_pane.set_notifications(self.notifications)
    # in shutdown(), before self.runner.shutdown():
    self.services_pane.shutdown()

The pane brings its own toolbar, context menu and status line, so it needs nothing
else from the window. Its QActions (``pane.controller.all_actions()``) can also go in a
menu; their shortcuts only act while the pane has the focus.
"""

from __future__ import annotations

from pathlib import Path
from typing import Protocol

from PySide6.QtCore import (
    QItemSelectionModel,
    QMimeData,
    QModelIndex,
    QPersistentModelIndex,
    QPoint,
    QSortFilterProxyModel,
    Qt,
    Signal,
)
from PySide6.QtGui import QColor, QDragEnterEvent, QDragLeaveEvent, QDragMoveEvent, QDropEvent, QPainter
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QLineEdit,
    QStackedLayout,
    QStyleOptionViewItem,
    QToolBar,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from app.qt.live import EngineModels
from app.qt.notifications import NotificationCenter
from app.qt.operations import OperationRunner
from app.qt.pulls import ManagedImageFetcher, PullsController
from app.qt.resource_model import KEY_ROLE, ROW_ROLE, SORT_ROLE
from app.qt.services_feed import ServicesFeed
from app.qt.services_model import ServiceRow, ServicesModel
from app.services import images
from app.ui.service_actions import ServiceActions

AnyIndex = QModelIndex | QPersistentModelIndex


def dropped_paths(mime: QMimeData | None) -> list[Path]:
    """The local files and folders a drag carries."""
    if mime is None or not mime.hasUrls():
        return []
    return [Path(url.toLocalFile()) for url in mime.urls() if url.isLocalFile() and url.toLocalFile()]


class ServicesView(QTreeView):
    """The services list; files dropped on a row are handed on with the row's service name."""

    files_dropped = Signal(str, list)  # service name, list[Path]

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("servicesView")
        self.setAccessibleName("Services")
        self.setAcceptDrops(True)
        self.viewport().setAcceptDrops(True)
        self.setDragDropMode(QAbstractItemView.DragDropMode.DropOnly)
        self.setDropIndicatorShown(False)  # the whole target row is tinted instead
        self._drop_row = -1
        self.accepts_files = lambda _name: True  # the pane says which services can take files

    def service_at(self, point: QPoint) -> str:
        """The name of the service whose row is at ``point`` (viewport coordinates), "" if none."""
        index = self.indexAt(point)
        if not index.isValid():
            return ""
        name = index.siblingAtColumn(0).data(KEY_ROLE)
        return name if isinstance(name, str) else ""

    def _target(self, event: QDropEvent | QDragMoveEvent) -> str:
        name = self.service_at(event.position().toPoint())
        return name if name and dropped_paths(event.mimeData()) and self.accepts_files(name) else ""

    def _tint(self, point: QPoint | None) -> None:
        row = self.indexAt(point).row() if point is not None else -1
        if row != self._drop_row:
            self._drop_row = row
            self.viewport().update()

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:  # noqa: N802 - Qt's name
        if dropped_paths(event.mimeData()):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dragMoveEvent(self, event: QDragMoveEvent) -> None:  # noqa: N802
        if self._target(event):
            event.setDropAction(Qt.DropAction.CopyAction)
            event.accept()
            self._tint(event.position().toPoint())
        else:
            event.ignore()
            self._tint(None)

    def dragLeaveEvent(self, event: QDragLeaveEvent) -> None:  # noqa: N802
        self._tint(None)
        event.accept()

    def dropEvent(self, event: QDropEvent) -> None:  # noqa: N802
        self._tint(None)
        name = self._target(event)
        if not name:
            event.ignore()
            return
        event.setDropAction(Qt.DropAction.CopyAction)
        event.accept()
        self.files_dropped.emit(name, dropped_paths(event.mimeData()))

    def drawRow(self, painter: QPainter, option: QStyleOptionViewItem, index: AnyIndex) -> None:  # noqa: N802
        if index.row() == self._drop_row:
            colour = QColor(self.palette().highlight().color())
            colour.setAlpha(70)
            painter.fillRect(option.rect, colour)  # type: ignore[attr-defined]
        super().drawRow(painter, option, index)


class ServicesPane(QWidget):
    """Services: a filter box over the live list, a toolbar of actions and a status line."""

    selection_changed = Signal()

    def __init__(
        self,
        runner: OperationRunner,
        models: EngineModels | None = None,
        notifications: NotificationCenter | None = None,
        *,
        home: Path | None = None,
        ensure_image: images.ImageFetcher = images.ensure_image,
        pull_image: images.ImageFetcher = images.pull_image,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("servicesPane")
        self.source = ServicesModel(self)
        self.feed = ServicesFeed(runner, self.source, models, home, self)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.source)
        self.proxy.setSortRole(SORT_ROLE)
        self.proxy.setFilterKeyColumn(-1)
        self.proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.proxy.setSortCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.proxy.setDynamicSortFilter(True)

        self.filter_box = QLineEdit(self)
        self.filter_box.setObjectName("servicesFilter")
        self.filter_box.setPlaceholderText("Filter services…")
        self.filter_box.setClearButtonEnabled(True)
        self.filter_box.setAccessibleName("Filter services")
        self.filter_box.textChanged.connect(self.proxy.setFilterFixedString)

        self.view = ServicesView(self)
        self.view.setModel(self.proxy)
        self.view.setRootIsDecorated(False)
        self.view.setUniformRowHeights(True)
        self.view.setAlternatingRowColors(True)
        self.view.setSortingEnabled(True)
        self.view.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.view.header().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.view.header().setStretchLastSection(True)
        for number, column in enumerate(self.source.columns()):
            self.view.header().resizeSection(number, column.width)
        self.view.accepts_files = self._accepts_files
        self.view.files_dropped.connect(self._files_dropped)

        self.controller = ServiceActions(self, runner, self.feed, self.selected_rows, models=models,
                                      notifications=notifications, ensure_image=ensure_image, pull_image=pull_image)
        self.toolbar = QToolBar("Services", self)
        self.toolbar.setObjectName("servicesToolbar")
        self.toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self.toolbar.addAction(self.controller.new_action)
        self.toolbar.addAction(self.controller.edit_action)
        self.toolbar.addSeparator()
        for action in self.controller.lifecycle_actions():
            self.toolbar.addAction(action)
        self.toolbar.addSeparator()
        for action in (self.controller.logs_action, self.controller.exec_action, self.controller.import_action,
                       self.controller.export_action):
            self.toolbar.addAction(action)
        for action in self.controller.all_actions():
            self.addAction(action)  # their shortcuts work while the pane has the focus

        self.empty_label = QLabel(self)
        self.empty_label.setObjectName("servicesEmptyState")
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_label.setWordWrap(True)
        self.empty_label.setStyleSheet("color: palette(mid); font-size: 13pt; padding: 24px;")
        self.status_label = QLabel(self)
        self.status_label.setObjectName("servicesStatus")
        self.status_label.setWordWrap(True)
        self.status_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.status_label.setStyleSheet("color: palette(placeholder-text); padding: 2px 4px;")

        self._stack = QStackedLayout()
        self._stack.addWidget(self.view)
        self._stack.addWidget(self.empty_label)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 0)
        layout.setSpacing(4)
        layout.addWidget(self.toolbar)
        layout.addWidget(self.filter_box)
        layout.addLayout(self._stack, 1)
        layout.addWidget(self.status_label)

        self.view.selectionModel().selectionChanged.connect(lambda *_: self._selection_changed())
        self.view.customContextMenuRequested.connect(self._context_menu)
        self.view.doubleClicked.connect(lambda _index: self.controller.edit_selected())
        self.source.dataChanged.connect(lambda *_: self.controller.update_enabled())
        for signal in (self.source.rowsInserted, self.source.rowsRemoved, self.proxy.layoutChanged,
                       self.proxy.rowsRemoved, self.proxy.rowsInserted):
            signal.connect(self._update_empty_state)
        self.filter_box.textChanged.connect(self._update_empty_state)
        self.feed.catalog_loaded.connect(lambda _catalog: self._update_empty_state())
        self.feed.catalog_loaded.connect(lambda _catalog: self.controller.update_enabled())
        self.feed.problem.connect(self._problem)
        self.controller.message.connect(self.show_message)
        self._update_empty_state()
        self.feed.start()

    # -- what is selected

    def selected_rows(self) -> list[ServiceRow]:
        rows = []
        for index in self.view.selectionModel().selectedRows(0):
            row = index.data(ROW_ROLE)
            if isinstance(row, ServiceRow):
                # The selection holds the row as it was drawn; the model has the newest.
                rows.append(self.source.service(row.name) or row)
        return rows

    def select(self, name: str) -> bool:
        index = self.proxy.mapFromSource(self.source.index_of(name))
        if not index.isValid():
            return False
        flags = QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows
        self.view.selectionModel().setCurrentIndex(index, flags)
        self.view.scrollTo(index)
        return True

    def _selection_changed(self) -> None:
        self.controller.update_enabled()
        self.selection_changed.emit()

    def _context_menu(self, point: QPoint) -> None:
        self.controller.update_enabled()
        self.controller.context_menu().popup(self.view.viewport().mapToGlobal(point))

    # -- dropping files

    def _accepts_files(self, name: str) -> bool:
        row = self.source.service(name)
        return row is not None and row.connected and not row.busy and (
            bool(row.status.data_container) or (row.usable and row.wants_data))

    def _files_dropped(self, name: str, paths: list[Path]) -> None:
        self.select(name)
        self.controller.import_files(name, paths)

    # -- words

    def show_message(self, text: str) -> None:
        self.status_label.setText(text)

    def _problem(self, text: str) -> None:
        if text:
            self.status_label.setText(text)

    def showing_empty_state(self) -> bool:
        return self._stack.currentWidget() is self.empty_label

    def _update_empty_state(self) -> None:
        if self.proxy.rowCount():
            self._stack.setCurrentWidget(self.view)
            return
        if self.source.rowCount():
            self.empty_label.setText(f"No services match “{self.filter_box.text()}”.")
        elif self.feed.catalog is None:
            self.empty_label.setText("Reading the service definitions…")
        else:
            self.empty_label.setText(f"No service definitions in {self.feed.folder} yet.\n"
                                     "Use New service… to make one from an image.")
        self._stack.setCurrentWidget(self.empty_label)

    # -- the window

    def set_notifications(self, notifications: NotificationCenter | None) -> None:
        self.controller.notifications = notifications

    def shutdown(self) -> None:
        """Stop watching files, drop answers on their way and close log windows; call before runner.shutdown()."""
        self.controller.shutdown()
        self.feed.shutdown()


class WindowLike(Protocol):
    runner: OperationRunner
    models: EngineModels


def build_services_tab(window: WindowLike) -> ServicesPane:
    """The Services pane for ``window`` (its runner, models, and notifications when it has them yet)."""
    notifications = getattr(window, "notifications", None)
    parent = window if isinstance(window, QWidget) else None
    pulls = getattr(window, "pulls", None)
    fetcher = ManagedImageFetcher(pulls) if isinstance(pulls, PullsController) else None
    return ServicesPane(
        window.runner,
        window.models,
        notifications if isinstance(notifications, NotificationCenter) else None,
        parent=parent,
        ensure_image=fetcher.ensure if fetcher else images.ensure_image,
        pull_image=fetcher.pull if fetcher else images.pull_image,
    )
