"""Docker Toolbox / docker-machine VMs: ~/.docker/machine/machines/*/config.json."""

from __future__ import annotations

import json
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from app.hosts.candidate import Candidate, tls_files_in
from app.hosts.docker_machine import find_docker_machine, machine_status, machine_url

ENGINE_PORT = 2376  # docker-machine's engines always listen here, with TLS


def machine_storage(environ: Mapping[str, str], home: Path) -> Path:
    """docker-machine's store: $MACHINE_STORAGE_PATH, else ~/.docker/machine."""
    return Path(environ.get("MACHINE_STORAGE_PATH") or home / ".docker" / "machine")


@dataclass(frozen=True)
class StoredMachine:
    """What config.json says about one VM (its IP may be out of date)."""

    name: str
    folder: Path
    driver: str
    stored_url: str
    ca: str
    cert: str
    key: str


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _table(parent: Mapping[str, Any], key: str) -> Mapping[str, Any]:
    value = parent.get(key)
    return value if isinstance(value, dict) else {}


def _tls_paths(folder: Path, auth: Mapping[str, Any]) -> tuple[str, str, str]:
    # `docker-machine env` points DOCKER_CERT_PATH at the machine's folder, which holds
    # copies of the client files; AuthOptions name the originals in the shared certs
    # folder. Prefer the copies, like the tool itself; fall back to AuthOptions.
    local = tls_files_in(str(folder))
    named = (_text(auth.get("CaCertPath")), _text(auth.get("ClientCertPath")), _text(auth.get("ClientKeyPath")))
    chosen = tuple(
        mine if Path(mine).exists() or not other else other for mine, other in zip(local, named, strict=True)
    )
    return chosen  # type: ignore[return-value]


def read_machine(config_path: Path) -> StoredMachine | None:
    """One machine's config.json, or None if it cannot be read as one."""
    try:
        config = json.loads(config_path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(config, dict):
        return None
    driver_config = _table(config, "Driver")
    auth = _table(_table(config, "HostOptions"), "AuthOptions")
    folder = config_path.parent
    driver = _text(config.get("DriverName"))
    if driver == "none":
        # The "none" driver registers an existing engine by its URL instead of an IP.
        stored_url = _text(driver_config.get("URL"))
    else:
        ip = _text(driver_config.get("IPAddress"))
        stored_url = f"tcp://{ip}:{ENGINE_PORT}" if ip else ""
    ca, cert, key = _tls_paths(folder, auth)
    return StoredMachine(
        name=_text(config.get("Name")) or folder.name,
        folder=folder,
        driver=driver or "unknown driver",
        stored_url=stored_url,
        ca=ca,
        cert=cert,
        key=key,
    )


def _candidate(machine: StoredMachine, binary: str | None, environ: Mapping[str, str]) -> Candidate:
    where = f"docker-machine VM {machine.name!r} ({machine.driver}, {machine.folder / 'config.json'})"
    url, state = machine.stored_url, ""
    if binary:
        state = machine_status(machine.name, binary, environ)
        live_url = machine_url(machine.name, binary, environ) if state in ("Running", "") else None
        if live_url:
            url = live_url
            where += "; address from `docker-machine url`"
        else:
            where += "; address stored in config.json"
    else:
        # Without the tool the stored IP is all there is; after a reboot it can be stale.
        where += "; address stored in config.json (docker-machine is not on PATH to confirm it)"
    return Candidate(
        kind="machine",
        name=machine.name,
        url=url,
        tls=True,
        ca=machine.ca,
        cert=machine.cert,
        key=machine.key,
        source=where,
        current=False,
        machine=machine.name,
        vm_state=state,
    )


def machine_candidates(environ: Mapping[str, str], home: Path, binary: str | None = None) -> list[Candidate]:
    """Every VM with a config.json; asks docker-machine (when on PATH) for its status and URL."""
    machines_folder = machine_storage(environ, home) / "machines"
    try:
        configs = sorted(machines_folder.glob("*/config.json"))
    except OSError:
        return []
    machines = [machine for machine in map(read_machine, configs) if machine]
    if not machines:
        return []
    binary = binary or find_docker_machine(environ)
    # Each query asks the VM driver and takes a second or so: ask for all VMs at once.
    with ThreadPoolExecutor(max_workers=min(8, len(machines)), thread_name_prefix="docker-machine") as pool:
        return list(pool.map(lambda machine: _candidate(machine, binary, environ), machines))
