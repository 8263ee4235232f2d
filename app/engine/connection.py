"""Connecting to a Docker Engine: the endpoint from the environment, and a client that keeps its TLS."""

from __future__ import annotations

import os
import socket
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import docker
from docker.tls import TLSConfig
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection

from app.engine.errors import translate

DEFAULT_TIMEOUT = 10.0
KEEPALIVE_IDLE, KEEPALIVE_INTERVAL, KEEPALIVE_PROBES = 10, 5, 3


@dataclass(frozen=True)
class EngineInfo:
    """What the status bar shows about a connected engine."""

    address: str
    server_version: str
    api_version: str
    os: str
    arch: str


@dataclass(frozen=True)
class Endpoint:
    """Where an engine listens and how to reach it; never holds key contents, only paths."""

    url: str = ""  # empty: the platform's default local socket
    tls_verify: bool = False
    cert_path: str = ""  # folder with ca.pem, cert.pem, key.pem (the docker CLI's layout)
    # Files named otherwise (docker-machine's AuthOptions, profiles) override the folder's.
    ca_cert: str = ""
    client_cert: str = ""
    client_key: str = ""
    extra: Mapping[str, str] = field(default_factory=dict)

    @property
    def display_address(self) -> str:
        return self.url or default_socket_url()

    def tls_files(self) -> tuple[str, str, str]:
        """(CA, client certificate, client key) paths: the explicit ones, else those in ``cert_path``."""
        folder = self.cert_path
        return (
            self.ca_cert or (os.path.join(folder, "ca.pem") if folder else ""),
            self.client_cert or (os.path.join(folder, "cert.pem") if folder else ""),
            self.client_key or (os.path.join(folder, "key.pem") if folder else ""),
        )

    @classmethod
    def from_environment(cls, environ: Mapping[str, str] | None = None) -> Endpoint:
        env = os.environ if environ is None else environ
        tls_verify = env.get("DOCKER_TLS_VERIFY", "") not in ("", "0")
        cert_path = env.get("DOCKER_CERT_PATH", "")
        if tls_verify and not cert_path:
            cert_path = os.path.join(os.path.expanduser("~"), ".docker")
        return cls(url=env.get("DOCKER_HOST", "").strip(), tls_verify=tls_verify, cert_path=cert_path)


def default_socket_url() -> str:
    if os.name == "nt":
        return "npipe:////./pipe/docker_engine"
    return "unix:///var/run/docker.sock"


def keepalive_options() -> list[tuple[int, int, int]]:
    """TCP keepalive that notices a dead peer in about 25 s, where the platform lets us say so.

    The event stream waits without a read timeout (an idle engine sends nothing); without
    keepalive a VM that is switched off or leaves the network would never show as lost.
    """
    options = [*HTTPConnection.default_socket_options, (socket.SOL_SOCKET, socket.SO_KEEPALIVE, 1)]
    idle = getattr(socket, "TCP_KEEPIDLE", None) or getattr(socket, "TCP_KEEPALIVE", None)  # the latter: macOS
    for name, value in ((idle, KEEPALIVE_IDLE), (getattr(socket, "TCP_KEEPINTVL", None), KEEPALIVE_INTERVAL),
                        (getattr(socket, "TCP_KEEPCNT", None), KEEPALIVE_PROBES)):
        if name is not None:
            options.append((socket.IPPROTO_TCP, name, value))
    return options


class EngineAPIClient(docker.APIClient):
    """An APIClient that ignores requests' environment settings and keeps TCP connections checked.

    requests lets ``REQUESTS_CA_BUNDLE`` replace the CA given by a TLS config
    (docker-py issue 2433), so a corporate desktop that sets it could never
    verify its engine. Proxies from the environment must not apply to a local
    engine either. Session.__init__ assigns trust_env, hence the inert setter.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for prefix in ("http://", "https://"):
            adapter = self.adapters.get(prefix)
            if isinstance(adapter, HTTPAdapter):
                adapter.poolmanager.clear()  # the version request's connection, made without keepalive
                adapter.init_poolmanager(adapter._pool_connections, adapter._pool_maxsize,  # type: ignore[attr-defined]
                                         block=adapter._pool_block,  # type: ignore[attr-defined]
                                         socket_options=keepalive_options())

    @property  # type: ignore[override]
    def trust_env(self) -> bool:
        return False

    @trust_env.setter
    def trust_env(self, value: bool) -> None:
        pass


def _tls_config(endpoint: Endpoint) -> TLSConfig | None:
    # TLS is always verified: an endpoint without DOCKER_TLS_VERIFY is plain.
    if not endpoint.tls_verify:
        return None
    ca_cert, cert, key = endpoint.tls_files()
    has_client_cert = bool(cert and key) and os.path.exists(cert) and os.path.exists(key)
    return TLSConfig(client_cert=(cert, key) if has_client_cert else None, ca_cert=ca_cert or None, verify=True)


def _base_url(endpoint: Endpoint) -> str:
    url = endpoint.url or default_socket_url()
    if url.startswith("tcp://") and endpoint.tls_verify:
        return "https://" + url[len("tcp://") :]
    return url


def open_client(endpoint: Endpoint, timeout: float = DEFAULT_TIMEOUT, version: str = "auto") -> docker.APIClient:
    """A low-level client; ``version`` "auto" negotiates (one request), a known one saves that request."""
    base_url = _base_url(endpoint)
    try:
        return EngineAPIClient(
            base_url=base_url, version=version, timeout=timeout, tls=_tls_config(endpoint) or False,
            # The system's ssh, as the docker CLI uses it: the person's keys, agent and ~/.ssh/config apply.
            use_ssh_client=base_url.startswith("ssh://"),
        )
    except Exception as error:
        raise translate(error, "Could not connect to the Docker Engine", endpoint.display_address) from error


def engine_info(client: docker.APIClient, endpoint: Endpoint) -> EngineInfo:
    try:
        version: dict[str, Any] = client.version(api_version=False)
    except Exception as error:
        raise translate(error, "Could not read the engine's version", endpoint.display_address) from error
    return EngineInfo(
        address=endpoint.display_address,
        server_version=str(version.get("Version", "?")),
        api_version=str(version.get("ApiVersion", "?")),
        os=str(version.get("Os", "?")),
        arch=str(version.get("Arch", "?")),
    )
