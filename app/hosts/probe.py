"""Asking each candidate, concurrently and briefly, whether an engine answers: _ping, version, info."""

from __future__ import annotations

import contextlib
import sys
import time
from collections.abc import Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass
from typing import Any

import docker.constants
import docker.errors

from app.hosts import diagnosis, tls_diagnoses
from app.hosts.candidate import Candidate
from app.hosts.classify import classify
from app.hosts.client import open_probe_client
from app.hosts.diagnosis import Diagnosis
from app.hosts.docker_machine import STOPPED_STATES
from app.hosts.engine_summary import EngineSummary, api_tuple, summarize
from app.hosts.ssh_probe import probe_ssh
from app.hosts.tls_files import check_tls_files

PROBE_TIMEOUT = 3.0
# The docker SDK's own floor; Docker 1.12 (2016) and newer speak it.
MIN_API_VERSION = "1.24"
MAX_WORKERS = 16


@dataclass(frozen=True)
class ProbeResult:
    """One candidate and how it answered: ``engine`` when reachable, else ``diagnosis``."""

    candidate: Candidate
    engine: EngineSummary | None = None
    diagnosis: Diagnosis | None = None
    warnings: tuple[str, ...] = ()
    seconds: float = 0.0

    @property
    def reachable(self) -> bool:
        return self.engine is not None

    def to_dict(self) -> dict[str, Any]:
        """The object `doctor --json` prints for this candidate."""
        c, e, d = self.candidate, self.engine, self.diagnosis
        return {
            "kind": c.kind,
            "name": c.name,
            "url": c.url,
            "tls": c.tls,
            "reachable": self.reachable,
            "server_version": e.server_version if e else None,
            "api_version": e.api_version if e else None,
            "os": e.os if e else None,
            "arch": e.arch if e else None,
            "operating_system": e.operating_system if e else None,
            "containers": e.containers if e else None,
            "containers_running": e.containers_running if e else None,
            "images": e.images if e else None,
            "error": d.message if d else None,
            "code": d.code.value if d else None,
            "hint": d.hint if d else None,
            "fix": list(d.fix) if d and d.fix else None,
            "warnings": list(self.warnings),
            "current": c.current,
            "source": c.source,
            "ca": c.ca or None,
            "cert": c.cert or None,
            "key": c.key or None,
            "machine": c.machine or None,
            "vm_state": c.vm_state or None,
            "seconds": round(self.seconds, 3),
        }


def _get_json(client: docker.APIClient, path: str, timeout: float) -> Any:
    response = client.get(f"{client.base_url}{path}", timeout=timeout)
    if response.status_code != 200:
        raise _Unexpected(f"HTTP {response.status_code} to {path}")
    return response.json()


class _Unexpected(Exception):
    """The peer answered HTTP, but not the way a Docker Engine does."""


def _talk(candidate: Candidate, timeout: float, min_api: str) -> EngineSummary | Diagnosis:
    try:
        client = open_probe_client(candidate, timeout)
    except docker.errors.DockerException as error:
        # Raised before any traffic: the SDK refused the address or the TLS parameters.
        return diagnosis.unsupported(candidate, str(error), "Check the address and the TLS files.")
    try:
        ping = client.get(f"{client.base_url}/_ping", timeout=timeout)
        if ping.status_code == 400 and "HTTPS server" in ping.text:
            return tls_diagnoses.plain_to_tls_port(candidate)
        if ping.status_code != 200:
            return diagnosis.not_docker(candidate, f"HTTP {ping.status_code} to /_ping")
        try:
            version = _get_json(client, "/version", timeout)
        except (ValueError, _Unexpected) as error:
            return diagnosis.not_docker(candidate, str(error) or "something that is not JSON to /version")
        if not isinstance(version, dict) or "ApiVersion" not in version:
            return diagnosis.not_docker(candidate, "a /version without an API version")
        server_api = str(version["ApiVersion"])
        if api_tuple(server_api) < api_tuple(min_api):
            return diagnosis.api_too_old(candidate, server_api, min_api, str(version.get("Version", "?")))
        # Ask /info in the newest API both sides speak.
        newest = min(server_api, docker.constants.DEFAULT_DOCKER_API_VERSION, key=api_tuple)
        client._version = newest
        info = client.info()
        return summarize(version, info if isinstance(info, dict) else {})
    finally:
        client.close()


def probe(
    candidate: Candidate, *, timeout: float = PROBE_TIMEOUT, min_api_version: str = MIN_API_VERSION
) -> ProbeResult:
    """Ask one candidate; never raises. Takes about ``timeout`` at most per request made."""
    started = time.monotonic()
    outcome, warnings = _probe(candidate, timeout, min_api_version)
    seconds = time.monotonic() - started
    if isinstance(outcome, EngineSummary):
        return ProbeResult(candidate, engine=outcome, warnings=warnings, seconds=seconds)
    return ProbeResult(candidate, diagnosis=outcome, warnings=warnings, seconds=seconds)


def _probe(candidate: Candidate, timeout: float, min_api: str) -> tuple[EngineSummary | Diagnosis, tuple[str, ...]]:
    if candidate.kind == "machine":
        if candidate.vm_state in STOPPED_STATES:
            return diagnosis.vm_stopped(candidate), ()
        if not candidate.url:
            return diagnosis.vm_address_unknown(candidate), ()
    if candidate.scheme == "ssh":
        return probe_ssh(candidate, timeout, min_api), ()
    if candidate.scheme == "npipe" and not sys.platform.startswith("win"):
        return diagnosis.unsupported(
            candidate, "named pipes exist only on Windows.", "Use a unix:// or tcp:// address."
        ), ()
    checked = check_tls_files(candidate)
    if checked.problem:
        return checked.problem, checked.warnings
    try:
        return _talk(candidate, timeout, min_api), checked.warnings
    except Exception as error:  # noqa: BLE001 - every failure becomes a diagnosis, never a crash
        return classify(error, candidate, timeout), checked.warnings


def iter_probes(
    candidates: Iterable[Candidate],
    *,
    timeout: float = PROBE_TIMEOUT,
    min_api_version: str = MIN_API_VERSION,
    max_workers: int = MAX_WORKERS,
) -> Iterator[ProbeResult]:
    """Probe all candidates at once; yield each result as soon as it is in (for live progress)."""
    pending = list(candidates)
    if not pending:
        return
    with ThreadPoolExecutor(max_workers=min(max_workers, len(pending)), thread_name_prefix="probe") as pool:
        futures = [pool.submit(probe, c, timeout=timeout, min_api_version=min_api_version) for c in pending]
        try:
            for future in as_completed(futures):
                yield future.result()
        finally:
            # A consumer that stops early does not wait for probes nobody will read.
            for future in futures:
                with contextlib.suppress(Exception):
                    future.cancel()


def probe_all(
    candidates: Iterable[Candidate], *, timeout: float = PROBE_TIMEOUT, min_api_version: str = MIN_API_VERSION
) -> list[ProbeResult]:
    """Probe all candidates at once; results in the candidates' order."""
    pending = list(candidates)
    by_candidate = {id(r.candidate): r for r in iter_probes(pending, timeout=timeout, min_api_version=min_api_version)}
    return [by_candidate[id(candidate)] for candidate in pending]
