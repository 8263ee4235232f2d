"""The image family view: which images share which layers, drawn so that a shared base is one block.

An icicle chart stands on the ground: each block is a run of layers stored once,
and the blocks stacked on it are the images built on it. A block is as wide as the
stacks it carries, so a base shared by four images is one wide block under four
columns. A tree below lists the same runs, every image included, for reading and
for keyboard use.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import docker
from PySide6.QtCore import QPointF, QRectF, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QFont, QFontMetrics, QMouseEvent, QPainter, QPaintEvent, QPalette, QPen
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
    QToolTip,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app import humanize
from app.engine.errors import EngineError
from app.engine.layer_family import DEFAULT_LIMIT, Family, FamilyNode, LayerCache, fetch_family
from app.engine.rows import short_id
from app.qt.operations import OperationRunner

MAX_VISIBLE_CHILDREN = 8  # beyond this, a node's smallest children are drawn as one "+N more" block
UNIT_MIN_WIDTH = 128  # pixels for one column of the chart; the chart scrolls sideways beyond the window
ROW_HEIGHT = 66
GAP = 3
ROOT_GAP = 0.15  # columns between unrelated families
SHARED_COLOR = QColor("#44607f")
OWN_COLORS = [QColor(c) for c in ("#5b9bd5", "#70ad47", "#ed7d31", "#a777c9", "#4bacc6", "#d4a017", "#e06c75",
                                  "#56b6a0", "#c27ba0", "#8c9e3a")]
GROUP_COLOR = QColor("#9aa5b1")
NODE_ROLE = Qt.ItemDataRole.UserRole + 10


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def _short_names(names: Sequence[str], most: int = 1) -> str:
    if len(names) <= most:
        return ", ".join(names)
    return f"{', '.join(names[:most])} +{len(names) - most}"


def _brief(name: str) -> str:
    """An image name for a narrow block: ":latest" goes without saying."""
    return name.removesuffix(":latest")


def node_title(node: FamilyNode) -> str:
    """What a block is called: the images that end there, else who shares it."""
    if node.images:
        return _short_names([_brief(image.name) for image in node.images], 2)
    return f"shared by {_plural(node.shared_by, 'image')}"


def node_tooltip(node: FamilyNode) -> str:
    members = sorted(image.name for image in node.members())
    lines = []
    if node.images:
        lines.append("Image" + ("s" if len(node.images) > 1 else "") + " ending here: "
                     + _short_names([image.name for image in node.images], 8))
    exact = "" if node.size_known else " (some layer sizes unknown)"
    lines.append(f"{humanize.size(node.size)} in {_plural(len(node.layers), 'layer')}, stored once{exact}")
    if node.parent is not None:
        lines.append(f"On top of {humanize.size(node.below)} of shared layers below")
    if len(members) > 1:
        lines.append(f"Shared by {_plural(len(members), 'image')}: {_short_names(members, 12)}")
    lines.append("Layers (bottom first):")
    shown = list(zip(node.layers, node.layer_sizes, strict=True))
    for diff_id, size in shown[:12]:
        lines.append(f"  {short_id(diff_id)}  {humanize.size(size)}")
    if len(shown) > 12:
        lines.append(f"  … {len(shown) - 12} more")
    return "\n".join(lines)


@dataclass
class Block:
    """One drawn block: a run of layers (``node``), or several small runs drawn as one (``group``)."""

    node: FamilyNode | None
    depth: int
    x: float  # in columns
    width: float  # in columns
    group: list[FamilyNode] = field(default_factory=list)

    @property
    def title(self) -> str:
        if self.node is not None:
            return node_title(self.node)
        return f"+{sum(len(n.members()) for n in self.group)} more"

    @property
    def size(self) -> int:
        if self.node is not None:
            return self.node.size
        return sum(n.subtree_size for n in self.group)

    @property
    def tooltip(self) -> str:
        if self.node is not None:
            return node_tooltip(self.node)
        names = sorted(image.name for n in self.group for image in n.members())
        return (f"{_plural(len(names), 'more image')} on the block below, {humanize.size(self.size)} of their own"
                f" layers:\n" + "\n".join(names[:30]) + (f"\n… {len(names) - 30} more" if len(names) > 30 else ""))


def _visible(children: Sequence[FamilyNode]) -> tuple[list[FamilyNode], list[FamilyNode]]:
    if len(children) <= MAX_VISIBLE_CHILDREN:
        return list(children), []
    return list(children[: MAX_VISIBLE_CHILDREN - 1]), list(children[MAX_VISIBLE_CHILDREN - 1 :])


def _columns(node: FamilyNode) -> int:
    shown, grouped = _visible(node.children)
    return max(1, sum(_columns(child) for child in shown) + (1 if grouped else 0))


def layout_blocks(roots: Sequence[FamilyNode]) -> tuple[list[Block], float, int]:
    """Blocks in columns, the chart's width in columns, and its height in rows (pure, for tests)."""
    blocks: list[Block] = []
    rows = 0

    def place(node: FamilyNode, depth: int, x: float) -> float:
        nonlocal rows
        width = float(_columns(node))
        blocks.append(Block(node, depth, x, width))
        rows = max(rows, depth + 1)
        shown, grouped = _visible(node.children)
        offset = x
        for child in shown:
            offset += place(child, depth + 1, offset)
        if grouped:
            blocks.append(Block(None, depth + 1, offset, 1.0, grouped))
            rows = max(rows, depth + 2)
        return width

    x = 0.0
    for number, root in enumerate(roots):
        if number:
            x += ROOT_GAP
        x += place(root, 0, x)
    return blocks, x, rows


