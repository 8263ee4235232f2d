"""Why an engine cannot be used, worded for a person, with a code for programs and tests.

Each function builds one Diagnosis for one candidate; the wording names the
address, the file or the VM involved and the next step, so that the wizard and
`doctor` can show it as it is. The TLS diagnoses are in tls_diagnoses.py.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from app.hosts.candidate import Candidate


class Code(str, Enum):
    DAEMON_NOT_RUNNING = "daemon_not_running"
    PERMISSION_DENIED = "permission_denied"
    VM_STOPPED = "vm_stopped"
    VM_ADDRESS_UNKNOWN = "vm_address_unknown"
    TLS_UNKNOWN_CA = "tls_unknown_ca"
    TLS_EXPIRED = "tls_expired"
    TLS_NOT_YET_VALID = "tls_not_yet_valid"
    TLS_WRONG_HOST = "tls_wrong_host"
    TLS_CA_MISSING = "tls_ca_missing"
    TLS_CLIENT_CERT_MISSING = "tls_client_cert_missing"
    TLS_CLIENT_CERT_REJECTED = "tls_client_cert_rejected"
    TLS_TO_PLAIN_PORT = "tls_to_plain_port"
    PLAIN_TO_TLS_PORT = "plain_to_tls_port"
    TLS_FAILED = "tls_failed"
    TIMEOUT = "timeout"
    API_TOO_OLD = "api_too_old"
    NOT_DOCKER = "not_docker"
    HOST_NOT_FOUND = "host_not_found"
    SSH_FAILED = "ssh_failed"
    UNSUPPORTED = "unsupported"
    UNREACHABLE = "unreachable"


@dataclass(frozen=True)
class Diagnosis:
    """``what`` happened, ``why`` as far as known, ``hint`` what to do; ``fix`` a command the UI may offer to run."""

    code: Code
    what: str
    why: str
    hint: str
    fix: tuple[str, ...] = ()

    @property
    def message(self) -> str:
        return " ".join(part if part.endswith(".") else part + "." for part in (self.what, self.why) if part)


def where(candidate: Candidate) -> str:
    """The address a message names: the URL, or the name when the URL is unknown."""
    return candidate.url or candidate.name


def vm_name(candidate: Candidate) -> str:
    """The docker-machine VM behind a candidate, "" for any other kind."""
    return candidate.machine if candidate.kind == "machine" else ""


def daemon_not_running(candidate: Candidate, *, socket_missing: bool) -> Diagnosis:
    name = vm_name(candidate)
    if name:
        return Diagnosis(
            Code.DAEMON_NOT_RUNNING,
            f"The Docker daemon in VM {name!r} is not running",
            f"The VM answers, but nothing listens at {where(candidate)}.",
            f"Restart the VM: docker-machine restart {name}",
            ("docker-machine", "restart", name),
        )
    if candidate.scheme == "ssh":
        why = f"The host of {where(candidate)} answers over SSH, but its Docker daemon does not."
    elif socket_missing:
        why = f"There is no socket at {candidate.socket_path}: Docker is not running, or it is not installed here."
    else:
        why = f"Nothing answers at {where(candidate)}: the daemon is not running (or it stopped uncleanly)."
    return Diagnosis(
        Code.DAEMON_NOT_RUNNING,
        "The Docker daemon is not running",
        why,
        "Start Docker (Docker Desktop, `sudo systemctl start docker`, or the VM that runs it), then check again.",
    )


def permission_denied(candidate: Candidate) -> Diagnosis:
    if candidate.socket_path:
        why = f"Docker runs, but this user may not open {candidate.socket_path}."
    else:
        why = f"Docker runs, but the user logged in at {where(candidate)} may not open its socket there."
    return Diagnosis(
        Code.PERMISSION_DENIED,
        "Permission denied on the Docker socket",
        why,
        "On Linux, add yourself to the docker group (sudo usermod -aG docker $USER), then log out and in again.",
    )


def vm_stopped(candidate: Candidate) -> Diagnosis:
    name = candidate.machine
    return Diagnosis(
        Code.VM_STOPPED,
        f"The VM {name!r} is not running",
        f"docker-machine says its state is {candidate.vm_state}.",
        f"Start it: docker-machine start {name}",
        ("docker-machine", "start", name),
    )


def vm_address_unknown(candidate: Candidate) -> Diagnosis:
    name = candidate.machine
    return Diagnosis(
        Code.VM_ADDRESS_UNKNOWN,
        f"The address of VM {name!r} is not known",
        "Its config.json holds no IP address, and docker-machine could not tell one.",
        f"Start it (docker-machine start {name}), or install docker-machine so its address can be asked.",
        ("docker-machine", "start", name),
    )


def timeout(candidate: Candidate, seconds: float) -> Diagnosis:
    name = vm_name(candidate)
    hint = "Check that the engine runs and that no firewall or VPN holds the connection, then check again."
    if name:
        hint = f"The VM may be stopped or have a new address: docker-machine start {name}, then check again."
    return Diagnosis(
        Code.TIMEOUT,
        "The engine did not answer in time",
        f"{where(candidate)} gave no answer within {seconds:g} s.",
        hint,
    )


def api_too_old(candidate: Candidate, server_api: str, needed: str, server_version: str) -> Diagnosis:
    name = vm_name(candidate)
    upgrade = f"docker-machine upgrade {name}" if name else "upgrade Docker on that computer"
    return Diagnosis(
        Code.API_TOO_OLD,
        "The engine is too old",
        f"Docker {server_version} at {where(candidate)} speaks API {server_api}; Eris Desktop needs API {needed} "
        "or newer.",
        f"Upgrade the engine: {upgrade}.",
        ("docker-machine", "upgrade", name) if name else (),
    )


def not_docker(candidate: Candidate, detail: str) -> Diagnosis:
    return Diagnosis(
        Code.NOT_DOCKER,
        "Something answers there, but not a Docker Engine",
        f"{where(candidate)} answered {detail}.",
        "Check the address and port of the engine.",
    )


def host_not_found(candidate: Candidate) -> Diagnosis:
    return Diagnosis(
        Code.HOST_NOT_FOUND,
        "The engine's host name is unknown",
        f"The name in {where(candidate)} could not be resolved to an address.",
        "Check the spelling of the address and the network connection.",
    )


def ssh_failed(candidate: Candidate, detail: str) -> Diagnosis:
    return Diagnosis(
        Code.SSH_FAILED,
        "The SSH connection to the engine's host failed",
        f"{where(candidate)}: {detail}",
        "Check that `ssh` logs in to that host without a password prompt (an SSH key or agent), and that the "
        "docker command works there.",
    )


def unsupported(candidate: Candidate, detail: str, hint: str) -> Diagnosis:
    return Diagnosis(
        Code.UNSUPPORTED, "This kind of address cannot be used here", f"{where(candidate)}: {detail}", hint
    )


def unreachable(candidate: Candidate, detail: str) -> Diagnosis:
    return Diagnosis(
        Code.UNREACHABLE,
        "The engine could not be reached",
        f"{where(candidate)}: {detail}",
        "Check that the engine runs and that the address is right.",
    )
