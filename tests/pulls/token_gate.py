"""A registry front that demands Docker Hub's bearer-token dance, relaying to the private registry.

Docker Hub cannot be reached from here, so this plays its auth: a request
without a token gets 401 with ``WWW-Authenticate: Bearer realm=…,service=…,scope=…``;
the realm hands out a token (only with the right login, if one is required);
requests with the token are relayed to the real registry behind.
"""

from __future__ import annotations

import base64
import json
import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import requests

TOKEN = "eris-test-token"


class TokenGate:
    def __init__(self, upstream: str, login: tuple[str, str] | None = None) -> None:
        self.upstream = upstream
        self.login = login
        self.scopes: list[str] = []
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.server.daemon_threads = True
        self.address = f"127.0.0.1:{self.server.server_address[1]}"
        self._thread = threading.Thread(target=self.server.serve_forever, name="token-gate", daemon=True)
        self._thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self._thread.join(5)

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        gate = self
        upstream = requests.Session()
        upstream.trust_env = False

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:
                pass

            def _send(self, status: int, body: bytes, headers: dict[str, str]) -> None:
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_GET(self) -> None:
                if self.path.startswith("/token"):
                    self._token()
                elif self.headers.get("Authorization") != f"Bearer {TOKEN}":
                    repository = self.path.removeprefix("/v2/").split("/manifests/")[0].split("/blobs/")[0]
                    challenge = (
                        f'Bearer realm="http://{gate.address}/token",service="eris-gate",'
                        f'scope="repository:{repository}:pull"'
                    )
                    body = json.dumps({"errors": [{"code": "UNAUTHORIZED", "message": "authentication required"}]})
                    self._send(401, body.encode(), {"WWW-Authenticate": challenge, "Content-Type": "application/json"})
                else:
                    answer = upstream.get(
                        f"http://{gate.upstream}{self.path}", headers={"Accept": self.headers.get("Accept", "")}
                    )
                    kept = {k: v for k, v in answer.headers.items() if k in ("Content-Type", "Docker-Content-Digest")}
                    self._send(answer.status_code, answer.content, kept)

            def _token(self) -> None:
                query = urllib.parse.parse_qs(self.path.partition("?")[2])
                gate.scopes += query.get("scope", [])
                if gate.login is not None:
                    expected = "Basic " + base64.b64encode(":".join(gate.login).encode()).decode()
                    if self.headers.get("Authorization") != expected:
                        self._send(401, b'{"details":"incorrect username or password"}', {})
                        return
                self._send(200, json.dumps({"token": TOKEN}).encode(), {"Content-Type": "application/json"})

        return Handler
