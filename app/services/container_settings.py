"""What the engine is asked to create for a service and its data container, from the definition alone.

Pure functions: no engine, no files. Lifecycle reads env files and looks at what exists,
then passes it in; tests and the fuzzer call these directly.
"""

from __future__ import annotations

import os
import shlex
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from app.services.definition import Command, ServiceDefinition
from app.services.naming import data_labels, service_container_name, service_labels
from app.services.port_mappings import parse_port_mapping
from app.services.restart_policy import parse_restart_policy

# Where eris kept a service's data inside its containers; the data container declares it
# as a volume so that the service container sees it through volumes-from.
DATA_ROOT = "/home/eris/.eris"

# The engine refuses links and port bindings on the host's network: there the service
# already listens on the host's own ports, and other services reach it on localhost.
_HOST_NETWORKS = ("host",)


@dataclass(frozen=True)
class ContainerPlan:
    """``create`` goes to APIClient.create_container, ``host`` to create_host_config."""

    name: str
    image: str
    create: dict[str, Any] = field(default_factory=dict)
    host: dict[str, Any] = field(default_factory=dict)


def command_words(command: Command) -> list[str] | None:
    """A command as the engine takes it; eris's strings are split like a shell would."""
    if isinstance(command, list):
        return list(command) or None
    text = command.strip()
    return shlex.split(text) if text else None


def _port_settings(definition: ServiceDefinition) -> tuple[list[tuple[int, str]], dict[str, list[tuple[str, str]]]]:
    exposed: list[tuple[int, str]] = []
    bindings: dict[str, list[tuple[str, str]]] = {}
    for spec in definition.service.ports:
        mapping = parse_port_mapping(spec)
        for key, hosts in mapping.bindings().items():
            bindings.setdefault(key, []).extend(hosts)
    for spec in definition.service.expose:
        ports, _, protocol = spec.strip().partition("/")
        first, _, last = ports.partition("-")
        for port in range(int(first), int(last or first) + 1):
            exposed.append((port, (protocol or "tcp").lower()))
    for key in bindings:
        number, _, kind = key.partition("/")
        exposed.append((int(number), kind))
    return sorted(set(exposed)), bindings


def _volume_settings(definition: ServiceDefinition) -> tuple[list[str], list[str]]:
    """(anonymous volume paths, binds) from ``volumes``; host paths may start with ~."""
    anonymous: list[str] = []
    binds: list[str] = []
    for spec in definition.service.volumes:
        if ":" not in spec or (len(spec) > 1 and spec[1] == ":" and spec.count(":") == 1):
            anonymous.append(spec)
            continue
        host, _, rest = spec.partition(":")
        if len(host) == 1 and host.isalpha():  # C:\data:/data
            drive_rest, _, rest = rest.partition(":")
            host = f"{host}:{drive_rest}"
        binds.append(f"{os.path.expanduser(host)}:{rest}")
    return anonymous, binds


def _memory(value: int | str) -> int | str | None:
    if isinstance(value, str):
        text = value.strip().lower().replace(" ", "").removesuffix("b")
        return text or None
    return value or None


def service_plan(
    definition: ServiceDefinition,
    definition_hash: str,
    *,
    data_container: str | None,
    dependencies: Sequence[ServiceDefinition] = (),
    env_from_files: Sequence[str] = (),
) -> ContainerPlan:
    """The service container: eris_service_<name>_1 with everything the definition asks for.

    ``data_container`` is mounted with volumes-from; each dependency is linked and/or
    mounted as its mode says. ``env_from_files`` come first so ``environment`` wins.
    """
    spec = definition.service
    exposed, bindings = _port_settings(definition)
    anonymous, binds = _volume_settings(definition)
    by_name: Mapping[str, ServiceDefinition] = {dependency.name: dependency for dependency in dependencies}
    links = list(spec.links)
    volumes_from = list(spec.volumes_from)
    for dependency in definition.dependencies.services:
        if dependency.name not in by_name:
            continue
        container = service_container_name(dependency.name)
        if dependency.links:
            links.append(f"{container}:{dependency.link_alias}")
        if dependency.mounts_volumes:
            volumes_from.append(f"{container}:rw")
    if data_container:
        # Last, because the engine lets the last volumes-from win where two mount the same
        # folder: a dependency's data (also at /home/eris/.eris) must not hide our own.
        volumes_from.append(data_container)
    network = spec.net.strip() or None
    if network in _HOST_NETWORKS or (network or "").startswith("container:"):
        links = []
    if network in _HOST_NETWORKS:
        bindings = {}  # on the host's network the service listens on the host's ports as they are
    host: dict[str, Any] = {
        "port_bindings": bindings or None,
        "binds": binds or None,
        "volumes_from": volumes_from or None,
        "links": [tuple(link.split(":", 1)) if ":" in link else (link, link) for link in links] or None,
        "network_mode": network,
        "pid_mode": spec.pid.strip() or None,
        "dns": list(spec.dns) or None,
        "dns_search": list(spec.dns_search) or None,
        "restart_policy": parse_restart_policy(spec.restart),
        "mem_limit": _memory(spec.memory),
        "cpu_shares": spec.cpu_shares or None,
    }
    create: dict[str, Any] = {
        "command": command_words(spec.command),
        "entrypoint": command_words(spec.entry_point),
        "hostname": spec.host_name.strip() or None,
        "domainname": spec.domain_name.strip() or None,
        "user": spec.user.strip() or None,
        "working_dir": spec.work_dir.strip() or None,
        "environment": [*env_from_files, *spec.environment] or None,
        "ports": exposed or None,
        "volumes": anonymous or None,
        "labels": service_labels(definition.name, definition_hash),
        "detach": True,
    }
    return ContainerPlan(
        name=service_container_name(definition.name),
        image=spec.image,
        create={key: value for key, value in create.items() if value is not None},
        host={key: value for key, value in host.items() if value is not None},
    )


def data_plan(definition: ServiceDefinition, name: str) -> ContainerPlan:
    """The data container: from the service's image, created never started, no network."""
    return ContainerPlan(
        name=name,
        image=definition.service.image,
        create={
            "entrypoint": ["true"],
            "volumes": [DATA_ROOT],
            "labels": data_labels(definition.name),
            "network_disabled": True,
        },
        host={"network_mode": "none"},
    )
