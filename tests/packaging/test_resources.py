"""The app's pictures: present, well-formed, made from their sources, and chosen by the palette."""

from __future__ import annotations

import shutil
import struct
import subprocess
import sys
import zipfile
from pathlib import Path
from types import ModuleType
from xml.etree import ElementTree

import pytest
from PySide6.QtGui import QColor, QIcon, QPalette
from pytestqt.qtbot import QtBot

from app import resources

from .conftest import ROOT

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def png_size(data: bytes) -> tuple[int, int]:
    assert data.startswith(PNG_SIGNATURE), "not a PNG"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def ico_sizes(data: bytes) -> list[int]:
    reserved, kind, count = struct.unpack("<HHH", data[:6])
    assert (reserved, kind) == (0, 1), "not an .ico"
    sizes = []
    for number in range(count):
        width, height, _colours, _zero, _planes, bits, length, offset = struct.unpack(
            "<BBBBHHII", data[6 + 16 * number : 22 + 16 * number]
        )
        side = width or 256
        assert height == width and bits == 32
        image = data[offset : offset + length]
        assert len(image) == length
        if image.startswith(PNG_SIGNATURE):
            assert png_size(image) == (side, side)
        else:  # a BITMAPINFOHEADER with the height doubled (colour + mask)
            header_size, bmp_width, bmp_height = struct.unpack("<Iii", image[:12])
            assert (header_size, bmp_width, bmp_height) == (40, side, 2 * side)
        sizes.append(side)
    return sizes


def icns_entries(data: bytes) -> dict[str, tuple[int, int]]:
    assert data[:4] == b"icns"
    assert struct.unpack(">I", data[4:8])[0] == len(data)
    entries = {}
    offset = 8
    while offset < len(data):
        kind, length = data[offset : offset + 4].decode(), struct.unpack(">I", data[offset + 4 : offset + 8])[0]
        entries[kind] = png_size(data[offset + 8 : offset + length])
        offset += length
    assert offset == len(data)
    return entries


# ----------------------------------------------------------- files, without Qt


def test_every_action_icon_has_a_light_and_a_dark_variant() -> None:
    for name in resources.ICON_NAMES:
        light = resources.action_icon_path(name, dark=False)
        dark = resources.action_icon_path(name, dark=True)
        assert light.read_text() != dark.read_text()
        for path in (light, dark):
            assert ElementTree.parse(path).getroot().tag == "{http://www.w3.org/2000/svg}svg"
            assert "currentColor" not in path.read_text(), f"{path} still has its placeholder colour"
    shipped = {path.stem for path in (ROOT / "app" / "resources" / "actions" / "light").glob("*.svg")}
    assert shipped == set(resources.ICON_NAMES)


def test_action_icons_are_made_from_their_sources(make_icons: ModuleType) -> None:
    outputs = make_icons.action_outputs()
    assert len(outputs) == 2 * len(resources.ICON_NAMES)
    for path, data in outputs.items():
        assert path.read_bytes() == data, f"{path} is out of date: run packaging/make_icons.py"


def test_the_app_icon_source_keeps_the_apps_look() -> None:
    svg = resources.app_icon_path().read_text()
    assert "#3b4cca" in svg  # the indigo tile of app/qt/icons.py
    assert "<text" not in svg  # shapes only: no font decides how it looks


def test_the_windows_icon_holds_16_to_256_px() -> None:
    sizes = ico_sizes(resources.app_icon_path("ico").read_bytes())
    assert sizes == sorted(sizes)
    assert {16, 24, 32, 48, 64, 128, 256} <= set(sizes)


def test_the_macos_icon_holds_16_to_1024_px() -> None:
    entries = icns_entries(resources.app_icon_path("icns").read_bytes())
    assert entries["icp4"] == (16, 16)
    assert entries["ic07"] == (128, 128)
    assert entries["ic10"] == (1024, 1024)
    assert entries["ic14"] == (512, 512)


