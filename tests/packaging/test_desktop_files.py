"""The Linux desktop entry and AppStream metainfo: valid, and naming what the app really is."""

from __future__ import annotations

import configparser
import shutil
import subprocess
from pathlib import Path
from xml.etree import ElementTree

import pytest
import tomlkit

from app import APP_NAME, __version__, resources

from .conftest import ROOT

DESKTOP_FILE = ROOT / "resources" / "eris-desktop.desktop"
METAINFO = ROOT / "resources" / "org.erisdesktop.ErisDesktop.metainfo.xml"


def desktop_entry() -> dict[str, str]:
    parser = configparser.ConfigParser(interpolation=None)
    parser.optionxform = str  # type: ignore[assignment,method-assign]  # keys are case-sensitive
    parser.read(DESKTOP_FILE, encoding="utf-8")
    return dict(parser["Desktop Entry"])


def gui_script_name() -> str:
    project = tomlkit.parse((ROOT / "pyproject.toml").read_text())["project"]
    (name,) = project["gui-scripts"].keys()  # type: ignore[index,union-attr]
    return str(name)


def test_the_desktop_entry_starts_the_installed_program() -> None:
    entry = desktop_entry()
    assert entry["Type"] == "Application"
    assert entry["Name"] == APP_NAME
    assert entry["Exec"].split()[0] == gui_script_name() == entry["TryExec"]
    assert entry["Icon"] == resources.APP_ICON_NAME
    assert entry["Terminal"] == "false"
    # Qt names the window class after the program and the app calls its desktop file
    # eris-desktop (setDesktopFileName): docks then group the window under this entry.
    assert entry["StartupWMClass"] == DESKTOP_FILE.stem == "eris-desktop"


def test_the_metainfo_describes_this_release() -> None:
    root = ElementTree.parse(METAINFO).getroot()
    assert root.get("type") == "desktop-application"
    assert root.findtext("id") == METAINFO.name.removesuffix(".metainfo.xml")
    assert root.findtext("name") == APP_NAME
    assert root.findtext("launchable[@type='desktop-id']") == DESKTOP_FILE.name
    assert root.findtext("icon[@type='stock']") == resources.APP_ICON_NAME
    assert root.findtext("project_license") == "MIT"
    newest = root.find("releases/release")
    assert newest is not None
    assert newest.get("version") == __version__, "add a <release> for the new version to the metainfo"


@pytest.mark.skipif(shutil.which("desktop-file-validate") is None, reason="needs desktop-file-utils")
def test_desktop_file_validate_accepts_the_entry() -> None:
    done = subprocess.run(["desktop-file-validate", str(DESKTOP_FILE)], capture_output=True, text=True)
    assert done.returncode == 0 and "error" not in done.stdout, done.stdout + done.stderr


@pytest.mark.skipif(shutil.which("appstreamcli") is None, reason="needs appstream")
def test_appstreamcli_accepts_the_installed_tree(tmp_path: Path) -> None:
    share = tmp_path / "usr" / "share"
    (share / "applications").mkdir(parents=True)
    (share / "metainfo").mkdir()
    shutil.copy(DESKTOP_FILE, share / "applications")
    shutil.copy(METAINFO, share / "metainfo")
    shutil.copytree(ROOT / "app" / "resources" / "icons", share / "icons")
    for command in (["validate", "--no-net", str(METAINFO)], ["validate-tree", "--no-net", str(tmp_path)]):
        done = subprocess.run(["appstreamcli", *command], capture_output=True, text=True, timeout=60)
        assert done.returncode == 0, done.stdout + done.stderr
