"""A TCP engine's connections carry keepalive, so a VM that vanishes shows as lost instead of hanging."""

from __future__ import annotations

import socket

from app.engine.connection import KEEPALIVE_IDLE, Endpoint, open_client
from tests.hosts.conftest import Lab


def _event_stream_socket(endpoint: Endpoint) -> tuple[socket.socket, object]:
    api = open_client(endpoint)
    response = api._get(api._url("/events"), stream=True, timeout=None)
    raw = api._get_raw_response_socket(response)
    return getattr(raw, "_sock", raw), (api, response)  # plain HTTP hands out a SocketIO around the socket


def test_the_event_stream_over_verified_tls_keeps_its_connection_checked(lab: Lab) -> None:
    endpoint = Endpoint(url=f"tcp://127.0.0.1:{lab.engine.port}", tls_verify=True,
                        cert_path=str(lab.certs.docker_folder))
    sock, (api, response) = _event_stream_socket(endpoint)
    try:
        assert sock.getsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE) == 1
        assert sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPIDLE) == KEEPALIVE_IDLE
        assert sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY) == 1  # urllib3's own option kept
    finally:
        response.close()  # type: ignore[attr-defined]
        api.close()  # type: ignore[attr-defined]


def test_a_plain_tcp_engine_too(lab: Lab) -> None:
    sock, (api, response) = _event_stream_socket(Endpoint(url=f"tcp://127.0.0.1:{lab.plain_port}"))
    try:
        assert sock.getsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE) == 1
    finally:
        response.close()  # type: ignore[attr-defined]
        api.close()  # type: ignore[attr-defined]
