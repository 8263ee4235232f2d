"""ssh:// engines: the real ssh client's failure, and the real docker CLI on the far side.

No SSH server runs here, so for the far side an `ssh` stand-in on PATH runs the
remote command locally, against the TLS engine's socket: what is checked is the
command line given to ssh and the reading of the docker CLI's real answers.
"""

from __future__ import annotations

import os
import shutil
import stat
from pathlib import Path

import pytest
import tls_engine

from app.hosts.candidate import Candidate
from app.hosts.diagnosis import Code
from app.hosts.probe import probe
from tests.hosts.conftest import Lab

LOCAL_SSH = """#!/bin/sh
echo "$*" > "{calls}"
while [ "$1" != "--" ]; do shift; done
shift 2
DOCKER_HOST="{docker_host}" exec sh -c "$*"
"""


def ssh_stand_in(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, docker_host: str) -> Path:
    calls = tmp_path / "ssh-calls"
    program = tmp_path / "bin" / "ssh"
    program.parent.mkdir()
    program.write_text(LOCAL_SSH.format(calls=calls, docker_host=docker_host))
    program.chmod(program.stat().st_mode | stat.S_IXUSR)
    monkeypatch.setenv("PATH", f"{program.parent}{os.pathsep}{os.environ['PATH']}")
    return calls


def test_ssh_engine_reachable(lab: Lab, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    calls = ssh_stand_in(tmp_path, monkeypatch, lab.engine.unix_url)
    result = probe(Candidate(kind="ssh", name="far", url="ssh://deploy@127.0.0.1:2222"))
    assert result.reachable, result.diagnosis
    assert result.engine is not None and result.engine.os == "linux"
    argv = calls.read_text().split()
    assert argv[:4] == ["-o", "BatchMode=yes", "-o", "ConnectTimeout=3"]
    assert argv[4:9] == ["-l", "deploy", "-p", "2222", "--"]
    assert argv[9] == "127.0.0.1"


def test_ssh_host_whose_daemon_is_not_running(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    ssh_stand_in(tmp_path, monkeypatch, f"unix://{tmp_path}/gone.sock")
    result = probe(Candidate(kind="ssh", name="far", url="ssh://deploy@127.0.0.1"))
    assert result.diagnosis is not None
    assert result.diagnosis.code is Code.DAEMON_NOT_RUNNING
    assert "answers over SSH, but its Docker daemon does not" in result.diagnosis.message


@pytest.mark.skipif(not shutil.which("ssh"), reason="no OpenSSH client installed")
def test_real_ssh_to_a_closed_port() -> None:
    port = tls_engine.free_port()
    result = probe(Candidate(kind="ssh", name="far", url=f"ssh://nobody@127.0.0.1:{port}"))
    assert result.diagnosis is not None
    assert result.diagnosis.code is Code.SSH_FAILED
    assert f"port {port}: Connection refused" in result.diagnosis.message
