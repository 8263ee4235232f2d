"""The app's own pictures, found through importlib.resources (a checkout, a wheel or a frozen bundle).

- ``app_icon_path()``: the app icon's SVG source; ``app_icon()``: it as a QIcon.
- ``icon(name)``: an action icon (see ``ICON_NAMES``) drawn for the current palette: dark
  ink on a light window, light ink on a dark one. Icons do not repaint themselves when the
  theme changes: ask again on ``QEvent.Type.PaletteChange`` (or the style hints'
  ``colorSchemeChanged``).

The files next to this module are made by ``packaging/make_icons.py`` from SVG sources.
Qt is imported only when a QIcon is asked for, so paths work without it.
"""

from __future__ import annotations

import atexit
import contextlib
from functools import cache
from importlib import resources
from importlib.abc import Traversable
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from PySide6.QtGui import QIcon, QPalette, QPixmap

ICON_NAMES = (
    "start",
    "stop",
    "restart",
    "pause",
    "unpause",
    "kill",
    "remove",
    "force-remove",
    "pull",
    "settings",
    "about",
)
APP_ICON_NAME = "eris-desktop"
HICOLOR_SIZES = (16, 22, 24, 32, 48, 64, 128, 256, 512)
ACTION_ICON_SIZES = (16, 20, 24, 32, 48, 64)  # one pixmap per size: crisp at each, and 2x screens pick the next

_extracted = contextlib.ExitStack()  # only used if the package is inside a zip
atexit.register(_extracted.close)


def _files() -> Traversable:
    return resources.files(__name__)


def _real_path(resource: Traversable) -> Path:
    """A file system path for ``resource``, extracting it once if it lives in an archive."""
    if isinstance(resource, Path):
        return resource
    return Path(_extracted.enter_context(resources.as_file(resource)))


def resource_path(relative: str) -> Path:
    """The path of a file in this package, e.g. ``"actions/dark/start.svg"``; FileNotFoundError if absent."""
    resource = _files().joinpath(*relative.split("/"))
    if not resource.is_file():
        raise FileNotFoundError(f"No resource {relative!r} in {__name__}")
    return _real_path(resource)


def app_icon_path(kind: str = "svg") -> Path:
    """The app icon: ``"svg"`` (the source), ``"ico"`` (Windows) or ``"icns"`` (macOS)."""
    if kind not in ("svg", "ico", "icns"):
        raise ValueError(f"kind must be svg, ico or icns, not {kind!r}")
    return resource_path(f"{APP_ICON_NAME}.{kind}")


def hicolor_png_path(size: int) -> Path:
    """The app icon drawn at ``size`` px, as installed under share/icons/hicolor on Linux."""
    if size not in HICOLOR_SIZES:
        raise ValueError(f"No {size} px icon; the sizes are {HICOLOR_SIZES}")
    return resource_path(f"icons/hicolor/{size}x{size}/apps/{APP_ICON_NAME}.png")


def action_icon_path(name: str, *, dark: bool) -> Path:
    """The SVG of action icon ``name`` for a dark (light ink) or a light (dark ink) background."""
    if name not in ICON_NAMES:
        raise KeyError(f"No action icon {name!r}; the names are {', '.join(ICON_NAMES)}")
    return resource_path(f"actions/{'dark' if dark else 'light'}/{name}.svg")


def is_dark(palette: QPalette | None = None) -> bool:
    """Whether ``palette`` (the application's by default) paints light text on a dark window."""
    from PySide6.QtGui import QGuiApplication, QPalette

    palette = palette or QGuiApplication.palette()
    window = palette.color(QPalette.ColorRole.Window)
    text = palette.color(QPalette.ColorRole.WindowText)
    return window.lightness() < text.lightness()


def icon(name: str, palette: QPalette | None = None) -> QIcon:
    """Action icon ``name`` for ``palette`` (the application's by default)."""
    return _icon(name, is_dark(palette))


def themed_icon(name: str, *, dark: bool) -> QIcon:
    """Action icon ``name`` for a dark or a light background, whatever the palette."""
    return _icon(name, dark)


@cache
def _icon(name: str, dark: bool) -> QIcon:
    from PySide6.QtGui import QIcon

    path = action_icon_path(name, dark=dark)
    result = QIcon()
    for size in ACTION_ICON_SIZES:
        result.addPixmap(_render(path, size))
    return result


@cache
def app_icon() -> QIcon:
    """The app icon at the usual sizes: the PNGs where there is one, the SVG drawn for the rest."""
    from PySide6.QtGui import QIcon, QPixmap

    result = QIcon()
    svg = app_icon_path()
    for size in (16, 20, 22, 24, 32, 40, 48, 64, 128, 256):
        if size in HICOLOR_SIZES:
            result.addPixmap(QPixmap(str(hicolor_png_path(size))))
        else:
            result.addPixmap(_render(svg, size))
    return result


def app_icon_pixmap(size: int) -> QPixmap:
    """The app icon drawn at ``size``×``size`` px (e.g. to add a badge to it)."""
    return _render(app_icon_path(), size)


def _render(svg: Path, size: int) -> QPixmap:
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QPainter, QPixmap
    from PySide6.QtSvg import QSvgRenderer

    renderer = QSvgRenderer(str(svg))
    if not renderer.isValid():
        raise ValueError(f"{svg} is not an SVG that Qt can draw")
    pixmap = QPixmap(size, size)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    renderer.render(painter)
    painter.end()
    return pixmap
