"""Local engines: the sockets (and on Windows the named pipes) that Docker and its look-alikes use."""

from __future__ import annotations

import os
import stat
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from app.hosts.candidate import Candidate

# The system daemon's socket. It is always probed, so that "Docker is not running"
# can be said even when nothing is installed yet. Tests point it elsewhere.
SYSTEM_SOCKET = "/var/run/docker.sock"

WINDOWS_PIPES = (
    ("Docker Engine (named pipe)", "npipe:////./pipe/docker_engine"),
    ("Docker Desktop (Linux engine pipe)", "npipe:////./pipe/dockerDesktopLinuxEngine"),
)


@dataclass(frozen=True)
class _Place:
    name: str
    path: str


def _places(environ: Mapping[str, str], home: Path) -> list[_Place]:
    places = [
        _Place("Docker Desktop", str(home / ".docker" / "run" / "docker.sock")),
        _Place("Docker Desktop", str(home / ".docker" / "desktop" / "docker.sock")),
        _Place("Colima", str(home / ".colima" / "default" / "docker.sock")),
        _Place("Rancher Desktop", str(home / ".rd" / "docker.sock")),
    ]
    runtime = environ.get("XDG_RUNTIME_DIR", "")
    if runtime:
        places.insert(0, _Place("Docker (rootless)", os.path.join(runtime, "docker.sock")))
        places.append(_Place("Podman", os.path.join(runtime, "podman", "podman.sock")))
    return places


def _is_socket(path: str) -> bool:
    try:
        return stat.S_ISSOCK(os.stat(path).st_mode)
    except OSError:
        return False


def socket_candidates(environ: Mapping[str, str], home: Path, platform: str = sys.platform) -> list[Candidate]:
    """The system socket always; the other known sockets only where a socket file exists."""
    if platform.startswith("win"):
        return [
            Candidate(kind="socket", name=name, url=url, source="Docker's named pipe on Windows")
            for name, url in WINDOWS_PIPES
        ]
    found = [
        Candidate(
            kind="socket",
            name="Docker (system)",
            url=f"unix://{SYSTEM_SOCKET}",
            source=f"the system Docker socket {SYSTEM_SOCKET}",
        )
    ]
    for place in _places(environ, home):
        if _is_socket(place.path):
            found.append(
                Candidate(kind="socket", name=place.name, url=f"unix://{place.path}", source=f"socket {place.path}")
            )
    return found
