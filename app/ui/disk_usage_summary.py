"""The disk usage summary: each kind's size, reclaimable part, share bar and prune button."""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QColor, QPainter, QPaintEvent, QPalette
from PySide6.QtWidgets import QFrame, QGridLayout, QLabel, QPushButton, QWidget

from app.engine.disk_usage import UsageKind
from app.ui.disk_usage_tables import KIND_NAMES

USED_COLOR = QColor("#3b78c3")
RECLAIMABLE_COLOR = QColor("#9cc3ee")
RECLAIM_RULES = {
    UsageKind.IMAGES: "Reclaimable as docker system df counts it: all image bytes except those held only by images"
                      " a container uses. Layers an unused image shares with an image in use count as reclaimable"
                      " here, but a prune keeps them, so it may free less.",
    UsageKind.CONTAINERS: "The writable layers of containers that are not running (created, exited or dead).",
    UsageKind.VOLUMES: "Volumes no container mounts. Sizes of volumes of other drivers are not known.",
    UsageKind.BUILD_CACHE: "Build cache records no build is using and no image shares.",
}


class UsageBar(QWidget):
    """A slim bar: the kind's share of all the disk it uses, the reclaimable part lighter."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._size = 0
        self._reclaimable = 0
        self._whole = 1
        self.setMinimumWidth(140)

    def set_values(self, size: int, reclaimable: int, whole: int) -> None:
        self._size, self._reclaimable, self._whole = size, reclaimable, max(1, whole)
        self.update()

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt's name
        return QSize(180, 12)

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        bar = self.rect().adjusted(0, 2, -1, -2)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(self.palette().color(QPalette.ColorRole.Mid).lighter(135))
        painter.drawRoundedRect(bar, 3, 3)
        if self._size > 0:
            used = bar.adjusted(0, 0, 0, 0)
            used.setWidth(max(2, round(bar.width() * self._size / self._whole)))
            painter.setBrush(USED_COLOR)
            painter.drawRoundedRect(used, 3, 3)
            if self._reclaimable > 0:
                free = used.adjusted(0, 0, 0, 0)
                width = max(2, round(used.width() * self._reclaimable / self._size))
                free.setLeft(used.right() - width + 1)
                painter.setBrush(RECLAIMABLE_COLOR)
                painter.drawRoundedRect(free, 3, 3)
        painter.end()


class UsageSummary(QFrame):
    """A row per kind of object and one for them all; ``prune_requested`` carries the kind whose button was clicked."""

    prune_requested = Signal(object)  # UsageKind

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("diskUsageSummary")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        grid = QGridLayout(self)
        grid.setHorizontalSpacing(18)
        grid.setColumnStretch(2, 1)
        self.summary_labels: dict[UsageKind, QLabel] = {}
        self.count_labels: dict[UsageKind, QLabel] = {}
        self.bars: dict[UsageKind, UsageBar] = {}
        self.prune_buttons: dict[UsageKind, QPushButton] = {}
        for row, kind in enumerate(UsageKind):
            name = QLabel(f"<b>{kind.heading}</b>", self)
            label = QLabel("…", self)
            label.setObjectName(f"{KIND_NAMES[kind]}Summary")
            label.setToolTip(RECLAIM_RULES[kind])
            counts = QLabel(self)
            counts.setStyleSheet("color: palette(mid);")
            bar = UsageBar(self)
            bar.setToolTip(RECLAIM_RULES[kind])
            button = QPushButton("Prune…", self)
            button.setObjectName(f"prune{KIND_NAMES[kind][0].upper()}{KIND_NAMES[kind][1:]}Button")
            button.setAccessibleName(f"Prune {kind.value}")
            button.setToolTip(f"Shows which {kind.value} would be removed before anything is removed")
            button.clicked.connect(lambda _checked=False, kind=kind: self.prune_requested.emit(kind))
            grid.addWidget(name, row, 0)
            grid.addWidget(label, row, 1)
            grid.addWidget(bar, row, 2)
            grid.addWidget(counts, row, 3)
            grid.addWidget(button, row, 4)
            self.summary_labels[kind] = label
            self.count_labels[kind] = counts
            self.bars[kind] = bar
            self.prune_buttons[kind] = button
        self.total_label = QLabel(self)
        self.total_label.setObjectName("diskUsageTotal")
        legend = QLabel(f'<span style="color:{USED_COLOR.name()}">■</span> kept &nbsp; '
                        f'<span style="color:{RECLAIMABLE_COLOR.name()}">■</span> reclaimable &nbsp; '
                        "(bars: share of all the disk the engine uses)", self)
        legend.setStyleSheet("color: palette(mid);")
        grid.addWidget(QLabel("<b>All</b>", self), len(UsageKind), 0)
        grid.addWidget(self.total_label, len(UsageKind), 1)
        grid.addWidget(legend, len(UsageKind), 2, 1, 2)