class FamilyChart(QWidget):
    """The icicle chart: shared runs at the bottom, the images built on them stacked above."""

    block_clicked = Signal(object)  # the FamilyNode of the clicked block (None for a group)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("familyChart")
        self.setMouseTracking(True)
        self.setAccessibleName("Image family chart")
        self.blocks: list[Block] = []
        self._columns = 0.0
        self._rows = 0
        self._largest = 1
        self._rects: list[tuple[QRectF, Block]] = []
        self._hovered: Block | None = None
        self.selected: FamilyNode | None = None
        self._colors: dict[int, QColor] = {}

    def set_family(self, family: Family) -> None:
        self.blocks, self._columns, self._rows = layout_blocks(family.roots)
        self._largest = max((block.size for block in self.blocks), default=1) or 1
        self._colors = {}
        own = 0
        for block in self.blocks:
            if block.node is not None and block.node.shared_by == 1:
                self._colors[id(block)] = OWN_COLORS[own % len(OWN_COLORS)]
                own += 1
        self._hovered = None
        self.updateGeometry()
        self.setMinimumSize(self.sizeHint())
        self.update()

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt's name
        return QSize(max(200, round(self._columns * UNIT_MIN_WIDTH)), max(ROW_HEIGHT, self._rows * ROW_HEIGHT) + 8)

    def select(self, node: FamilyNode | None) -> None:
        self.selected = node
        self.update()

    def _layout(self) -> None:
        self._rects = []
        if not self.blocks or self._columns <= 0:
            return
        unit = self.width() / self._columns
        bottom = self.height() - 4
        for block in self.blocks:
            rect = QRectF(block.x * unit + GAP / 2, bottom - (block.depth + 1) * ROW_HEIGHT + GAP / 2,
                          block.width * unit - GAP, ROW_HEIGHT - GAP)
            self._rects.append((rect, block))

    def block_at(self, point: QPointF) -> Block | None:
        for rect, block in self._rects:
            if rect.contains(point):
                return block
        return None

    def rect_of(self, node: FamilyNode) -> QRectF:
        for rect, block in self._rects:
            if block.node is node:
                return rect
        return QRectF()

    def _fill(self, block: Block) -> QColor:
        if block.node is None:
            return GROUP_COLOR
        if block.node.shared_by > 1:
            return SHARED_COLOR.lighter(100 + 12 * min(block.depth, 4))
        return self._colors.get(id(block), OWN_COLORS[0])

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802
        self._layout()
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.fillRect(self.rect(), self.palette().color(QPalette.ColorRole.Base))
        if not self._rects:
            painter.setPen(self.palette().color(QPalette.ColorRole.PlaceholderText))
            painter.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, "No images")
            painter.end()
            return
        bold = QFont(self.font())
        bold.setBold(True)
        small = QFont(self.font())
        small.setPointSizeF(max(7.0, self.font().pointSizeF() * 0.9))
        for rect, block in self._rects:
            fill = self._fill(block)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(fill)
            painter.drawRoundedRect(rect, 4, 4)
            # The size strip: how big this run is next to the largest one drawn.
            strip = QRectF(rect.left() + 6, rect.bottom() - 7, (rect.width() - 12) * block.size / self._largest, 3)
            if strip.width() > 0:
                painter.setBrush(QColor(255, 255, 255, 170))
                painter.drawRect(strip)
            selected = block.node is not None and block.node is self.selected
            if block is self._hovered or selected:
                painter.setBrush(Qt.BrushStyle.NoBrush)
                painter.setPen(QPen(self.palette().color(QPalette.ColorRole.Highlight) if selected
                                    else QColor(255, 255, 255, 220), 2.5))
                painter.drawRoundedRect(rect.adjusted(1, 1, -1, -1), 4, 4)
            text = QColor("white")
            inner = rect.adjusted(8, 5, -8, -9)
            painter.setPen(text)
            painter.setFont(bold)
            metrics = QFontMetrics(bold)
            painter.drawText(inner, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop,
                             metrics.elidedText(block.title, Qt.TextElideMode.ElideRight, int(inner.width())))
            painter.setFont(small)
            small_metrics = QFontMetrics(small)
            lines = [self._detail(block)]
            if block.node is not None and block.node.shared_by > 1:
                lines.append(f"shared by {_plural(block.node.shared_by, 'image')}")
            y = inner.top() + metrics.height() + 1
            for line in lines:
                if y + small_metrics.height() > inner.bottom() + 2:
                    break
                painter.drawText(QRectF(inner.left(), y, inner.width(), small_metrics.height()),
                                 Qt.AlignmentFlag.AlignLeft,
                                 small_metrics.elidedText(line, Qt.TextElideMode.ElideRight, int(inner.width())))
                y += small_metrics.height()
        painter.end()

    @staticmethod
    def _detail(block: Block) -> str:
        if block.node is None:
            return f"{humanize.size(block.size)} in all"
        known = "" if block.node.size_known else "≥ "
        return f"{known}{humanize.size(block.node.size)} · {_plural(len(block.node.layers), 'layer')}"

    def mouseMoveEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        block = self.block_at(event.position())
        if block is not self._hovered:
            self._hovered = block
            self.update()
        if block is not None:
            QToolTip.showText(event.globalPosition().toPoint(), block.tooltip, self)
        else:
            QToolTip.hideText()

    def leaveEvent(self, event: object) -> None:  # noqa: N802
        self._hovered = None
        self.update()

    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        block = self.block_at(event.position())
        if block is not None:
            self.block_clicked.emit(block.node if block.node is not None else block.group[0])


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
            f"<b>{_plural(shown, 'image')}</b> take <b>{humanize.size(family.stored_size)}</b> on disk; "
            f"without shared layers they would take {humanize.size(family.apparent_size)}"
            f" (<b>{humanize.size(saved)}</b> saved by sharing)."
        )
        if family.skipped:
            self.status.setText(f"Showing the {shown} largest of {family.total_images} images; "
                                f"{_plural(len(family.skipped), 'smaller image')} left out, such as "
                                f"{_short_names(list(family.skipped), 3)}.")
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
                title = f"(shared by {_plural(node.shared_by, 'image')})"
            total = node.below + node.size
            item = QTreeWidgetItem(parent, [title, humanize.size(node.size), str(len(node.layers)),
                                            _plural(node.shared_by, "image"), humanize.size(total)])
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
