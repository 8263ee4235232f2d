"""Every place on this computer where a Docker Engine may listen, from all sources at once."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from pathlib import Path

from app.hosts.candidate import Candidate, normalized_url
from app.hosts.context_source import context_candidates
from app.hosts.env_source import env_candidates
from app.hosts.machine_source import machine_candidates
from app.hosts.profiles import Profile
from app.hosts.socket_source import socket_candidates

Source = Callable[[], list[Candidate]]


def _merge(found: Sequence[Candidate]) -> list[Candidate]:
    """One candidate per engine address, in the order found.

    The same engine is often found twice: DOCKER_HOST set by `docker-machine env`,
    a context or profile for the system socket, ~/.docker/run/docker.sock linked
    to /var/run/docker.sock. The first finding keeps its place; a docker-machine
    finding wins the details, because it alone can offer to start the VM or
    regenerate its certificates.
    """
    merged: dict[tuple[str, bool], Candidate] = {}
    for candidate in found:
        key = (normalized_url(candidate.url), candidate.tls)
        if not candidate.url:
            key = (f"{candidate.kind}:{candidate.name}", candidate.tls)  # a VM whose IP is unknown
        kept = merged.get(key)
        if kept is None:
            merged[key] = candidate
            continue
        winner = candidate if candidate.kind == "machine" and kept.kind != "machine" else kept
        other = kept if winner is candidate else candidate
        merged[key] = replace(
            winner,
            current=kept.current or candidate.current,
            source=f"{winner.source}; also {other.source}",
        )
    return list(merged.values())


def find_candidates(
    *,
    environ: Mapping[str, str] | None = None,
    home: Path | None = None,
    profiles: Sequence[Profile] = (),
    platform: str = sys.platform,
    docker_machine: str | None = None,
) -> list[Candidate]:
    """Candidates from the environment, docker CLI contexts, docker-machine VMs, saved profiles
    and local sockets, looked up concurrently (docker-machine is slow), without duplicates.

    ``environ`` and ``home`` default to this process's; ``docker_machine`` to the
    program on PATH. Nothing is probed here: see app.hosts.probe.
    """
    env = dict(os.environ if environ is None else environ)
    home_folder = home or Path(env.get("HOME") or Path.home())
    sources: list[Source] = [
        lambda: env_candidates(env, home_folder),
        lambda: context_candidates(env, home_folder),
        lambda: machine_candidates(env, home_folder, docker_machine),
        lambda: [profile.to_candidate() for profile in profiles],
        lambda: socket_candidates(env, home_folder, platform),
    ]
    with ThreadPoolExecutor(max_workers=len(sources), thread_name_prefix="find-engines") as pool:
        results = list(pool.map(lambda source: source(), sources))
    return _merge([candidate for result in results for candidate in result])
