#!/usr/bin/env python3
"""A second private Docker Engine on 127.0.0.1 over verified TLS, and loopback servers around it.

Tests of finding and diagnosing engines need an engine reached over TCP with
``--tlsverify``, certificates made on the spot (a CA, a server certificate for
127.0.0.1, a client certificate, and bad variants), and endpoints that fail in
known ways. This module provides them:

- ``make_ca`` / ``issue_server_cert`` / ``issue_client_cert``: PEM files made with
  the ``cryptography`` package (a test dependency).
- ``start(certs)`` / ``stop()``: a dockerd with a containerd of its own under
  ``/tmp/eris-tls`` (never the shared ``/tmp/eris-pe`` engine, never a system
  daemon), listening on its unix socket and on ``tcp://127.0.0.1:PORT`` with
  ``--tlsverify``. It reuses the start/stop machinery of ``private_engine``.
- ``LoopbackServers``: on 127.0.0.1 only, a plain-HTTP port that forwards to the
  engine's socket (a real engine without TLS), TLS ports with other server
  certificates in front of the same engine (real handshakes that fail on the
  client's side), and a port that accepts and never answers.

From a shell, ``python3 scripts/tls_engine.py start`` prints the variables that
point a docker client at it, and ``stop`` stops it.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import datetime
import ipaddress
import json
import os
import socket
import ssl
import sys
import threading
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

sys.path.insert(0, str(Path(__file__).resolve().parent))

import private_engine  # found through the folder put on the path above

DEFAULT_ROOT = Path("/tmp/eris-tls")
ROOT_ENV = "ERIS_TLS_ENGINE_ROOT"
LOOPBACK = "127.0.0.1"


# ------------------------------------------------------------------ certificates


@dataclass(frozen=True)
class CertificateAuthority:
    """A CA whose key stays in memory; ``cert`` is its PEM file (the ca.pem clients trust)."""

    name: str
    key: ec.EllipticCurvePrivateKey
    certificate: x509.Certificate
    cert: Path


@dataclass(frozen=True)
class KeyPair:
    """A certificate and its private key, as PEM files."""

    cert: Path
    key: Path


def _now() -> datetime.datetime:
    return datetime.datetime.now(datetime.timezone.utc)


def _write_key(key: ec.EllipticCurvePrivateKey, path: Path) -> None:
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    # Created 0600 from the start, as docker-machine and the docker CLI do for keys.
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "wb") as file:
        file.write(pem)
    os.chmod(path, 0o600)


def _write_cert(certificate: x509.Certificate, path: Path) -> None:
    path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))


def make_ca(folder: Path, name: str = "Eris test CA") -> CertificateAuthority:
    """A self-signed CA valid from yesterday for a year; writes ``folder/<slug>-ca.pem``."""
    folder.mkdir(parents=True, exist_ok=True)
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    now = _now()
    certificate = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=365))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True, content_commitment=False, key_encipherment=False,
                data_encipherment=False, key_agreement=False, key_cert_sign=True,
                crl_sign=True, encipher_only=False, decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )  # fmt: skip
    path = folder / f"{name.lower().replace(' ', '-')}.pem"
    _write_cert(certificate, path)
    return CertificateAuthority(name=name, key=key, certificate=certificate, cert=path)


def _issue(
    ca: CertificateAuthority,
    folder: Path,
    stem: str,
    *,
    common_name: str,
    usage: x509.ObjectIdentifier,
    ips: Sequence[str] = (),
    valid_days: tuple[int, int] = (-1, 365),
) -> KeyPair:
    folder.mkdir(parents=True, exist_ok=True)
    key = ec.generate_private_key(ec.SECP256R1())
    now = _now()
    builder = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)]))
        .issuer_name(ca.certificate.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now + datetime.timedelta(days=valid_days[0]))
        .not_valid_after(now + datetime.timedelta(days=valid_days[1]))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.ExtendedKeyUsage([usage]), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca.key.public_key()), critical=False)
    )
    if ips:
        names = [x509.IPAddress(ipaddress.ip_address(ip)) for ip in ips]
        builder = builder.add_extension(x509.SubjectAlternativeName(names), critical=False)
    certificate = builder.sign(ca.key, hashes.SHA256())
    pair = KeyPair(cert=folder / f"{stem}.pem", key=folder / f"{stem}-key.pem")
    _write_cert(certificate, pair.cert)
    _write_key(key, pair.key)
    return pair


def issue_server_cert(
    ca: CertificateAuthority,
    folder: Path,
    stem: str = "server",
    *,
    ips: Sequence[str] = (LOOPBACK,),
    valid_days: tuple[int, int] = (-1, 365),
) -> KeyPair:
    """A server certificate with these IP SANs; ``valid_days=(-30, -1)`` makes an expired one."""
    return _issue(
        ca, folder, stem, common_name="eris-tls-engine", usage=ExtendedKeyUsageOID.SERVER_AUTH,
        ips=ips, valid_days=valid_days,
    )  # fmt: skip


def issue_client_cert(ca: CertificateAuthority, folder: Path, stem: str = "client") -> KeyPair:
    return _issue(ca, folder, stem, common_name="eris-desktop-test", usage=ExtendedKeyUsageOID.CLIENT_AUTH)


def write_docker_cert_folder(folder: Path, ca: CertificateAuthority, client: KeyPair) -> Path:
    """``folder`` with ca.pem, cert.pem and key.pem: what DOCKER_CERT_PATH and docker-machine hold."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "ca.pem").write_bytes(ca.cert.read_bytes())
    (folder / "cert.pem").write_bytes(client.cert.read_bytes())
    key = folder / "key.pem"
    key.write_bytes(client.key.read_bytes())
    key.chmod(0o600)
    return folder


