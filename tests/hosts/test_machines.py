"""docker-machine VMs in a temporary HOME, with a docker-machine program on PATH that answers for them."""

from __future__ import annotations

import json
import os
import shutil
import stat
from pathlib import Path

import pytest

from app.hosts.candidates import find_candidates
from app.hosts.diagnosis import Code
from app.hosts.docker_machine import regenerate_certs, start_machine
from app.hosts.machine_source import machine_candidates
from app.hosts.probe import probe
from tests.hosts.conftest import Lab

# What `docker-machine url` and `status` print, per machine, kept in files the test can change.
DOCKER_MACHINE = """#!/bin/sh
state="{state}"
echo "$*" >> "$state/calls"
case "$1" in
  url) test -f "$state/$2.url" && cat "$state/$2.url" && exit 0
       echo "Host is not running" >&2; exit 1 ;;
  status) cat "$state/$2.status" ;;
  start) echo Running > "$state/$2.status"; echo "Started machines may have new IP addresses." ;;
  regenerate-certs) echo "Regenerating TLS certificates" ;;
  *) echo "unknown command $1" >&2; exit 1 ;;
esac
"""


def make_machine(home: Path, name: str, ip: str, lab: Lab, *, copy_certs: bool = True) -> Path:
    """A machine folder as docker-machine 0.16 writes it (virtualbox driver), with config.json's real fields."""
    store = home / ".docker" / "machine"
    folder = store / "machines" / name
    certs = store / "certs"
    folder.mkdir(parents=True)
    certs.mkdir(exist_ok=True)
    for source, target in (("ca.pem", "ca.pem"), ("cert.pem", "cert.pem"), ("key.pem", "key.pem")):
        shutil.copy(lab.certs.docker_folder / source, certs / target)
        if copy_certs:
            shutil.copy(lab.certs.docker_folder / source, folder / target)
    config = {
        "ConfigVersion": 3,
        "Driver": {
            "IPAddress": ip,
            "MachineName": name,
            "SSHUser": "docker",
            "SSHPort": 50122,
            "SSHKeyPath": str(folder / "id_rsa"),
            "StorePath": str(store),
            "CPU": 1,
            "Memory": 1024,
            "DiskSize": 20000,
            "HostOnlyCIDR": "192.168.99.1/24",
        },
        "DriverName": "virtualbox",
        "HostOptions": {
            "Driver": "",
            "Memory": 0,
            "Disk": 0,
            "EngineOptions": {"TlsVerify": True, "InstallURL": "https://get.docker.com", "StorageDriver": ""},
            "AuthOptions": {
                "CertDir": str(certs),
                "CaCertPath": str(certs / "ca.pem"),
                "CaPrivateKeyPath": str(certs / "ca-key.pem"),
                "ServerCertPath": str(folder / "server.pem"),
                "ServerKeyPath": str(folder / "server-key.pem"),
                "ClientKeyPath": str(certs / "key.pem"),
                "ClientCertPath": str(certs / "cert.pem"),
                "ServerCertSANs": [],
                "StorePath": str(folder),
            },
        },
        "Name": name,
    }
    (folder / "config.json").write_text(json.dumps(config, indent=4))
    return folder


@pytest.fixture
def home() -> Path:
    return Path(os.environ["HOME"])


