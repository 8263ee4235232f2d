"""The image family view: which images share which layers, drawn so that a shared base is one block.

An icicle chart stands on the ground: each block is a run of layers stored once,
and the blocks stacked on it are the images built on it. A block is as wide as the
stacks it carries, so a base shared by four images is one wide block under four
columns. A tree below lists the same runs, every image included, for reading and
for keyboard use.

The chart is drawn by family_chart, laid out by family_layout.
"""

from __future__ import annotations

import docker
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QSplitter,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app import humanize
from app.engine.errors import EngineError
from app.engine.layer_family import DEFAULT_LIMIT, Family, FamilyNode, LayerCache, fetch_family
from app.qt.operations import OperationRunner
from app.ui.family_chart import FamilyChart
from app.ui.family_layout import node_tooltip, plural, short_names

NODE_ROLE = Qt.ItemDataRole.UserRole + 10


class ImageFamilyView(QWidget):
    def __init__(self, runner: OperationRunner, parent: QWidget | None = None, *, limit: int = DEFAULT_LIMIT,
                 cache: LayerCache | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("imageFamilyView")
        self.runner = runner
        self.limit = limit
        self.cache = cache
        self.family: Family | None = None
        self.last_error: EngineError | None = None
        self._slot = f"imageFamily-{id(self)}"
        # [done, total], written by the worker and read by a timer: no signal per image, and a plain list
        # outlives this widget should the worker still be reading when the window closes.
        self._progress = [0, 0]
        self._items: dict[int, QTreeWidgetItem] = {}

        self.headline = QLabel(self)
        self.headline.setObjectName("familyHeadline")
        self.headline.setWordWrap(True)
        self.headline.setStyleSheet("font-size: 11pt;")
        self.refresh_button = QPushButton("Refresh", self)
        self.refresh_button.setObjectName("familyRefresh")
        self.refresh_button.clicked.connect(self.refresh)
        header = QHBoxLayout()
        header.addWidget(self.headline, 1)
        header.addWidget(self.refresh_button, 0, Qt.AlignmentFlag.AlignTop)
        self.legend = QLabel(
            "Each block is a run of layers stored once on disk; the blocks stacked on it are images built on it."
            " Dark blocks are shared by several images. The white strip shows a block's size next to the largest.",
            self)
        self.legend.setWordWrap(True)
        self.legend.setStyleSheet("color: palette(mid);")
        self.progress = QProgressBar(self)
        self.progress.setObjectName("familyProgress")
        self.progress.setMaximumHeight(14)
        self.progress.setFormat("Reading layers: %v of %m images")
        self.status = QLabel(self)
        self.status.setObjectName("familyStatus")
        self.status.setWordWrap(True)

        self.chart = FamilyChart()
        self.chart_scroll = QScrollArea(self)
        self.chart_scroll.setObjectName("familyChartScroll")
        self.chart_scroll.setWidgetResizable(True)
        self.chart_scroll.setAlignment(Qt.AlignmentFlag.AlignBottom | Qt.AlignmentFlag.AlignLeft)
        self.chart_scroll.setWidget(self.chart)
        self.chart.block_clicked.connect(self._block_clicked)

        self.tree = QTreeWidget(self)
        self.tree.setObjectName("familyTree")
        self.tree.setHeaderLabels(["Image, or shared layers", "Own size", "Layers", "Shared by", "Image size"])
        self.tree.setAlternatingRowColors(True)
        self.tree.setUniformRowHeights(True)
        columns = self.tree.header()
        columns.setStretchLastSection(False)
        columns.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        columns.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for number, width in enumerate((300, 90, 70, 90, 100)):
            columns.resizeSection(number, width)
        self.tree.currentItemChanged.connect(self._tree_selected)

        self.splitter = QSplitter(Qt.Orientation.Vertical, self)
        self.splitter.addWidget(self.chart_scroll)
        self.splitter.addWidget(self.tree)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        self.splitter.setChildrenCollapsible(False)

        layout = QVBoxLayout(self)
        layout.addLayout(header)
        layout.addWidget(self.legend)
        layout.addWidget(self.progress)
        layout.addWidget(self.status)
        layout.addWidget(self.splitter, 1)

        self._timer = QTimer(self)
        self._timer.setInterval(100)
        self._timer.timeout.connect(self._show_progress)
        self.refresh()

    @property
    def busy(self) -> bool:
        return self._timer.isActive()

    def refresh(self) -> None:
        self._progress = progress = [0, 0]
        self.progress.setRange(0, 0)
        self.progress.show()
        self.status.hide()
        self.refresh_button.setEnabled(False)
        self.headline.setText("Reading the images' layers from the engine…")
        self._timer.start()
        limit, cache = self.limit, self.cache

        def note(done: int, total: int) -> None:
            progress[:] = [done, total]

        def work(api: docker.APIClient) -> Family:
            return fetch_family(api, cache, limit, note)

        self.runner.run(work, "Could not read the images' layers", self._loaded, self._failed, slot=self._slot)

    def _show_progress(self) -> None:
        done, total = self._progress
        if total:
            self.progress.setRange(0, total)
            self.progress.setValue(done)

    def _finish_loading(self) -> None:
        self._timer.stop()
        self.progress.hide()
        self.refresh_button.setEnabled(True)

    def _failed(self, error: EngineError) -> None:
        self._finish_loading()
        self.last_error = error
        self.headline.setText("The image family could not be read.")
        self.status.setText(error.message)
        self.status.setStyleSheet("color: #b3261e;")
        self.status.show()

    def _loaded(self, family: Family) -> None:
        self._finish_loading()
        self.family = family
        self.last_error = None
        saved = family.apparent_size - family.stored_size
        shown = len(family.images)
        self.headline.setText(
            f"<b>{plural(shown, 'image')}</b> take <b>{humanize.size(family.stored_size)}</b> on disk; "
            f"without shared layers they would take {humanize.size(family.apparent_size)}"
            f" (<b>{humanize.size(saved)}</b> saved by sharing)."
        )
        if family.skipped:
            self.status.setText(f"Showing the {shown} largest of {family.total_images} images; "
                                f"{plural(len(family.skipped), 'smaller image')} left out, such as "
                                f"{short_names(list(family.skipped), 3)}.")
            self.status.setStyleSheet("color: palette(mid);")
            self.status.show()
        self.chart.set_family(family)
        self._fill_tree(family)
        self._fit_chart()

    def _fit_chart(self) -> None:
        """Give the chart the height it needs (up to two thirds), the tree the rest."""
        total = sum(self.splitter.sizes())
        if total <= 0:
            return
        frame = self.chart_scroll.frameWidth() * 2 + self.chart_scroll.horizontalScrollBar().sizeHint().height()
        wanted = min(self.chart.sizeHint().height() + frame + 12, total * 2 // 3)
        self.splitter.setSizes([wanted, total - wanted])

    def _fill_tree(self, family: Family) -> None:
        self.tree.clear()
        self._items = {}

        def add(node: FamilyNode, parent: QTreeWidget | QTreeWidgetItem) -> None:
            if node.images:
                title = ", ".join(image.name for image in node.images[:3])
                if len(node.images) > 3:
                    title += f" +{len(node.images) - 3}"
            else:
                title = f"(shared by {plural(node.shared_by, 'image')})"
            total = node.below + node.size
            item = QTreeWidgetItem(parent, [title, humanize.size(node.size), str(len(node.layers)),
                                            plural(node.shared_by, "image"), humanize.size(total)])
            item.setData(0, NODE_ROLE, node)
            item.setToolTip(0, node_tooltip(node))
            for column in (1, 2, 3, 4):
                item.setTextAlignment(column, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            self._items[id(node)] = item
            for child in node.children:
                add(child, item)

        for root in family.roots:
            add(root, self.tree)
        self.tree.expandToDepth(1)

    def item_of(self, node: FamilyNode) -> QTreeWidgetItem | None:
        return self._items.get(id(node))

    def _block_clicked(self, node: FamilyNode) -> None:
        item = self.item_of(node)
        if item is not None:
            self.tree.setCurrentItem(item)
            self.tree.scrollToItem(item)

    def _tree_selected(self, current: QTreeWidgetItem | None, _previous: QTreeWidgetItem | None) -> None:
        node = current.data(0, NODE_ROLE) if current is not None else None
        self.chart.select(node if isinstance(node, FamilyNode) else None)
        if isinstance(node, FamilyNode):
            rect = self.chart.rect_of(node)
            if not rect.isNull():
                self.chart_scroll.ensureVisible(round(rect.center().x()), round(rect.center().y()),
                                          round(rect.width() / 2), round(rect.height() / 2))

    def shutdown(self) -> None:
        self._timer.stop()
        self.runner.cancel_slot(self._slot)


class ImageFamilyDialog(QDialog):
    def __init__(self, runner: OperationRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("imageFamilyDialog")
        self.setWindowTitle("Image families")
        self.resize(1100, 720)
        self.view = ImageFamilyView(runner, self)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.view, 1)
        layout.addWidget(buttons)

    def done(self, result: int) -> None:
        self.view.shutdown()
        super().done(result)


def open_image_family(parent: QWidget | None, runner: OperationRunner) -> QDialog:
    """Show the image family window (one per parent; a second call brings it back and refreshes)."""
    dialog = parent.findChild(ImageFamilyDialog, "imageFamilyDialog") if parent is not None else None
    if isinstance(dialog, ImageFamilyDialog):
        if not dialog.view.busy:
            dialog.view.refresh()
    else:
        dialog = ImageFamilyDialog(runner, parent)
    dialog.show()
    dialog.raise_()
    dialog.activateWindow()
    return dialog
