"""One running window per user: the listener a second start (or ``desk open``) talks to.

``InstanceServer`` listens on ``desk.cli.open.instance_address()`` (a local socket) and
turns each line it receives into a signal on the GUI thread: ``raise`` brings the
window (or the sign-in dialog) forward, ``open NUMBER`` shows that fault. It answers
``ok`` or what went wrong, one line, so the sender can say so.

Signals:
    raise_requested(): bring this instance forward.
    open_requested(str): show the fault with this number.
"""

from __future__ import annotations

import logging
import os
import sys

from PySide6.QtCore import QObject, Signal
from PySide6.QtNetwork import QLocalServer, QLocalSocket

from desk.cli.open import instance_address, send

log = logging.getLogger(__name__)


def running_instance_answers(address: str | None = None) -> bool:
    """Is another window of this user running (it was told to come forward)?"""
    return send("raise", address, timeout=2.0) == "ok"


class InstanceServer(QObject):
    raise_requested = Signal()
    open_requested = Signal(str)

    def __init__(self, address: str | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.address = address or instance_address()
        self.server = QLocalServer(self)
        self.server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
        self.server.newConnection.connect(self._accept)
        # a handler answers what it could not do (e.g. an unknown number): "" is ok
        self.open_handler: object = None

    def listen(self) -> bool:
        """Start listening; a socket left by a crashed window is cleared first."""
        if sys.platform != "win32" and os.path.exists(self.address):
            QLocalServer.removeServer(self.address)
        ok = self.server.listen(self.address)
        if not ok:
            log.warning("single instance: cannot listen on %s: %s", self.address,
                        self.server.errorString())
        return ok

    def close(self) -> None:
        self.server.close()

    def _accept(self) -> None:
        while self.server.hasPendingConnections():
            sock = self.server.nextPendingConnection()
            sock.readyRead.connect(lambda s=sock: self._read(s))
            sock.disconnected.connect(sock.deleteLater)
            if sock.bytesAvailable():
                self._read(sock)

    def _read(self, sock: QLocalSocket) -> None:
        if not sock.canReadLine():
            return
        line = bytes(sock.readLine().data()).decode("utf-8", "replace").strip()
        command, _, rest = line.partition(" ")
        answer = "ok"
        if command == "raise":
            self.raise_requested.emit()
        elif command == "open" and rest.strip():
            handler = self.open_handler
            problem = handler(rest.strip()) if callable(handler) else ""
            if problem:
                answer = str(problem)
            else:
                self.open_requested.emit(rest.strip())
        else:
            answer = "unknown command"
        sock.write((answer + "\n").encode("utf-8"))
        sock.flush()
        sock.disconnectFromServer()
