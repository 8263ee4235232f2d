"""A unix-socket relay in front of the real engine, so a test can cut the app's connection mid-pull.

The shared engine must keep running, so "the engine went away" is played by
cutting every connection through the relay; the engine sees its client leave.
"""

from __future__ import annotations

import contextlib
import socket
import tempfile
import threading
from pathlib import Path


class EngineRelay:
    def __init__(self, engine_socket: str) -> None:
        # A short folder: unix socket paths are limited to 107 bytes.
        self._folder = Path(tempfile.mkdtemp(prefix="ep-", dir="/tmp"))
        self.path = str(self._folder / "relay.sock")
        self._engine_socket = engine_socket
        self._server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self._server.bind(self.path)
        self._server.listen(8)
        self._lock = threading.Lock()
        self._open: list[socket.socket] = []
        self._threads: list[threading.Thread] = []
        self._closed = False
        self._accepting = threading.Thread(target=self._accept, name="engine-relay", daemon=True)
        self._accepting.start()

    @property
    def url(self) -> str:
        return f"unix://{self.path}"

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self._server.accept()
            except OSError:
                return  # closed
            engine = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            engine.connect(self._engine_socket)
            with self._lock:
                if self._closed:
                    client.close()
                    engine.close()
                    return
                self._open += [client, engine]
                for source, target in ((client, engine), (engine, client)):
                    thread = threading.Thread(target=self._copy, args=(source, target), name="relay-copy", daemon=True)
                    self._threads.append(thread)
                    thread.start()

    @staticmethod
    def _copy(source: socket.socket, target: socket.socket) -> None:
        with contextlib.suppress(OSError):
            while data := source.recv(65536):
                target.sendall(data)
        with contextlib.suppress(OSError):
            target.shutdown(socket.SHUT_WR)

    def cut(self) -> None:
        """Break every connection made through the relay, as if the engine died."""
        with self._lock:
            connections, self._open = self._open, []
        for connection in connections:
            with contextlib.suppress(OSError):
                connection.shutdown(socket.SHUT_RDWR)
            connection.close()

    def close(self) -> None:
        with self._lock:
            self._closed = True
        with contextlib.suppress(OSError):
            self._server.shutdown(socket.SHUT_RDWR)
        self._server.close()
        self.cut()
        for thread in [self._accepting, *self._threads]:
            thread.join(5)
        Path(self.path).unlink(missing_ok=True)
        self._folder.rmdir()