@pytest.fixture
def machine_state(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A docker-machine program first on PATH; returns the folder of its answers."""
    state = tmp_path / "machine-state"
    state.mkdir()
    program = tmp_path / "bin" / "docker-machine"
    program.parent.mkdir()
    program.write_text(DOCKER_MACHINE.format(state=state))
    program.chmod(program.stat().st_mode | stat.S_IXUSR)
    monkeypatch.setenv("PATH", f"{program.parent}{os.pathsep}{os.environ['PATH']}")
    return state


def answer(state: Path, name: str, *, url: str | None, status: str) -> None:
    if url:
        (state / f"{name}.url").write_text(url + "\n")
    (state / f"{name}.status").write_text(status + "\n")


def test_without_docker_machine_the_stored_ip_is_used(lab: Lab, home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", "/usr/bin:/bin")
    folder = make_machine(home, "default", "127.0.0.1", lab)
    [candidate] = machine_candidates(os.environ, home)
    assert candidate.url == "tcp://127.0.0.1:2376" and candidate.tls and candidate.machine == "default"
    assert (candidate.ca, candidate.cert, candidate.key) == tuple(
        str(folder / f) for f in ("ca.pem", "cert.pem", "key.pem")
    )
    assert "docker-machine is not on PATH" in candidate.source
    assert candidate.vm_state == ""


def test_docker_machine_url_corrects_a_stale_ip(lab: Lab, home: Path, machine_state: Path) -> None:
    make_machine(home, "default", "127.0.0.2", lab)  # the IP of the last boot
    answer(machine_state, "default", url=f"tcp://127.0.0.1:{lab.engine.port}", status="Running")
    [candidate] = [c for c in find_candidates() if c.kind == "machine"]
    assert candidate.url == f"tcp://127.0.0.1:{lab.engine.port}"
    assert candidate.vm_state == "Running"
    assert "address from `docker-machine url`" in candidate.source
    result = probe(candidate)
    assert result.reachable, result.diagnosis
    calls = (machine_state / "calls").read_text().splitlines()
    assert sorted(calls) == ["status default", "url default"]


def test_auth_options_paths_when_the_machine_folder_has_no_copies(lab: Lab, home: Path, machine_state: Path) -> None:
    make_machine(home, "dev", "127.0.0.1", lab, copy_certs=False)
    answer(machine_state, "dev", url=f"tcp://127.0.0.1:{lab.engine.port}", status="Running")
    [candidate] = machine_candidates(os.environ, home)
    certs = home / ".docker" / "machine" / "certs"
    assert (candidate.ca, candidate.cert, candidate.key) == tuple(
        str(certs / f) for f in ("ca.pem", "cert.pem", "key.pem")
    )
    assert probe(candidate).reachable


def test_stopped_vm_is_said_and_can_be_started(lab: Lab, home: Path, machine_state: Path) -> None:
    make_machine(home, "old", "127.0.0.1", lab)
    answer(machine_state, "old", url=None, status="Stopped")
    [candidate] = machine_candidates(os.environ, home)
    result = probe(candidate)
    assert result.diagnosis is not None
    assert result.diagnosis.code is Code.VM_STOPPED
    assert result.diagnosis.message == "The VM 'old' is not running. docker-machine says its state is Stopped."
    assert result.diagnosis.hint == "Start it: docker-machine start old"
    assert result.diagnosis.fix == ("docker-machine", "start", "old")
    started = start_machine("old")
    assert started.ok, started.output
    assert "start old" in (machine_state / "calls").read_text()
    assert machine_candidates(os.environ, home)[0].vm_state == "Running"


def test_certificate_for_the_old_ip_suggests_regenerating(lab: Lab, home: Path, machine_state: Path) -> None:
    # The VM came back on 127.0.0.1, its certificate still names 127.0.0.2.
    make_machine(home, "moved", "127.0.0.2", lab)
    answer(machine_state, "moved", url=f"tcp://127.0.0.1:{lab.wrong_san_port}", status="Running")
    [candidate] = machine_candidates(os.environ, home)
    result = probe(candidate)
    assert result.diagnosis is not None
    assert result.diagnosis.code is Code.TLS_WRONG_HOST
    assert "VM 'moved' now has the address" in result.diagnosis.message
    assert (
        result.diagnosis.hint == "Make new certificates for the current address: docker-machine regenerate-certs moved"
    )
    assert result.diagnosis.fix == ("docker-machine", "regenerate-certs", "-f", "moved")
    assert regenerate_certs("moved").ok
    assert "regenerate-certs -f moved" in (machine_state / "calls").read_text()


def test_machine_found_through_docker_host_keeps_its_vm_actions(
    lab: Lab, home: Path, machine_state: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = make_machine(home, "default", "127.0.0.1", lab)
    answer(machine_state, "default", url=f"tcp://127.0.0.1:{lab.engine.port}", status="Running")
    # What `eval $(docker-machine env default)` sets.
    monkeypatch.setenv("DOCKER_HOST", f"tcp://127.0.0.1:{lab.engine.port}")
    monkeypatch.setenv("DOCKER_TLS_VERIFY", "1")
    monkeypatch.setenv("DOCKER_CERT_PATH", str(folder))
    found = [c for c in find_candidates() if c.url.startswith("tcp://")]
    assert len(found) == 1
    assert found[0].kind == "machine" and found[0].current
    assert "the environment (DOCKER_HOST" in found[0].source
