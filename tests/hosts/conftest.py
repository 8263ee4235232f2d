"""Fixtures for finding engines: certificates made here, a TLS engine of its own, loopback servers.

The TLS engine (scripts/tls_engine.py) is a second private dockerd under
/tmp/eris-tls, started once for this folder's tests and stopped after them; the
shared private engine (/tmp/eris-pe) is never touched. In front of the TLS
engine's socket, loopback servers present bad server certificates (real TLS
handshakes), a plain-HTTP port and a port that never answers.
"""

from __future__ import annotations

import socket
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import tls_engine  # in scripts/, which tests/conftest.py puts on sys.path

from app.hosts.candidate import Candidate, CandidateKind


@dataclass(frozen=True)
class Certificates:
    """Every certificate the tests use; the engine trusts ``ca`` only."""

    ca: tls_engine.CertificateAuthority
    other_ca: tls_engine.CertificateAuthority
    server: tls_engine.KeyPair
    expired_server: tls_engine.KeyPair
    wrong_san_server: tls_engine.KeyPair  # made for 127.0.0.2, served on 127.0.0.1
    other_ca_server: tls_engine.KeyPair
    client: tls_engine.KeyPair
    other_ca_client: tls_engine.KeyPair
    docker_folder: Path  # ca.pem, cert.pem, key.pem for the engine, as DOCKER_CERT_PATH holds them


@dataclass(frozen=True)
class Lab:
    """The running TLS engine and the loopback ports around it."""

    certs: Certificates
    engine: tls_engine.TLSEngine
    plain_port: int  # plain HTTP, relayed to the engine's socket
    expired_port: int  # TLS with an expired server certificate
    wrong_san_port: int  # TLS with a certificate for 127.0.0.2
    other_ca_port: int  # TLS with a certificate from a CA the client does not trust
    silent_port: int  # accepts and never answers

    def tls_candidate(self, port: int | None = None, *, kind: CandidateKind = "profile", **paths: str) -> Candidate:
        """A verified-TLS candidate on 127.0.0.1 with the good client files unless ``paths`` say otherwise."""
        folder = self.certs.docker_folder
        files = {"ca": str(folder / "ca.pem"), "cert": str(folder / "cert.pem"), "key": str(folder / "key.pem")}
        files.update(paths)
        url = f"tcp://127.0.0.1:{port or self.engine.port}"
        return Candidate(kind=kind, name=f"tls-{port or 'engine'}", url=url, tls=True, **files)

    def plain_candidate(self, port: int) -> Candidate:
        return Candidate(kind="profile", name=f"plain-{port}", url=f"tcp://127.0.0.1:{port}")


@pytest.fixture(scope="session")
def certificates(tmp_path_factory: pytest.TempPathFactory) -> Certificates:
    folder = tmp_path_factory.mktemp("certs")
    ca = tls_engine.make_ca(folder, "Eris test CA")
    other_ca = tls_engine.make_ca(folder, "Other CA")
    client = tls_engine.issue_client_cert(ca, folder)
    return Certificates(
        ca=ca,
        other_ca=other_ca,
        server=tls_engine.issue_server_cert(ca, folder),
        expired_server=tls_engine.issue_server_cert(ca, folder, "expired", valid_days=(-30, -1)),
        wrong_san_server=tls_engine.issue_server_cert(ca, folder, "wrong-san", ips=["127.0.0.2"]),
        other_ca_server=tls_engine.issue_server_cert(other_ca, folder, "other-ca-server"),
        client=client,
        other_ca_client=tls_engine.issue_client_cert(other_ca, folder, "other-ca-client"),
        docker_folder=tls_engine.write_docker_cert_folder(folder / "docker", ca, client),
    )


@pytest.fixture(scope="session")
def lab(certificates: Certificates) -> Iterator[Lab]:
    """Started once for the session: the TLS dockerd and the loopback servers; both stopped after."""
    engine = tls_engine.start(certificates.ca.cert, certificates.server)
    servers = tls_engine.LoopbackServers()
    try:
        yield Lab(
            certs=certificates,
            engine=engine,
            plain_port=servers.forward(engine.socket_path),
            expired_port=servers.forward(engine.socket_path, certificates.expired_server),
            wrong_san_port=servers.forward(engine.socket_path, certificates.wrong_san_server),
            other_ca_port=servers.forward(engine.socket_path, certificates.other_ca_server),
            silent_port=servers.silent(),
        )
    finally:
        servers.close()
        tls_engine.stop(engine.root)


@pytest.fixture
def dead_socket(tmp_path: Path) -> Iterator[Path]:
    """A socket file that nothing listens on: what a crashed daemon leaves behind."""
    path = Path("/tmp") / f"eris-dead-{tmp_path.name[-20:]}.sock"
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
        sock.bind(str(path))
    yield path
    path.unlink(missing_ok=True)
