"""docker CLI contexts made by the real docker CLI in a temporary HOME, found and probed."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from app.hosts.candidates import find_candidates
from app.hosts.probe import probe
from tests.hosts.conftest import Lab


def docker(*args: str) -> None:
    # HOME is the test's own (tests/conftest.py), so the CLI writes its contexts there.
    env = {key: value for key, value in os.environ.items() if not key.startswith("DOCKER_")}
    done = subprocess.run(["docker", *args], env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr


@pytest.fixture
def contexts(lab: Lab) -> Path:
    folder = lab.certs.docker_folder
    tls = f"ca={folder / 'ca.pem'},cert={folder / 'cert.pem'},key={folder / 'key.pem'}"
    docker("context", "create", "eris-tls", "--docker", f"host=tcp://127.0.0.1:{lab.engine.port},{tls}")
    docker("context", "create", "eris-socket", "--docker", f"host={lab.engine.unix_url}")
    docker("context", "use", "eris-tls")
    return Path(os.environ["HOME"]) / ".docker"


def test_contexts_are_found_with_their_tls_files(lab: Lab, contexts: Path) -> None:
    found = {c.name: c for c in find_candidates() if c.kind == "context"}
    assert set(found) == {"eris-tls", "eris-socket"}
    tls = found["eris-tls"]
    assert tls.url == f"tcp://127.0.0.1:{lab.engine.port}" and tls.tls and tls.current
    # The CLI copies the files into contexts/tls/<sha256 of the name>/docker/.
    assert Path(tls.ca).parent.parent.parent == contexts / "contexts" / "tls"
    assert Path(tls.key).name == "key.pem" and Path(tls.cert).read_bytes() == lab.certs.client.cert.read_bytes()
    assert "the current context" in tls.source
    socket = found["eris-socket"]
    assert not socket.tls and not socket.current and socket.url == lab.engine.unix_url


def test_context_engines_are_reachable(lab: Lab, contexts: Path) -> None:
    for candidate in find_candidates():
        if candidate.kind == "context":
            result = probe(candidate)
            assert result.reachable, (candidate.name, result.diagnosis)


def test_docker_context_variable_picks_the_current_one(
    lab: Lab, contexts: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DOCKER_CONTEXT", "eris-socket")
    current = [c.name for c in find_candidates() if c.current]
    assert current == ["eris-socket"]


def test_docker_host_wins_over_the_current_context(lab: Lab, contexts: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DOCKER_HOST", "unix:///nonexistent/docker.sock")
    current = [(c.kind, c.name) for c in find_candidates() if c.current]
    assert current == [("env", "DOCKER_HOST")]


def test_a_broken_context_is_skipped(lab: Lab, contexts: Path) -> None:
    broken = contexts / "contexts" / "meta" / ("0" * 64)
    broken.mkdir()
    (broken / "meta.json").write_text("{not json")
    names = [c.name for c in find_candidates() if c.kind == "context"]
    assert names == ["eris-socket", "eris-tls"]
