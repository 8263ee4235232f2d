"""The downloads panel for images: each pull with its phase, bytes, rate and time left, layers below."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRect, QSize
from PySide6.QtGui import QPainter
from PySide6.QtWidgets import (
    QApplication,
    QDockWidget,
    QHBoxLayout,
    QPushButton,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionProgressBar,
    QStyleOptionViewItem,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from app.engine.pulls import Pull, PullState
from app.qt.pulls import PullsController
from app.qt.pulls_model import FRACTION_ROLE, PROGRESS_COLUMN, PULL_ROLE


def _bar_text(pull: Pull | None, fraction: float | None) -> str:
    if pull is not None and pull.state in (PullState.FAILED, PullState.CANCELLED):
        return pull.state.value
    return f"{fraction * 100:.0f} %" if fraction is not None else "sizing…"


class ProgressDelegate(QStyledItemDelegate):
    """A bar per row; a pull whose sizes are not known yet shows a busy bar, an ended one stands still."""

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex) -> QSize:  # noqa: N802
        # Rows tall enough for a bar whose percentage can be read, not a sliver under its text.
        hint = super().sizeHint(option, index)
        return QSize(hint.width(), max(hint.height(), option.fontMetrics.height() + 10))  # type: ignore[attr-defined]

    def paint(self, painter: QPainter, option: QStyleOptionViewItem,
              index: QModelIndex | QPersistentModelIndex) -> None:
        if index.column() != PROGRESS_COLUMN:
            super().paint(painter, option, index)
            return
        fraction = index.data(FRACTION_ROLE)
        bar = QStyleOptionProgressBar()
        bar.rect = QRect(option.rect.adjusted(2, 2, -2, -2))  # type: ignore[attr-defined]
        bar.minimum = 0
        bar.maximum = 1000 if fraction is not None else 0
        bar.progress = int(fraction * 1000) if fraction is not None else 0
        bar.textVisible = True
        bar.text = _bar_text(index.data(PULL_ROLE), fraction)
        bar.state = QStyle.StateFlag.State_Enabled
        QApplication.style().drawControl(QStyle.ControlElement.CE_ProgressBar, bar, painter)


class PullsPanel(QDockWidget):
    def __init__(self, controller: PullsController, parent: QWidget | None = None) -> None:
        super().__init__("Pulls", parent)
        self.setObjectName("pullsDock")
        self.controller = controller
        self.view = QTreeView(self)
        self.view.setObjectName("pullsView")
        self.view.setAccessibleName("Image pulls")
        self.view.setModel(controller.model)
        self.view.setItemDelegate(ProgressDelegate(self.view))
        self.view.setUniformRowHeights(True)
        self.view.setAlternatingRowColors(True)
        for column, width in enumerate((230, 200, 150, 300, 90, 90)):
            self.view.setColumnWidth(column, width)
        self.view.selectionModel().selectionChanged.connect(self._update_buttons)
        controller.model.dataChanged.connect(self._update_buttons)
        self.cancel_button = QPushButton("Cancel", self)
        self.cancel_button.setObjectName("cancelPullButton")
        self.cancel_button.clicked.connect(lambda: self._each(self._cancel))
        self.retry_button = QPushButton("Retry", self)
        self.retry_button.setObjectName("retryPullButton")
        self.retry_button.clicked.connect(lambda: self._each(self._retry))
        self.remove_button = QPushButton("Remove from list", self)
        self.remove_button.clicked.connect(lambda: self._each(self._remove))
        self.clear_button = QPushButton("Clear finished", self)
        self.clear_button.clicked.connect(self._clear_finished)
        buttons = QHBoxLayout()
        for button in (self.cancel_button, self.retry_button, self.remove_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(self.clear_button)
        body = QWidget(self)
        layout = QVBoxLayout(body)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(buttons)
        layout.addWidget(self.view, 1)
        self.setWidget(body)
        self._update_buttons()

    def selected_pulls(self) -> list[Pull]:
        pulls = []
        for index in self.view.selectionModel().selectedRows(0):
            pull = index.data(PULL_ROLE)
            if isinstance(pull, Pull):
                pulls.append(pull)
        return pulls

    def select(self, pull: Pull) -> None:
        for row, candidate in enumerate(self.controller.model.pulls()):
            if candidate is pull:
                self.view.setCurrentIndex(self.controller.model.index(row, 0))

    def _update_buttons(self) -> None:
        pulls = self.selected_pulls()
        self.cancel_button.setEnabled(any(not pull.finished for pull in pulls))
        self.retry_button.setEnabled(any(pull.finished and pull.state is not PullState.DONE for pull in pulls))
        self.remove_button.setEnabled(bool(pulls))

    def _each(self, act: Callable[[Pull], None]) -> None:
        for pull in self.selected_pulls():
            act(pull)
        self._update_buttons()

    def _cancel(self, pull: Pull) -> None:
        if self.controller.manager is not None:
            self.controller.manager.cancel(pull)

    def _retry(self, pull: Pull) -> None:
        if self.controller.manager is not None and pull.finished:
            self.controller.manager.retry(pull)

    def _remove(self, pull: Pull) -> None:
        if self.controller.manager is not None:
            self.controller.manager.remove(pull)

    def _clear_finished(self) -> None:
        if self.controller.manager is not None:
            self.controller.manager.clear_finished()
