#!/usr/bin/env python3
"""Make the icon files in app/resources from their SVG sources; run it after editing one.

Sources (hand-written SVG):
  app/resources/eris-desktop.svg      the app icon
  resources/action-icons/NAME.svg     action glyphs; ``currentColor`` is the ink, and the
                                      two accent colours below are the "go" and "stop" hues

Made from them (committed, so that neither a build nor the app needs this script):
  app/resources/actions/light/NAME.svg   dark ink for light themes
  app/resources/actions/dark/NAME.svg    light ink for dark themes
  app/resources/icons/hicolor/NxN/apps/eris-desktop.png   N = 16 … 512 (Linux)
  app/resources/eris-desktop.ico      16–256 px (Windows: PyInstaller, Inno Setup)
  app/resources/eris-desktop.icns     16–1024 px (macOS)

Needs PySide6 (QtSvg), which the app depends on anyway:
``python packaging/make_icons.py`` (``--check`` only reports files that are out of date).
"""

from __future__ import annotations

import argparse
import os
import struct
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from PySide6.QtGui import QGuiApplication, QImage

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "app" / "resources"
ACTION_SOURCES = ROOT / "resources" / "action-icons"
APP_SVG = PACKAGE / "eris-desktop.svg"
ICON_NAME = "eris-desktop"

HICOLOR_SIZES = (16, 22, 24, 32, 48, 64, 128, 256, 512)
ICO_SIZES = (16, 20, 24, 32, 40, 48, 64, 128, 256)
# (type code, pixel size): PNG payloads, which macOS reads since 10.7.
ICNS_ENTRIES = (
    (b"icp4", 16),
    (b"icp5", 32),
    (b"icp6", 64),
    (b"ic07", 128),
    (b"ic08", 256),
    (b"ic09", 512),
    (b"ic10", 1024),  # 512 @2x
    (b"ic11", 32),  # 16 @2x
    (b"ic12", 64),  # 32 @2x
    (b"ic13", 256),  # 128 @2x
    (b"ic14", 512),  # 256 @2x
)

INK = "currentColor"
GO = "#2e9d4f"
STOP = "#c0392b"
# What each placeholder colour becomes on a light and on a dark background.
THEMES: dict[str, dict[str, str]] = {
    "light": {INK: "#2b2f36", GO: "#23863f", STOP: "#c0392b"},
    "dark": {INK: "#e3e6ea", GO: "#5ccf7d", STOP: "#f0705f"},
}


def themed_svg(source: str, theme: str) -> str:
    """The action glyph ``source`` with its placeholder colours set for ``theme``."""
    text = source
    for placeholder, colour in THEMES[theme].items():
        text = text.replace(placeholder, colour)
    return text


def action_outputs() -> dict[Path, bytes]:
    outputs: dict[Path, bytes] = {}
    for source in sorted(ACTION_SOURCES.glob("*.svg")):
        text = source.read_text(encoding="utf-8")
        for theme in THEMES:
            outputs[PACKAGE / "actions" / theme / source.name] = themed_svg(text, theme).encode()
    return outputs


# ------------------------------------------------------------------ raster output


_APPLICATION: list[QGuiApplication] = []  # kept alive while the script draws


def _start_qt() -> None:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtGui import QGuiApplication

    if QGuiApplication.instance() is None:
        _APPLICATION.append(QGuiApplication([sys.argv[0]]))


def render(svg: Path, size: int) -> QImage:
    """A ``size``×``size`` QImage (ARGB32, straight alpha) of the SVG."""
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    renderer = QSvgRenderer(str(svg))
    if not renderer.isValid():
        raise SystemExit(f"{svg} is not an SVG that Qt can draw")
    image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
    renderer.render(painter)
    painter.end()
    return image.convertToFormat(QImage.Format.Format_ARGB32)


def png_bytes(image: QImage) -> bytes:
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice

    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    if not image.save(buffer, "PNG"):  # type: ignore[call-overload]  # PySide6 wants a str
        raise SystemExit("Qt could not encode a PNG")
    buffer.close()
    return bytes(data.data())


def _bgra_rows(image: QImage) -> bytes:
    """The pixels bottom row first, 4 bytes each in B, G, R, A order (a BMP's layout)."""
    size = image.width()
    rows = []
    for y in range(size - 1, -1, -1):
        row = bytearray()
        for x in range(size):
            argb = image.pixel(x, y)
            row += struct.pack("<I", argb)  # little-endian 0xAARRGGBB is B, G, R, A
        rows.append(bytes(row))
    return b"".join(rows)


def _dib(image: QImage) -> bytes:
    """A 32-bit ICO image entry: BITMAPINFOHEADER, pixels, then an all-clear AND mask."""
    size = image.width()
    mask_row = ((size + 31) // 32) * 4
    pixels = _bgra_rows(image)
    header = struct.pack("<IiiHHIIiiII", 40, size, size * 2, 1, 32, 0, len(pixels) + mask_row * size, 0, 0, 0, 0)
    return header + pixels + bytes(mask_row * size)


def ico_bytes(images: dict[int, QImage]) -> bytes:
    """An .ico: classic bitmaps below 256 px (every reader takes them), PNG at 256 px."""
    entries = [(size, png_bytes(image) if size >= 256 else _dib(image)) for size, image in sorted(images.items())]
    offset = 6 + 16 * len(entries)
    directory = struct.pack("<HHH", 0, 1, len(entries))
    blobs = b""
    for size, data in entries:
        side = 0 if size >= 256 else size  # 0 means 256
        directory += struct.pack("<BBBBHHII", side, side, 0, 0, 1, 32, len(data), offset + len(blobs))
        blobs += data
    return directory + blobs


def icns_bytes(pngs: dict[int, bytes]) -> bytes:
    body = b"".join(kind + struct.pack(">I", 8 + len(pngs[size])) + pngs[size] for kind, size in ICNS_ENTRIES)
    return b"icns" + struct.pack(">I", 8 + len(body)) + body


def raster_outputs() -> dict[Path, bytes]:
    _start_qt()
    sizes = sorted({*HICOLOR_SIZES, *ICO_SIZES, *(size for _kind, size in ICNS_ENTRIES)})
    images = {size: render(APP_SVG, size) for size in sizes}
    pngs = {size: png_bytes(image) for size, image in images.items()}
    outputs = {
        PACKAGE / "icons" / "hicolor" / f"{size}x{size}" / "apps" / f"{ICON_NAME}.png": pngs[size]
        for size in HICOLOR_SIZES
    }
    outputs[PACKAGE / f"{ICON_NAME}.ico"] = ico_bytes({size: images[size] for size in ICO_SIZES})
    outputs[PACKAGE / f"{ICON_NAME}.icns"] = icns_bytes(pngs)
    return outputs


# ------------------------------------------------------------------------- main


def _stale(outputs: dict[Path, bytes]) -> Iterable[Path]:
    for path, data in outputs.items():
        if not path.is_file() or path.read_bytes() != data:
            yield path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only list files that differ from their sources")
    args = parser.parse_args(argv)
    outputs = {**action_outputs(), **raster_outputs()}
    stale = list(_stale(outputs))
    if args.check:
        for path in stale:
            print(f"out of date: {path.relative_to(ROOT)}")
        return 1 if stale else 0
    for path in stale:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(outputs[path])
        print(f"wrote {path.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
