"""One place where a Docker Engine may listen, found by one of the sources in app.hosts."""

from __future__ import annotations

import os
from dataclasses import asdict, dataclass
from typing import Any, Literal

from app.engine.connection import Endpoint

CandidateKind = Literal["env", "context", "socket", "machine", "ssh", "profile"]

# The file names Docker uses in a certificate folder (DOCKER_CERT_PATH, docker-machine, contexts).
CA_FILE, CERT_FILE, KEY_FILE = "ca.pem", "cert.pem", "key.pem"


@dataclass(frozen=True)
class Candidate:
    """Where an engine may listen and how to reach it.

    Only paths to TLS files are kept, never their contents: candidates end up in
    saved profiles and in ``doctor --json`` output. ``tls`` means verified TLS;
    there is no way to ask for TLS without verification.
    """

    kind: CandidateKind
    name: str
    url: str
    tls: bool = False
    ca: str = ""
    cert: str = ""
    key: str = ""
    source: str = ""  # where it was found, worded for a person
    current: bool = False  # the engine the docker CLI would use right now
    machine: str = ""  # docker-machine name, for kind "machine"
    vm_state: str = ""  # `docker-machine status` answer ("Running", "Stopped", …); "" when unknown

    @property
    def scheme(self) -> str:
        return self.url.split("://", 1)[0].lower() if "://" in self.url else "tcp"

    @property
    def socket_path(self) -> str:
        """The file of a unix socket candidate, "" for any other."""
        return self.url[len("unix://") :] if self.scheme == "unix" else ""

    @property
    def address(self) -> str:
        """The URL as a person reads it, with TLS said out loud."""
        return f"{self.url} (TLS)" if self.tls else self.url

    @property
    def cert_folder(self) -> str:
        """The one folder holding ca.pem, cert.pem and key.pem, or "" if the files are elsewhere."""
        if not self.tls or not self.ca:
            return ""
        folder = os.path.dirname(self.ca)
        expected = {
            self.ca: os.path.join(folder, CA_FILE),
            self.cert or os.path.join(folder, CERT_FILE): os.path.join(folder, CERT_FILE),
            self.key or os.path.join(folder, KEY_FILE): os.path.join(folder, KEY_FILE),
        }
        return folder if all(given == wanted for given, wanted in expected.items()) else ""

    def to_endpoint(self) -> Endpoint:
        """The engine layer's Endpoint for this candidate, TLS files by their own paths."""
        if not self.tls:
            return Endpoint(url=self.url)
        return Endpoint(url=self.url, tls_verify=True, ca_cert=self.ca, client_cert=self.cert, client_key=self.key)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def tls_files_in(folder: str) -> tuple[str, str, str]:
    """(ca, cert, key) paths inside a Docker certificate folder, whether or not they exist."""
    return tuple(os.path.join(folder, name) for name in (CA_FILE, CERT_FILE, KEY_FILE))  # type: ignore[return-value]


def normalized_url(url: str) -> str:
    """A key for spotting the same engine found twice (a symlinked socket, tcp vs https)."""
    text = url.strip()
    lowered = text.lower()
    if lowered.startswith("unix://"):
        return "unix://" + os.path.realpath(text[len("unix://") :])
    for prefix in ("https://", "http://"):
        if lowered.startswith(prefix):
            return "tcp://" + text[len(prefix) :].rstrip("/")
    return text.rstrip("/")
