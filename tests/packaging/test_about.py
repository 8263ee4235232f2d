"""The versions the About dialog and bug reports show, and the dialog itself."""

from __future__ import annotations

import json
import platform
import subprocess
import sys

import docker
import PySide6
import pytest
from PySide6.QtCore import qVersion
from PySide6.QtGui import QGuiApplication
from pytestqt.qtbot import QtBot

from app import APP_NAME, __version__, about
from app.engine.connection import Endpoint, EngineInfo, engine_info, open_client
from app.ui.about_dialog import AboutDialog

from .conftest import ROOT

ENGINE = EngineInfo(address="unix:///tmp/x.sock", server_version="27.5.1", api_version="1.47", os="linux",
                    arch="amd64")


def test_about_needs_no_qt() -> None:
    code = "import sys, app.about; print(any(name.startswith('PySide6') for name in sys.modules))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    assert done.stdout.strip() == "False"


def test_versions_of_the_app_and_its_libraries() -> None:
    found = about.collect()
    assert found.app == __version__
    assert found.python.startswith(platform.python_version())
    assert found.pyside == PySide6.__version__
    assert found.qt == qVersion()
    assert found.docker_sdk == docker.__version__
    assert found.frozen is False
    assert found.engine is None
    rows = dict(found.rows())
    assert rows[APP_NAME] == __version__
    assert rows["Docker Engine"] == "not connected"
    assert found.as_text().splitlines()[0] == f"{APP_NAME}: {__version__}"
    assert json.loads(json.dumps(found.as_dict()))["engine"] is None


def test_the_engine_from_the_connection_info() -> None:
    found = about.collect(engine=ENGINE)
    assert found.engine == about.EngineVersion("27.5.1", "1.47", "linux", "amd64", "unix:///tmp/x.sock")
    assert dict(found.rows())["Docker Engine"] == "27.5.1 (API 1.47), linux/amd64 at unix:///tmp/x.sock"


def test_an_engine_that_does_not_answer_is_reported_not_raised(tmp_path: object) -> None:
    client = docker.APIClient(base_url=f"unix://{tmp_path}/no-engine.sock", version="1.41", timeout=2)
    found = about.collect(client)
    assert found.engine is None
    assert found.engine_problem.startswith("did not answer")
    assert dict(found.rows())["Docker Engine"] == found.engine_problem


@pytest.mark.engine
def test_the_engines_own_version(endpoint: Endpoint) -> None:
    client = open_client(endpoint)
    try:
        found = about.collect(client, address=endpoint.display_address)
        info = engine_info(client, endpoint)
    finally:
        client.close()
    assert found.engine is not None
    assert (found.engine.version, found.engine.api_version) == (info.server_version, info.api_version)
    assert found.engine.address == endpoint.display_address


def test_the_command_line_tells_its_version() -> None:
    done = subprocess.run([sys.executable, "-m", "app", "--version"], capture_output=True, text=True, cwd=ROOT,
                          timeout=60)
    assert done.stdout.strip() == f"{APP_NAME} {__version__}"


def test_the_dialog_shows_the_versions_and_copies_them(qtbot: QtBot) -> None:
    dialog = AboutDialog(ENGINE)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.objectName() == "aboutDialog"
    assert dialog.values["Docker Engine"].text().startswith("27.5.1 (API 1.47)")
    assert dialog.values["Qt"].text() == qVersion()
    assert dialog.values["PySide6"].text() == PySide6.__version__
    dialog.copy_button.click()
    assert QGuiApplication.clipboard().text() == dialog.about.as_text()


def test_the_dialog_without_an_engine(qtbot: QtBot) -> None:
    dialog = AboutDialog()
    qtbot.addWidget(dialog)
    assert dialog.values["Docker Engine"].text() == "not connected"