def test_the_linux_icons_have_their_hicolor_sizes() -> None:
    for size in resources.HICOLOR_SIZES:
        assert png_size(resources.hicolor_png_path(size).read_bytes()) == (size, size)
    with pytest.raises(ValueError, match="sizes"):
        resources.hicolor_png_path(17)


def test_unknown_names_are_refused_with_the_known_ones() -> None:
    with pytest.raises(KeyError, match="start"):
        resources.action_icon_path("launch", dark=False)
    with pytest.raises(FileNotFoundError):
        resources.resource_path("actions/light/launch.svg")
    with pytest.raises(ValueError):
        resources.app_icon_path("png")


def test_paths_work_without_qt() -> None:
    code = (
        "import sys; from app import resources; "
        "print(resources.app_icon_path().is_file(), resources.action_icon_path('stop', dark=True).is_file()); "
        "print(any(name.startswith('PySide6') for name in sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    assert done.stdout.split() == ["True", "True", "False"]


def test_a_built_wheel_carries_the_resources(tmp_path: Path) -> None:
    """pip install . (not only the checkout) must find the icons: they are package data."""
    source = tmp_path / "source"
    source.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, source / name)
    shutil.copytree(ROOT / "app", source / "app", ignore=shutil.ignore_patterns("__pycache__"))
    done = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(tmp_path / "wheel"), str(source)],
        capture_output=True, text=True, timeout=300,
    )
    assert done.returncode == 0, done.stderr
    (wheel,) = (tmp_path / "wheel").glob("*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    wanted = {
        f"app/{path.relative_to(ROOT / 'app').as_posix()}"
        for path in (ROOT / "app" / "resources").rglob("*")
        if path.is_file() and "__pycache__" not in path.parts
    }
    missing = sorted(wanted - names)
    assert not missing, f"not in the wheel (package data in pyproject.toml?): {missing[:5]}"


# -------------------------------------------------------------------- with Qt


def _palette(window: str, text: str) -> QPalette:
    palette = QPalette()
    palette.setColor(QPalette.ColorRole.Window, QColor(window))
    palette.setColor(QPalette.ColorRole.WindowText, QColor(text))
    return palette


DARK = ("#2b2b2b", "#eeeeee")
LIGHT = ("#f3f3f3", "#1e1e1e")


def test_the_palette_decides_light_or_dark(qtbot: QtBot) -> None:
    assert resources.is_dark(_palette(*DARK))
    assert not resources.is_dark(_palette(*LIGHT))


def test_icons_are_drawn_in_ink_that_shows_on_the_window(qtbot: QtBot) -> None:
    for window, text in (DARK, LIGHT):
        icon = resources.icon("pause", _palette(window, text))
        assert isinstance(icon, QIcon) and not icon.isNull()
        image = icon.pixmap(24, 24).toImage()
        ink = image.pixelColor(8, 12)  # inside the left bar of the pause sign
        assert ink.alpha() == 255
        background = QColor(window)
        assert abs(ink.lightness() - background.lightness()) > 120, (window, ink.name())


def test_action_icons_have_a_pixmap_per_toolbar_size(qtbot: QtBot) -> None:
    for name in resources.ICON_NAMES:
        icon = resources.themed_icon(name, dark=False)
        sizes = {size.width() for size in icon.availableSizes()}
        assert {16, 24, 32} <= sizes, name


def test_the_app_icon_is_the_indigo_tile_with_a_white_e(qtbot: QtBot) -> None:
    icon = resources.app_icon()
    assert {16, 32, 48, 256} <= {size.width() for size in icon.availableSizes()}
    image = resources.app_icon_pixmap(128).toImage()
    assert image.pixelColor(20, 64).name() == "#3b4cca"  # the tile, left of the letter
    assert image.pixelColor(64, 64).lightness() > 240  # the bar of the "e"
    assert image.pixelColor(1, 1).alpha() == 0  # rounded corner
