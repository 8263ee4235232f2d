"""Saved profiles: round trip, atomic writes, a corrupt file set aside, and --host resolution."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from app import fileio
from app.hosts.host_option import UnknownHost, candidate_for_url, resolve_host
from app.hosts.profiles import Profile, ProfileStore
from app.settings import config_dir as settings_folder
from tests.hosts.conftest import Certificates

VM = Profile(name="vm", url="tcp://127.0.0.1:2376", tls=True, ca="/c/ca.pem", cert="/c/cert.pem", key="/c/key.pem")
LOCAL = Profile(name="local", url="unix:///var/run/docker.sock")


def test_settings_folder_follows_eris_desktop_config(tmp_path: Path) -> None:
    assert settings_folder() == tmp_path / "config"  # tests/conftest.py sets ERIS_DESKTOP_CONFIG
    assert ProfileStore().path == tmp_path / "config" / "profiles.json"


def test_round_trip_and_last_used() -> None:
    store = ProfileStore()
    assert store.profiles == [] and store.problem is None and store.last_used is None
    store.put(VM)
    store.put(LOCAL)
    store.mark_used("vm")
    again = ProfileStore()
    assert again.profiles == [VM, LOCAL]
    assert again.last_used == VM
    assert again.problem is None


def test_put_replaces_by_name_rename_and_remove() -> None:
    store = ProfileStore()
    store.put(VM)
    store.put(LOCAL)
    store.mark_used("vm")
    store.put(Profile(name="vm", url="tcp://127.0.0.1:2377", tls=True))
    store.rename("vm", "toolbox")
    assert [p.name for p in ProfileStore().profiles] == ["toolbox", "local"]
    assert ProfileStore().last_used is not None and ProfileStore().last_used.url == "tcp://127.0.0.1:2377"  # type: ignore[union-attr]
    with pytest.raises(ValueError, match="exists already"):
        store.rename("toolbox", "local")
    store.remove("toolbox")
    assert ProfileStore().last_used is None
    with pytest.raises(KeyError):
        store.mark_used("toolbox")


def test_only_paths_are_saved_never_key_contents(certificates: Certificates) -> None:
    folder = certificates.docker_folder
    store = ProfileStore()
    store.put(Profile(name="tls", url="tcp://127.0.0.1:2376", tls=True, ca=str(folder / "ca.pem"),
                      cert=str(folder / "cert.pem"), key=str(folder / "key.pem")))  # fmt: skip
    text = store.path.read_text()
    assert "PRIVATE KEY" not in text and "BEGIN CERTIFICATE" not in text
    assert json.loads(text)["profiles"][0]["key"] == str(folder / "key.pem")


def test_write_is_atomic(monkeypatch: pytest.MonkeyPatch) -> None:
    store = ProfileStore()
    store.put(VM)
    before = store.path.read_text()

    def crash(source: str, target: str) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(fileio.os, "replace", crash)
    with pytest.raises(OSError, match="No space left"):
        store.put(LOCAL)
    monkeypatch.undo()
    assert store.path.read_text() == before
    assert sorted(p.name for p in store.folder.iterdir()) == ["profiles.json"]  # no temporary file left


def test_saved_file_is_complete_json_and_private() -> None:
    store = ProfileStore()
    store.put(VM)
    assert json.loads(store.path.read_text())["version"] == 1
    if os.name == "posix":
        assert store.path.stat().st_mode & 0o077 == 0


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        ('{"profiles": [{"name": "vm", "url": ', "it is not valid JSON"),
        ('{"profiles": {"vm": 1}}', "it has no list of profiles"),
        ('{"profiles": [{"url": "tcp://127.0.0.1:2376"}]}', "a profile lacks its name or URL"),
    ],
)
def test_corrupt_file_is_set_aside_and_reported(content: str, reason: str) -> None:
    folder = settings_folder()
    folder.mkdir(parents=True)
    (folder / "profiles.json").write_text(content)
    store = ProfileStore()
    assert store.profiles == []
    assert store.problem is not None
    [aside] = list(folder.glob("profiles.json.corrupt-*"))
    assert aside.read_text() == content  # kept, not lost
    assert store.problem.startswith(f"The saved engine profiles in {folder / 'profiles.json'} could not be read (")
    assert reason in store.problem
    assert store.problem.endswith(f"The file was kept as {aside} and the app starts without saved profiles.")
    store.put(LOCAL)
    assert ProfileStore().profiles == [LOCAL] and ProfileStore().problem is None
    (folder / "profiles.json").write_text(content)
    ProfileStore()
    assert len(list(folder.glob("profiles.json.corrupt-*"))) == 2  # a second one does not overwrite the first


def test_host_option_names_a_profile_first() -> None:
    store = ProfileStore()
    store.put(VM)
    store.put(Profile(name="far", url="ssh://me@127.0.0.1:2222"))
    assert resolve_host("vm", store).url == VM.url
    assert resolve_host("vm", store).ca == VM.ca
    assert resolve_host("far", store).kind == "ssh"


def test_host_option_takes_addresses(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    store = ProfileStore()
    socket = resolve_host("unix:///tmp/eris-pe/docker.sock", store)
    assert (socket.kind, socket.url, socket.tls) == ("socket", "unix:///tmp/eris-pe/docker.sock", False)
    plain = resolve_host("127.0.0.1:2375", store)
    assert (plain.url, plain.tls) == ("tcp://127.0.0.1:2375", False)
    tls = resolve_host("tcp://127.0.0.1:2376", store)
    assert tls.tls and tls.ca == str(Path(os.environ["HOME"]) / ".docker" / "ca.pem")
    monkeypatch.setenv("DOCKER_TLS_VERIFY", "1")
    monkeypatch.setenv("DOCKER_CERT_PATH", str(tmp_path / "certs"))
    other_port = resolve_host("https://127.0.0.1:9999", store)
    assert other_port.tls and other_port.key == str(tmp_path / "certs" / "key.pem")
    assert resolve_host("ssh://me@127.0.0.1", store).kind == "ssh"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("nosuch", "No saved profile is named 'nosuch' (saved profiles: 'vm')"),
        ("ftp://127.0.0.1:21", "is not an engine address Docker knows"),
        ("tcp://127.0.0.1", "needs a host and a port"),
        ("tcp://127.0.0.1:port", "has a port that is not a number"),
        ("ssh://", "names no host"),
        ("  ", "No engine was named"),
    ],
)
def test_host_option_explains_what_it_cannot_use(text: str, message: str) -> None:
    store = ProfileStore()
    store.put(VM)
    with pytest.raises(UnknownHost, match=message.replace("(", r"\(").replace(")", r"\)")):
        resolve_host(text, store)


def test_candidate_for_url_keeps_a_given_name_and_certificate_folder(certificates: Certificates) -> None:
    assert candidate_for_url("tcp://127.0.0.1:2375", name="lab").name == "lab"
    folder = str(certificates.docker_folder)
    chosen = candidate_for_url("tcp://127.0.0.1:2375", cert_folder=folder)
    assert chosen.tls and chosen.cert_folder == folder
    assert chosen.to_endpoint().tls_files()[0] == str(Path(folder) / "ca.pem")
