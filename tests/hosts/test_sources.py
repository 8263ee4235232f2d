"""Candidates from the environment and from local sockets, and one candidate per engine."""

from __future__ import annotations

import os
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.hosts import socket_source
from app.hosts.candidate import Candidate
from app.hosts.candidates import find_candidates
from app.hosts.env_source import env_candidates
from app.hosts.profiles import Profile
from app.hosts.socket_source import socket_candidates


@pytest.fixture
def home() -> Path:
    return Path(os.environ["HOME"])


@pytest.fixture
def listening() -> Iterator[list[socket.socket]]:
    opened: list[socket.socket] = []
    yield opened
    for sock in opened:
        sock.close()


def make_socket(path: Path, opened: list[socket.socket]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    sock.bind(str(path))
    opened.append(sock)
    return path


def test_docker_host_with_tls_variables(home: Path) -> None:
    env = {"DOCKER_HOST": "tcp://127.0.0.1:2376", "DOCKER_TLS_VERIFY": "1", "DOCKER_CERT_PATH": "/certs"}
    [candidate] = env_candidates(env, home)
    assert (candidate.kind, candidate.url, candidate.tls) == ("env", "tcp://127.0.0.1:2376", True)
    assert (candidate.ca, candidate.cert, candidate.key) == ("/certs/ca.pem", "/certs/cert.pem", "/certs/key.pem")
    assert candidate.current and "DOCKER_CERT_PATH" in candidate.source
    assert candidate.to_endpoint().tls_files() == ("/certs/ca.pem", "/certs/cert.pem", "/certs/key.pem")


def test_docker_tls_verify_without_cert_path_uses_the_docker_folder(home: Path) -> None:
    [candidate] = env_candidates({"DOCKER_HOST": "tcp://127.0.0.1:2376", "DOCKER_TLS_VERIFY": "1"}, home)
    assert candidate.ca == str(home / ".docker" / "ca.pem")


def test_docker_host_plain_or_absent(home: Path) -> None:
    assert env_candidates({}, home) == []
    [plain] = env_candidates({"DOCKER_HOST": "unix:///run/user/1000/docker.sock", "DOCKER_TLS_VERIFY": "0"}, home)
    assert not plain.tls and plain.ca == ""
    [ssh] = env_candidates({"DOCKER_HOST": "ssh://me@127.0.0.1"}, home)
    assert ssh.kind == "ssh"


def test_only_existing_sockets_are_listed_but_the_system_one_always(
    home: Path, tmp_path: Path, listening: list[socket.socket]
) -> None:
    runtime = tmp_path / "run"
    colima = make_socket(home / ".colima" / "default" / "docker.sock", listening)
    podman = make_socket(runtime / "podman" / "podman.sock", listening)
    (home / ".rd").mkdir()
    (home / ".rd" / "docker.sock").write_text("a plain file is no socket")
    found = socket_candidates({"XDG_RUNTIME_DIR": str(runtime)}, home, platform="linux")
    assert [(c.name, c.url) for c in found] == [
        ("Docker (system)", "unix:///var/run/docker.sock"),
        ("Colima", f"unix://{colima}"),
        ("Podman", f"unix://{podman}"),
    ]


def test_named_pipes_only_on_windows(home: Path) -> None:
    urls = [c.url for c in socket_candidates({}, home, platform="win32")]
    assert urls == ["npipe:////./pipe/docker_engine", "npipe:////./pipe/dockerDesktopLinuxEngine"]
    assert not any(c.url.startswith("npipe") for c in socket_candidates({}, home, platform="linux"))


def test_the_same_engine_found_twice_is_listed_once(
    home: Path, tmp_path: Path, listening: list[socket.socket], monkeypatch: pytest.MonkeyPatch
) -> None:
    system = make_socket(tmp_path / "system.sock", listening)
    monkeypatch.setattr(socket_source, "SYSTEM_SOCKET", str(system))
    desktop = home / ".docker" / "run" / "docker.sock"
    desktop.parent.mkdir(parents=True)
    desktop.symlink_to(system)  # Docker Desktop links its socket like this
    env = {"HOME": str(home), "DOCKER_HOST": f"unix://{system}"}
    profile = Profile(name="mine", url=f"unix://{desktop}")
    found = find_candidates(environ=env, home=home, profiles=[profile], platform="linux")
    assert len(found) == 1
    assert found[0].kind == "env" and found[0].current
    assert "saved profile 'mine'" in found[0].source and "Docker Desktop" not in found[0].name


def test_profiles_become_candidates(home: Path) -> None:
    profiles = [Profile(name="lab", url="ssh://me@127.0.0.1:2222"), Profile(name="vm", url="tcp://127.0.0.1:2376")]
    found = find_candidates(environ={"HOME": str(home)}, home=home, profiles=profiles, platform="linux")
    kinds = {c.name: c.kind for c in found}
    assert kinds["lab"] == "ssh" and kinds["vm"] == "profile"


def test_tls_files_keep_their_own_paths() -> None:
    odd = Candidate(kind="profile", name="odd", url="tcp://127.0.0.1:2376", tls=True, ca="/a/ca.pem",
                    cert="/b/c.crt", key="/b/k.pem")
    endpoint = odd.to_endpoint()
    assert endpoint.tls_verify and endpoint.tls_files() == ("/a/ca.pem", "/b/c.crt", "/b/k.pem")
