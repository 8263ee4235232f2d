"""Engines of the docker CLI's contexts: ~/.docker/contexts/meta/*/meta.json and their TLS files."""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from app.hosts.candidate import CA_FILE, CERT_FILE, KEY_FILE, Candidate


def docker_config_folder(environ: Mapping[str, str], home: Path) -> Path:
    """The docker CLI's own folder: $DOCKER_CONFIG, else ~/.docker."""
    return Path(environ.get("DOCKER_CONFIG") or home / ".docker")


def current_context_name(environ: Mapping[str, str], config_folder: Path) -> str:
    """The context the docker CLI would use, in its order of precedence.

    DOCKER_HOST wins over any context (the CLI then uses "default"), then
    DOCKER_CONTEXT, then config.json's currentContext.
    """
    if environ.get("DOCKER_HOST"):
        return "default"
    if environ.get("DOCKER_CONTEXT"):
        return environ["DOCKER_CONTEXT"]
    config = _read_json(config_folder / "config.json")
    name = config.get("currentContext") if isinstance(config, dict) else None
    return name if isinstance(name, str) and name else "default"


def _read_json(path: Path) -> Any:
    # A broken or unreadable file of the docker CLI is not ours to report: skip it.
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def _tls_file(folder: Path, name: str) -> str:
    path = folder / name
    return str(path) if path.exists() else ""


def _candidate(meta_folder: Path, tls_root: Path, current: str, from_env: bool) -> Candidate | None:
    meta = _read_json(meta_folder / "meta.json")
    if not isinstance(meta, dict) or not isinstance(meta.get("Name"), str):
        return None
    endpoints = meta.get("Endpoints")
    docker = endpoints.get("docker") if isinstance(endpoints, dict) else None
    if not isinstance(docker, dict) or not isinstance(docker.get("Host"), str):
        return None  # e.g. a context for Kubernetes only
    name: str = meta["Name"]
    url: str = docker["Host"]
    # The TLS folder is named like the meta folder: the SHA-256 of the context's name.
    tls_folder = tls_root / meta_folder.name / "docker"
    ca, cert, key = (_tls_file(tls_folder, file) for file in (CA_FILE, CERT_FILE, KEY_FILE))
    skip_verify = bool(docker.get("SkipTLSVerify"))
    tls = url.startswith("tcp://") and bool(ca or cert or key or skip_verify)
    source = f"docker CLI context {name!r} ({meta_folder / 'meta.json'})"
    if skip_verify:
        # We never switch verification off; say so instead of failing mysteriously.
        source += "; it asks to skip TLS verification, which Eris Desktop never does"
    is_current = name == current
    if is_current:
        source += "; the current context" + (" (DOCKER_CONTEXT)" if from_env else "")
    return Candidate(
        kind="context", name=name, url=url, tls=tls, ca=ca, cert=cert, key=key, source=source, current=is_current
    )


def context_candidates(environ: Mapping[str, str], home: Path) -> list[Candidate]:
    """Every context with a docker endpoint, the current one marked; sorted by name."""
    config_folder = docker_config_folder(environ, home)
    meta_root = config_folder / "contexts" / "meta"
    tls_root = config_folder / "contexts" / "tls"
    current = current_context_name(environ, config_folder)
    from_env = bool(environ.get("DOCKER_CONTEXT"))
    try:
        folders = sorted(entry for entry in meta_root.iterdir() if entry.is_dir())
    except OSError:
        return []
    found = (_candidate(folder, tls_root, current, from_env) for folder in folders)
    return sorted((candidate for candidate in found if candidate), key=lambda c: c.name)
