"""ssh:// engines for real: OpenSSH's server on loopback, the real client, the private engine behind it."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from app.engine.connection import Endpoint, engine_info, open_client
from app.engine.rows import Kind
from app.engine.tracker import LiveTracker, Status
from app.hosts.candidate import Candidate
from app.hosts.probe import probe
from app.ui.main_window import MainWindow
from tests.conftest import DockerCLI
from tests.hosts import ssh_server
from tests.recorder import Recorder


@pytest.fixture(scope="module")
def sshd(engine, tmp_path_factory: pytest.TempPathFactory) -> Iterator[ssh_server.SSHServer]:  # type: ignore[no-untyped-def]
    server = ssh_server.start(Path(tmp_path_factory.mktemp("sshd")), engine.docker_host)
    yield server
    server.stop()


@pytest.fixture
def ssh_endpoint(sshd: ssh_server.SSHServer, monkeypatch: pytest.MonkeyPatch) -> Endpoint:
    monkeypatch.setenv("PATH", f"{sshd.client_bin}{os.pathsep}{os.environ['PATH']}")
    monkeypatch.delenv("DOCKER_HOST", raising=False)
    return Endpoint(url=sshd.url())


def test_the_probe_reaches_the_engine_over_real_ssh(sshd: ssh_server.SSHServer, ssh_endpoint: Endpoint) -> None:
    result = probe(Candidate(kind="ssh", name="far", url=sshd.url()))
    assert result.reachable, result.diagnosis
    assert result.engine is not None and result.engine.os == "linux"


def test_the_engine_client_talks_over_ssh(ssh_endpoint: Endpoint) -> None:
    api = open_client(ssh_endpoint)
    try:
        info = engine_info(api, ssh_endpoint)
        assert info.address == ssh_endpoint.url and info.server_version[0].isdigit()
        assert any("eris/base:latest" in (image.get("RepoTags") or []) for image in api.images())
    finally:
        api.close()


def test_live_rows_over_ssh(ssh_endpoint: Endpoint, docker_cli: DockerCLI) -> None:
    recorder = Recorder()
    tracker = LiveTracker(ssh_endpoint, recorder)
    tracker.start()
    try:
        recorder.wait_for(lambda: recorder.status() is Status.CONNECTED, what="connected over ssh")
        key = docker_cli("create", "--label", "eris-test=1", "--network", "none", "--name", "over-ssh",
                         "eris/base:latest", "true")
        recorder.wait_for(lambda: key in recorder.rows[Kind.CONTAINER], what="the new container, from an event")
        docker_cli("rm", key)
        recorder.wait_for(lambda: key not in recorder.rows[Kind.CONTAINER], what="its removal")
    finally:
        tracker.stop()


def test_the_window_opens_an_ssh_engine(ssh_endpoint: Endpoint, qtbot: QtBot) -> None:
    window = MainWindow(ssh_endpoint)
    qtbot.addWidget(window)
    try:
        qtbot.waitUntil(lambda: window.models.state.status is Status.CONNECTED, timeout=20_000)
        qtbot.waitUntil(lambda: window.models.model(Kind.IMAGE).rowCount() > 0, timeout=20_000)
        assert window.status.address_label.text() == ssh_endpoint.url
        assert window.status.version_label.text().startswith("Engine ")
    finally:
        window.shutdown()
