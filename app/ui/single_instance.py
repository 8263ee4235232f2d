"""One Eris Desktop per person: a second launch raises the running window and exits."""

from __future__ import annotations

import getpass
import hashlib

from PySide6.QtCore import QObject, Signal
from PySide6.QtNetwork import QLocalServer, QLocalSocket

from app.settings import config_dir

CONNECT_MS = 2000  # a busy first instance still answers; a stale socket is refused at once


def server_name() -> str:
    # Per user and per settings folder, so a test or a portable copy never raises someone else's window.
    digest = hashlib.sha256(f"{getpass.getuser()}:{config_dir()}".encode()).hexdigest()[:16]
    return f"eris-desktop-{digest}"


def ask_running_instance_to_show() -> bool:
    """True when another instance answered (and was asked to show its window)."""
    socket = QLocalSocket()
    socket.connectToServer(server_name())
    if not socket.waitForConnected(CONNECT_MS):
        return False
    socket.write(b"show\n")
    socket.waitForBytesWritten(CONNECT_MS)
    socket.disconnectFromServer()
    return True


class InstanceServer(QObject):
    show_requested = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._server = QLocalServer(self)
        self._server.newConnection.connect(self._connected)
        self._connections: set[QLocalSocket] = set()

    def listen(self) -> bool:
        name = server_name()
        if not self._server.listen(name):
            # A stale socket left by a crash: nobody answered, so it is safe to take over.
            QLocalServer.removeServer(name)
            return self._server.listen(name)
        return True

    def close(self) -> None:
        for connection in list(self._connections):
            connection.abort()
        self._connections.clear()
        self._server.close()

    def _connected(self) -> None:
        while self._server.hasPendingConnections():
            connection = self._server.nextPendingConnection()
            self._connections.add(connection)
            connection.readyRead.connect(self._read)
            connection.disconnected.connect(self._forget)

    def _read(self) -> None:
        connection = self.sender()
        if isinstance(connection, QLocalSocket) and bytes(connection.readAll().data()).strip() == b"show":
            self.show_requested.emit()

    def _forget(self) -> None:
        connection = self.sender()
        if isinstance(connection, QLocalSocket):
            self._connections.discard(connection)
            connection.deleteLater()
