"""Small icons drawn at run time, so that states read the same on every theme and platform."""

from __future__ import annotations

from functools import cache

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QIcon, QPainter, QPixmap

from app import resources

STATE_COLOURS = {
    "running": "#2e9d4f",
    "paused": "#d9a400",
    "restarting": "#2f7fd8",
    "created": "#8a8f98",
    "exited": "#c0392b",
    "dead": "#6d1f16",
    "removing": "#8a8f98",
    "connected": "#2e9d4f",
    "connecting": "#d9a400",
    "lost": "#c0392b",
    "stopped": "#8a8f98",
}


@cache
def dot(colour: str, size: int = 12) -> QIcon:
    pixmap = QPixmap(size, size)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(QColor(colour).darker(130))
    painter.setBrush(QColor(colour))
    painter.drawEllipse(QRectF(1.5, 1.5, size - 3, size - 3))
    painter.end()
    return QIcon(pixmap)


def state_icon(state: str) -> QIcon:
    return dot(STATE_COLOURS.get(state, "#8a8f98"))


@cache
def app_icon(badge: str = "") -> QIcon:
    """The app's mark, with a coloured badge in a corner for the tray's state."""
    if not badge:
        return resources.app_icon()
    icon = QIcon()
    for size in (16, 22, 24, 32, 48, 64, 128, 256):
        pixmap = resources.app_icon_pixmap(size)
        painter = QPainter(pixmap)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        radius = size * 0.2
        painter.setPen(QColor("white"))
        painter.setBrush(QColor(badge))
        painter.drawEllipse(QRectF(size - 2 * radius - 1, size - 2 * radius - 1, 2 * radius, 2 * radius))
        painter.end()
        icon.addPixmap(pixmap)
    return icon