# ------------------------------------------------------------------------ engine


@dataclass(frozen=True)
class TLSEngine:
    """A running TLS engine: its root folder, unix socket and verified-TLS port."""

    root: Path
    socket_path: Path
    port: int

    @property
    def docker_host(self) -> str:
        return f"tcp://{LOOPBACK}:{self.port}"

    @property
    def unix_url(self) -> str:
        return f"unix://{self.socket_path}"


def _resolve_root(root: Path | None) -> Path:
    return Path(os.path.abspath(root or os.environ.get(ROOT_ENV) or DEFAULT_ROOT))


def free_port() -> int:
    """A loopback port nobody listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((LOOPBACK, 0))
        return int(probe.getsockname()[1])


def _write_daemon_config(paths: private_engine._Paths) -> None:
    config = {
        "deprecated-key-path": str(paths.root / "key.json"),
        # Apart from the shared private engine's cgroups; this engine runs no containers anyway.
        "cgroup-parent": "eris-tls",
    }
    paths.daemon_config.write_text(json.dumps(config, indent=2) + "\n")


def start(ca: Path, server: KeyPair, root: Path | None = None, port: int | None = None) -> TLSEngine:
    """Start (or restart) the TLS engine with this CA and server certificate; root only.

    Whatever ran under ``root`` before is stopped first, so a run that crashed
    leaves nothing behind for the next one.
    """
    paths = private_engine._Paths(_resolve_root(root))
    private_engine._check_socket_paths(paths.root)
    with private_engine._locked(paths.root):
        private_engine._require_root("start the TLS test engine")
        private_engine._ensure_packages()
        paths.marker.touch()
        private_engine._stop_engine(paths)
        private_engine._start_containerd(paths)
        _write_daemon_config(paths)
        port = port or free_port()
        tls_flags = [
            "-H", f"tcp://{LOOPBACK}:{port}",
            "--tlsverify", "--tlscacert", str(ca), "--tlscert", str(server.cert), "--tlskey", str(server.key),
        ]  # fmt: skip
        pid = private_engine._spawn_detached([*private_engine._dockerd_argv(paths), *tls_flags], paths.dockerd_log)
        private_engine._wait_until(
            lambda: private_engine._pings(paths.docker_sock) and _port_open(port),
            alive=lambda: private_engine._is_ours(pid, paths.data),
            what=f"the TLS dockerd on {LOOPBACK}:{port}",
            log=paths.dockerd_log,
        )
    return TLSEngine(root=paths.root, socket_path=paths.docker_sock, port=port)


def _port_open(port: int) -> bool:
    with contextlib.suppress(OSError), socket.create_connection((LOOPBACK, port), timeout=1):
        return True
    return False


def stop(root: Path | None = None) -> None:
    """Stop the TLS engine's dockerd and containerd (the shared private engine is untouched)."""
    paths = private_engine._Paths(_resolve_root(root))
    if not paths.root.exists():
        return
    with private_engine._locked(paths.root):
        private_engine._stop_engine(paths)


