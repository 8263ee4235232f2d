"""Daemon not running, permission denied, timeout, too old an API: each produced for real."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
import tls_engine

from app.hosts.candidate import Candidate
from app.hosts.diagnosis import Code
from app.hosts.probe import iter_probes, probe, probe_all
from tests.hosts.conftest import Lab

ROOT = Path(__file__).resolve().parents[2]


def _socket(path: Path | str) -> Candidate:
    return Candidate(kind="socket", name="test socket", url=f"unix://{path}")


def test_the_engine_socket_is_reachable(lab: Lab) -> None:
    result = probe(_socket(lab.engine.socket_path))
    assert result.reachable, result.diagnosis
    assert result.engine is not None and result.engine.images >= 0


def test_removed_socket_means_daemon_not_running(tmp_path: Path) -> None:
    result = probe(_socket(tmp_path / "docker.sock"))
    assert result.diagnosis is not None
    assert result.diagnosis.code is Code.DAEMON_NOT_RUNNING
    assert result.diagnosis.message == (
        f"The Docker daemon is not running. There is no socket at {tmp_path / 'docker.sock'}: "
        "Docker is not running, or it is not installed here."
    )
    assert "Start Docker" in result.diagnosis.hint


def test_socket_left_by_a_stopped_daemon(dead_socket: Path) -> None:
    result = probe(_socket(dead_socket))
    assert result.diagnosis is not None
    assert result.diagnosis.code is Code.DAEMON_NOT_RUNNING
    assert f"Nothing answers at unix://{dead_socket}" in result.diagnosis.message


def test_closed_tcp_port_means_daemon_not_running() -> None:
    port = tls_engine.free_port()
    result = probe(Candidate(kind="profile", name="closed", url=f"tcp://127.0.0.1:{port}"))
    assert result.diagnosis is not None and result.diagnosis.code is Code.DAEMON_NOT_RUNNING


def test_silent_engine_times_out(lab: Lab) -> None:
    started = time.monotonic()
    result = probe(lab.plain_candidate(lab.silent_port), timeout=0.5)
    assert time.monotonic() - started < 3
    assert result.diagnosis is not None
    assert result.diagnosis.code is Code.TIMEOUT
    assert result.diagnosis.message.startswith("The engine did not answer in time.")
    assert "within 0.5 s" in result.diagnosis.message


def test_silent_tls_engine_times_out(lab: Lab) -> None:
    result = probe(lab.tls_candidate(lab.silent_port), timeout=0.5)
    assert result.diagnosis is not None and result.diagnosis.code is Code.TIMEOUT


def test_api_older_than_needed(lab: Lab) -> None:
    result = probe(_socket(lab.engine.socket_path), min_api_version="9.0")
    assert result.diagnosis is not None
    assert result.diagnosis.code is Code.API_TOO_OLD
    assert "Eris Desktop needs API 9.0 or newer" in result.diagnosis.message
    assert "speaks API 1." in result.diagnosis.message


def test_named_pipe_on_linux_is_unsupported() -> None:
    result = probe(Candidate(kind="socket", name="pipe", url="npipe:////./pipe/docker_engine"))
    assert result.diagnosis is not None and result.diagnosis.code is Code.UNSUPPORTED


def test_probes_run_concurrently(lab: Lab) -> None:
    silent = [lab.plain_candidate(lab.silent_port) for _ in range(4)]
    started = time.monotonic()
    results = probe_all([*silent, lab.tls_candidate()], timeout=1)
    elapsed = time.monotonic() - started
    assert elapsed < 2.5, f"four 1 s timeouts took {elapsed:.1f} s: not concurrent"
    assert [r.candidate for r in results] == [*silent, lab.tls_candidate()]
    assert results[-1].reachable
    first = next(iter_probes([lab.tls_candidate(), lab.plain_candidate(lab.silent_port)], timeout=1))
    assert first.reachable  # the fast one arrives first


def _can_run_as_nobody() -> str | None:
    """Why the project cannot be run as user nobody here, or None if it can."""
    if os.geteuid() != 0 or not shutil.which("setpriv"):
        return "needs root and setpriv to switch to user nobody"
    check = subprocess.run(
        ["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups", sys.executable, "-c", "import app.hosts"],
        cwd=ROOT,
        env={"PATH": os.environ.get("PATH", ""), "PYTHONPATH": str(ROOT), "HOME": "/tmp"},
        capture_output=True,
        text=True,
    )
    return None if check.returncode == 0 else f"user nobody cannot read the project or its venv: {check.stderr[-200:]}"


def test_permission_denied_as_a_user_outside_the_docker_group(lab: Lab) -> None:
    reason = _can_run_as_nobody()
    if reason:
        pytest.skip(reason)
    code = (
        "import json, sys\n"
        "from app.hosts.candidate import Candidate\n"
        "from app.hosts.probe import probe\n"
        "result = probe(Candidate(kind='socket', name='engine', url=sys.argv[1]))\n"
        "print(json.dumps(result.to_dict()))\n"
    )
    done = subprocess.run(
        ["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups", sys.executable, "-c", code,
         lab.engine.unix_url],
        cwd=ROOT,
        env={"PATH": os.environ.get("PATH", ""), "PYTHONPATH": str(ROOT), "HOME": "/tmp"},
        capture_output=True,
        text=True,
        timeout=60,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert report["reachable"] is False
    assert report["code"] == "permission_denied"
    assert report["error"] == (
        f"Permission denied on the Docker socket. Docker runs, but this user may not open {lab.engine.socket_path}."
    )
    assert "docker group" in report["hint"]
