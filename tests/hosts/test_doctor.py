"""`doctor`: the text for people, the JSON for programs, and the exit status."""

from __future__ import annotations

import argparse
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from app.hosts import doctor, socket_source
from app.hosts.profiles import Profile, ProfileStore
from tests.hosts.conftest import Lab

ROOT = Path(__file__).resolve().parents[2]
REQUIRED_KEYS = {"kind", "name", "url", "tls", "reachable", "server_version", "api_version", "os", "error", "hint"}


def run_doctor(*argv: str) -> tuple[int, str, str]:
    parser = argparse.ArgumentParser()
    doctor.add_arguments(parser)
    out, err = io.StringIO(), io.StringIO()
    status = doctor.run(parser.parse_args(list(argv)), out, err)
    return status, out.getvalue(), err.getvalue()


@pytest.fixture(autouse=True)
def no_system_socket(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The system socket is always probed; point it at a place where surely no daemon runs."""
    path = tmp_path / "system" / "docker.sock"
    monkeypatch.setattr(socket_source, "SYSTEM_SOCKET", str(path))
    return path


def use_tls_engine(lab: Lab, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DOCKER_HOST", f"tcp://127.0.0.1:{lab.engine.port}")
    monkeypatch.setenv("DOCKER_TLS_VERIFY", "1")
    monkeypatch.setenv("DOCKER_CERT_PATH", str(lab.certs.docker_folder))


def test_nothing_reachable_exits_1_and_says_why(no_system_socket: Path) -> None:
    status, out, _ = run_doctor()
    assert status == 1
    assert "Docker engines found: 1, reachable: 0" in out
    assert f"There is no socket at {no_system_socket}" in out
    assert "what to do: Start Docker" in out
    assert out.rstrip().endswith("No Docker Engine is reachable. Fix one of the problems above, then run doctor again.")


def test_reachable_engine_exits_0(lab: Lab, monkeypatch: pytest.MonkeyPatch) -> None:
    use_tls_engine(lab, monkeypatch)
    status, out, _ = run_doctor()
    assert status == 0
    assert "reachable: 1" in out
    assert f"OK   DOCKER_HOST  [env, current]\n     address: tcp://127.0.0.1:{lab.engine.port} (TLS)" in out
    assert "engine: Docker " in out and "linux/" in out


def test_json_lists_every_candidate_with_its_diagnosis(lab: Lab, monkeypatch: pytest.MonkeyPatch) -> None:
    use_tls_engine(lab, monkeypatch)
    ProfileStore().put(Profile(name="stale", url=f"tcp://127.0.0.1:{lab.wrong_san_port}", tls=True,
                               ca=str(lab.certs.docker_folder / "ca.pem")))  # fmt: skip
    status, out, err = run_doctor("--json")
    assert status == 0 and err == ""
    report = json.loads(out)
    assert all(set(item) >= REQUIRED_KEYS for item in report)
    by_name = {item["name"]: item for item in report}
    engine = by_name["DOCKER_HOST"]
    assert engine["reachable"] is True and engine["tls"] is True and engine["error"] is None
    assert engine["server_version"] and engine["api_version"] and engine["os"] == "linux"
    stale = by_name["stale"]
    assert stale["reachable"] is False and stale["code"] == "tls_wrong_host"
    assert stale["error"].startswith("The engine's certificate is not valid for this address.")
    assert stale["hint"]
    system = by_name["Docker (system)"]
    assert system["code"] == "daemon_not_running" and system["server_version"] is None


def test_corrupt_profiles_are_reported_on_stderr_without_breaking_json() -> None:
    folder = Path(os.environ["ERIS_DESKTOP_CONFIG"])
    folder.mkdir(parents=True)
    (folder / "profiles.json").write_text("{")
    status, out, err = run_doctor("--json")
    assert status == 1
    assert isinstance(json.loads(out), list)
    assert err.startswith("warning: The saved engine profiles in") and "was kept as" in err


def test_doctor_as_a_separate_process(lab: Lab, tmp_path: Path) -> None:
    env = {**os.environ, "DOCKER_HOST": lab.engine.unix_url, "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "-m", "app.hosts.doctor", "--json", "--timeout", "2"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    [engine] = [item for item in json.loads(done.stdout) if item["kind"] == "env"]
    assert engine["reachable"] and engine["url"] == lab.engine.unix_url