# --------------------------------------------------------------- loopback servers

Handler = Callable[[asyncio.StreamReader, asyncio.StreamWriter], Awaitable[None]]


class LoopbackServers:
    """Small servers on 127.0.0.1, all run by one asyncio loop on one thread.

    One thread and no thread per connection: the tests fail on threads left
    running, and a client's kept-alive connection must not count as one.
    """

    def __init__(self) -> None:
        self._loop = asyncio.new_event_loop()
        # A failed handshake is what several servers are for; asyncio would log each.
        self._loop.set_exception_handler(lambda loop, context: None)
        self._servers: list[asyncio.base_events.Server] = []
        self._writers: set[asyncio.StreamWriter] = set()
        self._thread = threading.Thread(target=self._loop.run_forever, name="loopback-servers", daemon=True)
        self._thread.start()

    def forward(self, unix_socket: Path, server: KeyPair | None = None) -> int:
        """A port that relays to ``unix_socket``: plain HTTP, or TLS with ``server``'s certificate."""
        context = None
        if server is not None:
            context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
            context.load_cert_chain(server.cert, server.key)

        async def relay(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            self._writers.add(writer)
            try:
                target_reader, target_writer = await asyncio.open_unix_connection(str(unix_socket))
            except OSError:
                writer.close()
                return
            self._writers.add(target_writer)
            await asyncio.gather(_pump(reader, target_writer), _pump(target_reader, writer))

        return self._listen(relay, context)

    def silent(self) -> int:
        """A port that accepts connections and never says a word: a hung engine or firewall."""

        async def hold(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            self._writers.add(writer)
            await reader.read()  # until the client gives up and closes

        return self._listen(hold, None)

    def _listen(self, handler: Handler, context: ssl.SSLContext | None) -> int:
        async def open_server() -> asyncio.base_events.Server:
            return await asyncio.start_server(handler, LOOPBACK, 0, ssl=context)

        server = asyncio.run_coroutine_threadsafe(open_server(), self._loop).result(10)
        self._servers.append(server)
        return int(server.sockets[0].getsockname()[1])

    def close(self) -> None:
        async def shut() -> None:
            for server in self._servers:
                server.close()
            for writer in self._writers:
                writer.close()
            await asyncio.sleep(0)

        asyncio.run_coroutine_threadsafe(shut(), self._loop).result(10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)
        self._loop.close()


async def _pump(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    with contextlib.suppress(OSError, ssl.SSLError, asyncio.IncompleteReadError):
        while data := await reader.read(65536):
            writer.write(data)
            await writer.drain()
    with contextlib.suppress(OSError, ssl.SSLError):
        writer.close()


# ---------------------------------------------------------------------------- CLI


def _cmd_start(args: argparse.Namespace) -> int:
    root = _resolve_root(None)
    certs = root / "certs"
    ca = make_ca(certs)
    server = issue_server_cert(ca, certs)
    client_folder = write_docker_cert_folder(root / "client", ca, issue_client_cert(ca, certs))
    engine = start(ca.cert, server, root, args.port)
    print(f"export DOCKER_HOST={engine.docker_host}")
    print("export DOCKER_TLS_VERIFY=1")
    print(f"export DOCKER_CERT_PATH={client_folder}")
    return 0


def _cmd_stop(args: argparse.Namespace) -> int:
    stop()
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="tls_engine", description=f"A private Docker Engine over verified TLS (folder: {DEFAULT_ROOT})."
    )
    commands = parser.add_subparsers(dest="command", required=True)
    begin = commands.add_parser("start", help="make certificates, start it, print DOCKER_* variables")
    begin.add_argument("--port", type=int, default=None, help="TLS port on 127.0.0.1 (default: a free one)")
    begin.set_defaults(run=_cmd_start)
    commands.add_parser("stop", help="stop it").set_defaults(run=_cmd_stop)
    args = parser.parse_args(argv)
    try:
        return int(args.run(args))
    except private_engine.PrivateEngineError as exc:
        print(f"tls_engine: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
