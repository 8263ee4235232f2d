"""Talking to a service's container: its log, the ports the engine published, commands run in it."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from app.engine.errors import translate
from app.engine.rows import PortBinding
from app.services.lifecycle import ServiceManager


@dataclass(frozen=True)
class ExecResult:
    exit_code: int
    output: str  # stdout and stderr as they came


def _tail(lines: int | None) -> int | str:
    return "all" if lines is None else lines


def logs(manager: ServiceManager, name: str, tail: int | None = None) -> str:
    """The service container's log (its last ``tail`` lines); "" when there is no container."""
    container = manager.container_of(name)
    if container is None:
        return ""
    try:
        output = manager.api.logs(container.row.key, stdout=True, stderr=True, tail=_tail(tail))
    except Exception as error:
        raise translate(error, f"Could not read the logs of {name}", manager.api.base_url) from error
    return bytes(output).decode("utf-8", "replace")


def follow_logs(manager: ServiceManager, name: str, tail: int | None = None) -> Iterator[bytes]:
    """Log output as it comes, until the container stops or the caller stops iterating.

    It blocks while waiting for output: call it from a worker thread, never the GUI's.
    """
    container = manager.container_of(name)
    if container is None:
        return iter(())
    try:
        stream = manager.api.logs(
            container.row.key, stdout=True, stderr=True, stream=True, follow=True, tail=_tail(tail)
        )
    except Exception as error:
        raise translate(error, f"Could not follow the logs of {name}", manager.api.base_url) from error
    return iter(stream)


def published_ports(manager: ServiceManager, name: str) -> list[PortBinding]:
    """The ports the engine published for the service (none while it is stopped, none on network "none")."""
    container = manager.container_of(name)
    return list(container.row.ports) if container else []


def run_command(manager: ServiceManager, name: str, command: list[str], *, user: str = "") -> ExecResult:
    """Run ``command`` in the running service container and wait for it; ServiceNotRunning if it is stopped."""
    doing = f"Could not run {' '.join(command)} in {name}"
    container = manager.running_container(name, doing)
    api = manager.api
    try:
        created = api.exec_create(container.row.key, command, stdout=True, stderr=True, user=user)
        output = api.exec_start(created["Id"])
        exit_code = api.exec_inspect(created["Id"]).get("ExitCode")
    except Exception as error:
        raise translate(error, doing, api.base_url) from error
    return ExecResult(-1 if exit_code is None else int(exit_code), bytes(output).decode("utf-8", "replace"))
