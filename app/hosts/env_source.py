"""The engine named by DOCKER_HOST, DOCKER_TLS_VERIFY and DOCKER_CERT_PATH."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

from app.hosts.candidate import Candidate, tls_files_in


def _wants_tls(environ: Mapping[str, str]) -> bool:
    # The docker CLI's reading: DOCKER_TLS_VERIFY set to anything but "" or "0".
    # DOCKER_TLS alone asks for TLS without verification; we verify anyway.
    verify = environ.get("DOCKER_TLS_VERIFY", "") not in ("", "0")
    return verify or environ.get("DOCKER_TLS", "") not in ("", "0")


def env_candidates(environ: Mapping[str, str], home: Path) -> list[Candidate]:
    """One candidate when DOCKER_HOST is set, none otherwise.

    DOCKER_CONTEXT is handled with the contexts (it picks one of them).
    """
    url = environ.get("DOCKER_HOST", "").strip()
    if not url:
        return []
    tls = _wants_tls(environ) and not url.startswith(("unix://", "npipe://", "ssh://"))
    ca = cert = key = ""
    if tls:
        folder = environ.get("DOCKER_CERT_PATH", "") or os.path.join(home, ".docker")
        ca, cert, key = tls_files_in(folder)
    settings = ["DOCKER_HOST"]
    if tls:
        settings += ["DOCKER_TLS_VERIFY", "DOCKER_CERT_PATH"]
    return [
        Candidate(
            kind="ssh" if url.startswith("ssh://") else "env",
            name="DOCKER_HOST",
            url=url,
            tls=tls,
            ca=ca,
            cert=cert,
            key=key,
            source="the environment (" + ", ".join(settings) + ")",
            current=True,  # the docker CLI prefers DOCKER_HOST over any context
        )
    ]
