"""The docker-machine command: where a VM's engine is now, whether it runs, and starting it."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from app.engine.errors import EngineRequestFailed

# `url` and `status` ask the VM driver (VirtualBox, …), which takes a second or two.
QUERY_TIMEOUT = 15.0
# Booting a VM and waiting for its engine takes a minute on a slow laptop.
START_TIMEOUT = 300.0

STOPPED_STATES = ("Stopped", "Saved", "Paused", "Stopping", "Starting", "Error", "Timeout")


@dataclass(frozen=True)
class MachineCommandResult:
    """What one docker-machine command did; ``output`` is its stdout, or stderr when it failed."""

    command: tuple[str, ...]
    ok: bool
    output: str

    @property
    def shell_command(self) -> str:
        return " ".join(("docker-machine", *self.command[1:]))


def find_docker_machine(environ: Mapping[str, str] | None = None) -> str | None:
    """The docker-machine program on PATH (docker-machine.exe on Windows), or None."""
    env = os.environ if environ is None else environ
    return shutil.which("docker-machine", path=env.get("PATH", os.defpath))


def run_docker_machine(
    args: Sequence[str],
    *,
    timeout: float = QUERY_TIMEOUT,
    binary: str | None = None,
    environ: Mapping[str, str] | None = None,
) -> MachineCommandResult:
    """Run docker-machine with ``args``; never raises for a missing program or a failure."""
    program = binary or find_docker_machine(environ)
    command = (program or "docker-machine", *args)
    if not program:
        return MachineCommandResult(command, False, "docker-machine is not installed (not found on PATH).")
    env = dict(os.environ if environ is None else environ)
    try:
        done = subprocess.run(
            command, capture_output=True, text=True, timeout=timeout, env=env, stdin=subprocess.DEVNULL
        )
    except subprocess.TimeoutExpired:
        return MachineCommandResult(command, False, f"docker-machine did not finish within {timeout:.0f} s.")
    except OSError as error:
        return MachineCommandResult(command, False, f"docker-machine could not run: {error.strerror or error}.")
    if done.returncode != 0:
        return MachineCommandResult(command, False, (done.stderr or done.stdout).strip())
    return MachineCommandResult(command, True, done.stdout.strip())


def machine_url(name: str, binary: str, environ: Mapping[str, str] | None = None) -> str | None:
    """`docker-machine url NAME`: the engine's address as the VM has it now, or None."""
    result = run_docker_machine(["url", name], binary=binary, environ=environ)
    url = result.output.splitlines()[0].strip() if result.ok and result.output else ""
    return url if url.startswith("tcp://") else None


def machine_status(name: str, binary: str, environ: Mapping[str, str] | None = None) -> str:
    """`docker-machine status NAME`: "Running", "Stopped", "Saved", "Error", …; "" if it failed."""
    result = run_docker_machine(["status", name], binary=binary, environ=environ)
    return result.output.splitlines()[0].strip() if result.ok and result.output else ""


def start_machine(
    name: str, *, timeout: float = START_TIMEOUT, environ: Mapping[str, str] | None = None
) -> MachineCommandResult:
    """`docker-machine start NAME`: boot a stopped VM (slow: run it off any GUI thread)."""
    return run_docker_machine(["start", name], timeout=timeout, environ=environ)


def regenerate_certs(
    name: str, *, timeout: float = START_TIMEOUT, environ: Mapping[str, str] | None = None
) -> MachineCommandResult:
    """`docker-machine regenerate-certs -f NAME`: new server certificates for the VM's current IP."""
    # -f skips the yes/no question docker-machine would otherwise wait for on stdin.
    return run_docker_machine(["regenerate-certs", "-f", name], timeout=timeout, environ=environ)


def run_fix(command: Sequence[str]) -> MachineCommandResult:
    """Carry out a diagnosis's fix (a docker-machine command); a failure raises a readable error."""
    if not command or command[0] != "docker-machine":
        raise EngineRequestFailed("This fix cannot be run from the app", f"It is not a docker-machine command: "
                                  f"{' '.join(command)}.", "Run it yourself in a terminal.")
    result = run_docker_machine(list(command[1:]), timeout=START_TIMEOUT)
    if not result.ok:
        raise EngineRequestFailed(f"{result.shell_command} failed", result.output,
                                  "Check the virtual machine in its own tool (VirtualBox, Hyper-V…).")
    return result
