"""The image family chart: an icicle chart of shared layer runs, painted, with tooltips and clicks."""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QFont, QFontMetrics, QMouseEvent, QPainter, QPaintEvent, QPalette, QPen
from PySide6.QtWidgets import QToolTip, QWidget

from app import humanize
from app.engine.layer_family import Family, FamilyNode
from app.ui.family_layout import Block, layout_blocks, plural

UNIT_MIN_WIDTH = 128  # pixels for one column of the chart; the chart scrolls sideways beyond the window
ROW_HEIGHT = 66
GAP = 3
SHARED_COLOR = QColor("#44607f")
OWN_COLORS = [QColor(c) for c in ("#5b9bd5", "#70ad47", "#ed7d31", "#a777c9", "#4bacc6", "#d4a017", "#e06c75",
                                  "#56b6a0", "#c27ba0", "#8c9e3a")]
GROUP_COLOR = QColor("#9aa5b1")


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
                lines.append(f"shared by {plural(block.node.shared_by, 'image')}")
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
        return f"{known}{humanize.size(block.node.size)} · {plural(len(block.node.layers), 'layer')}"

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
