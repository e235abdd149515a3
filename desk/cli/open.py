"""``desk open NUMBER``: show a fault in the Desk window already running for this user.

One window runs per user: a second start brings the first forward instead
(``ui.single_instance``). The running window listens on a local socket named by
``instance_address``; this command (and the second start) send it one line —
``open NUMBER`` or ``raise`` — and read one line back. Plain sockets: no Qt here.
"""

from __future__ import annotations

import argparse
import getpass
import os
import re
import socket
import sys
import tempfile
from collections.abc import Callable
from typing import Any

from desk.db import Database
from desk.errors import DeskError
from desk.read import tickets

TIMEOUT = 3.0  # seconds to wait for the running window's answer


def instance_address() -> str:
    """Where this user's running window listens (a socket path; a pipe name on Windows).

    ``DESK_INSTANCE`` names another place (tests; two separate set-ups for one user).
    """
    chosen = os.environ.get("DESK_INSTANCE")
    if chosen:
        return chosen
    try:
        user = getpass.getuser()
    except Exception:  # noqa: BLE001 - no user name in the environment: one shared name
        user = "user"
    user = re.sub(r"[^A-Za-z0-9_.-]", "_", user)[:40] or "user"
    if sys.platform == "win32":
        return f"desk-{user}"
    base = os.environ.get("XDG_RUNTIME_DIR") or tempfile.gettempdir()
    return os.path.join(base, f"desk-{user}.sock")


def send(message: str, address: str | None = None, timeout: float = TIMEOUT) -> str | None:
    """Send one line to the running window; its answer, or None when none runs."""
    address = address or instance_address()
    data = (message.strip() + "\n").encode("utf-8")
    try:
        if sys.platform == "win32":  # pragma: no cover - QLocalServer is a named pipe there
            with open(rf"\\.\pipe\{address}", "r+b", buffering=0) as pipe:
                pipe.write(data)
                return pipe.readline().decode("utf-8", "replace").strip()
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
            sock.settimeout(timeout)
            sock.connect(address)
            sock.sendall(data)
            answer = b""
            while not answer.endswith(b"\n"):
                part = sock.recv(256)
                if not part:
                    break
                answer += part
            return answer.decode("utf-8", "replace").strip()
    except OSError:
        return None


def register(sub: Any) -> dict[str, Callable[[Database, argparse.Namespace], int]]:
    p = sub.add_parser(
        "open", help="show a fault in the running Desk window (在已打开的 Desk 窗口中显示故障)",
        description="Brings this user's running Desk window forward, showing the fault.",
        epilog="Example: desk open SYS-20261127-001")
    p.add_argument("number", help="the fault number, e.g. SYS-20261127-001")
    return {"open": _cmd_open}


def _cmd_open(db: Database, args: argparse.Namespace) -> int:
    detail = tickets.get_ticket(db, args.number)  # an unknown number: refused here, clearly
    answer = send(f"open {detail.number}")
    if answer is None:
        raise DeskError("Desk 窗口未在运行：请先启动 Desk，再用 desk open 打开故障。",
                        "No Desk window is running: start Desk first, then use desk open.")
    if answer != "ok":
        raise DeskError(f"Desk 窗口未能打开故障 {detail.number}：{answer}",
                        f"The Desk window could not open fault {detail.number}: {answer}")
    print(f"{detail.number}  →  Desk")
    return 0
