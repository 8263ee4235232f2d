"""`--host NAME_OR_URL`: a saved profile's name, or an engine address typed by hand."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from urllib.parse import urlsplit

from app.hosts.candidate import Candidate, CandidateKind, tls_files_in
from app.hosts.profiles import ProfileStore

TLS_PORT = 2376  # Docker's registered port for TLS; 2375 is its plain one
EXAMPLES = "unix:///var/run/docker.sock, tcp://192.168.99.100:2376 or ssh://user@host"


class UnknownHost(ValueError):
    """The text is neither a saved profile nor an address; the message lists what would work."""


def candidate_for_url(
    url: str,
    *,
    environ: Mapping[str, str] | None = None,
    home: Path | None = None,
    name: str = "",
    cert_folder: str = "",
) -> Candidate:
    """A candidate for an address typed by a person (on the command line or in the wizard).

    tcp:// uses TLS when a ``cert_folder`` is chosen, when it says https://, when
    DOCKER_TLS_VERIFY is set, or on port 2376; the certificate folder is then
    ``cert_folder``, else DOCKER_CERT_PATH or ~/.docker, as for the docker CLI.
    ``host:port`` alone means tcp://host:port. Raises UnknownHost, whose message
    suits live validation of an entry field.
    """
    env = os.environ if environ is None else environ
    text = url.strip()
    if "://" not in text:
        text = f"tcp://{text}"
    parts = urlsplit(text)
    scheme = parts.scheme.lower()
    source = "an address given by hand"
    if scheme in ("unix", "npipe"):
        if not (parts.path or parts.netloc):
            raise UnknownHost(f"{url!r} names no socket. Write it like {EXAMPLES}.")
        return Candidate(kind="socket", name=name or text, url=text, source=source)
    if scheme == "ssh":
        if not parts.hostname:
            raise UnknownHost(f"{url!r} names no host. Write it like ssh://user@host or ssh://user@host:22.")
        return Candidate(kind="ssh", name=name or text, url=text, source=source)
    if scheme not in ("tcp", "http", "https"):
        raise UnknownHost(f"{url!r} is not an engine address Docker knows. Write it like {EXAMPLES}.")
    try:
        port = parts.port
    except ValueError as error:
        raise UnknownHost(f"{url!r} has a port that is not a number.") from error
    if not parts.hostname or port is None:
        raise UnknownHost(f"{url!r} needs a host and a port, like tcp://192.168.99.100:2376.")
    tls = (
        bool(cert_folder) or scheme == "https" or env.get("DOCKER_TLS_VERIFY", "") not in ("", "0") or port == TLS_PORT
    )
    tcp_url = f"tcp://{parts.netloc}"
    if not tls:
        return Candidate(kind="profile", name=name or tcp_url, url=tcp_url, source=source)
    folder = (
        cert_folder or env.get("DOCKER_CERT_PATH") or str((home or Path(env.get("HOME") or Path.home())) / ".docker")
    )
    ca, cert, key = tls_files_in(folder)
    kind: CandidateKind = "profile"
    return Candidate(kind=kind, name=name or tcp_url, url=tcp_url, tls=True, ca=ca, cert=cert, key=key, source=source)


def resolve_host(
    text: str,
    store: ProfileStore | None = None,
    *,
    environ: Mapping[str, str] | None = None,
    home: Path | None = None,
) -> Candidate:
    """The engine ``--host`` names: a saved profile first (names win over addresses), else an address.

    Raises UnknownHost with a message for a person when it is neither.
    """
    wanted = text.strip()
    if not wanted:
        raise UnknownHost(f"No engine was named. Give a profile name or an address like {EXAMPLES}.")
    profiles = store if store is not None else ProfileStore()
    profile = profiles.get(wanted)
    if profile is not None:
        return profile.to_candidate()
    if "://" in wanted or ":" in wanted:
        return candidate_for_url(wanted, environ=environ, home=home)
    names = ", ".join(repr(p.name) for p in profiles.profiles) or "none yet"
    raise UnknownHost(
        f"No saved profile is named {wanted!r} (saved profiles: {names}), and it is not an address like {EXAMPLES}."
    )
