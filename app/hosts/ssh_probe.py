"""Probing an ssh://user@host[:port] engine with the system's ssh client and the docker CLI there.

The docker SDK reaches such engines through paramiko or by running ssh itself;
either way the engine side runs the docker CLI (`docker system dial-stdio`). The
probe asks that same CLI for its version and info over one ssh session, in batch
mode so that a password prompt fails at once instead of hanging a worker.
"""

from __future__ import annotations

import json
import math
import shutil
import subprocess
from urllib.parse import urlsplit

from app.hosts import diagnosis
from app.hosts.candidate import Candidate
from app.hosts.diagnosis import Diagnosis
from app.hosts.engine_summary import EngineSummary, api_tuple, summarize

REMOTE_COMMAND = "docker version --format '{{json .Server}}' && docker info --format '{{json .}}'"
SSH_FAILED = 255  # ssh's own exit status for connection and login failures


def ssh_command(candidate: Candidate, timeout: float, program: str = "ssh") -> list[str]:
    parts = urlsplit(candidate.url)
    command = [program, "-o", "BatchMode=yes", "-o", f"ConnectTimeout={max(1, math.ceil(timeout))}"]
    if parts.username:
        command += ["-l", parts.username]
    if parts.port:
        command += ["-p", str(parts.port)]
    return [*command, "--", parts.hostname or "", REMOTE_COMMAND]


def _last_line(text: str) -> str:
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return lines[-1] if lines else "no message"


def _failure(candidate: Candidate, status: int, stderr: str, timeout: float) -> Diagnosis:
    lowered = stderr.lower()
    if status == SSH_FAILED:
        if "timed out" in lowered:
            return diagnosis.timeout(candidate, timeout)
        if "could not resolve hostname" in lowered:
            return diagnosis.host_not_found(candidate)
        return diagnosis.ssh_failed(candidate, _last_line(stderr))
    if "cannot connect to the docker daemon" in lowered or "is the docker daemon running" in lowered:
        return diagnosis.daemon_not_running(candidate, socket_missing=False)
    if "permission denied" in lowered:
        return diagnosis.permission_denied(candidate)
    if status == 127 or "not found" in lowered:
        return diagnosis.ssh_failed(candidate, "the docker command is not installed on that host.")
    return diagnosis.ssh_failed(candidate, _last_line(stderr))


def probe_ssh(
    candidate: Candidate, timeout: float, min_api: str, program: str | None = None
) -> EngineSummary | Diagnosis:
    ssh = program or shutil.which("ssh")
    if not ssh:
        return diagnosis.unsupported(
            candidate, "no ssh program was found on this computer.", "Install an OpenSSH client, then check again."
        )
    if not urlsplit(candidate.url).hostname:
        return diagnosis.unsupported(
            candidate, "the address names no host.", "Write it as ssh://user@host or ssh://user@host:port."
        )
    # Connecting, logging in and two docker commands: more than one request's worth.
    budget = max(3 * timeout, timeout + 5)
    try:
        done = subprocess.run(
            ssh_command(candidate, timeout, ssh),
            capture_output=True,
            text=True,
            timeout=budget,
            stdin=subprocess.DEVNULL,
        )
    except subprocess.TimeoutExpired:
        return diagnosis.timeout(candidate, budget)
    except OSError as error:
        return diagnosis.ssh_failed(candidate, f"ssh could not run: {error.strerror or error}.")
    if done.returncode != 0:
        return _failure(candidate, done.returncode, done.stderr, timeout)
    lines = [line for line in done.stdout.splitlines() if line.strip().startswith("{")]
    try:
        version, info = (json.loads(line) for line in lines[:2])
    except ValueError:
        return diagnosis.not_docker(candidate, "docker version/info output that is not JSON")
    if not isinstance(version, dict) or not isinstance(info, dict):
        return diagnosis.not_docker(candidate, "docker version/info output that is not JSON objects")
    server_api = str(version.get("ApiVersion", "0"))
    if api_tuple(server_api) < api_tuple(min_api):
        return diagnosis.api_too_old(candidate, server_api, min_api, str(version.get("Version", "?")))
    return summarize(version, info)
