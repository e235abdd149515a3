"""One window per user: a second start brings the first forward, and ``desk open
NUMBER`` (a real second process) shows that fault in it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from desk.read import queue
from tests.conftest import settle
from ui.single_instance import InstanceServer, running_instance_answers

ROOT = Path(__file__).resolve().parent.parent


def test_second_start_and_desk_open_reach_the_running_window(qtbot, demo_window, sqlite_url,
                                                             tmp_path, monkeypatch):
    window = demo_window
    address = str(tmp_path / "desk-test.sock")
    monkeypatch.setenv("DESK_INSTANCE", address)
    server = InstanceServer(address)
    server.open_handler = lambda number: ""
    server.open_requested.connect(window.open_number)
    assert server.listen()
    try:
        settle(qtbot, window)
        rows = queue.list_tickets(window.db, queue.TicketQuery())
        number = rows[-1].number
        assert window.panel.detail is None or window.panel.detail.number != number
        # a second start: the running one is told to come forward (in a worker, as a
        # second process would wait for the answer while this loop serves it)
        with qtbot.waitSignal(server.raise_requested, timeout=5_000):
            proc = subprocess.Popen(
                [sys.executable, "-c", "from ui.single_instance import "
                 "running_instance_answers as r; import sys; sys.exit(0 if r() else 3)"],
                cwd=ROOT, env={**_env(), "DESK_INSTANCE": address})
        qtbot.waitUntil(lambda: proc.poll() is not None, timeout=10_000)
        assert proc.returncode == 0
        # desk open NUMBER, a real command in another process
        cli = subprocess.Popen(
            [sys.executable, "-c", "import sys; from desk.cli.main import main; "
             "sys.exit(main(sys.argv[1:]))", "--db", sqlite_url, "open", number],
            cwd=ROOT, env={**_env(), "DESK_INSTANCE": address},
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        qtbot.waitUntil(lambda: cli.poll() is not None, timeout=20_000)
        out, err = cli.communicate()
        assert cli.returncode == 0, err
        qtbot.waitUntil(lambda: window.panel.detail is not None
                        and window.panel.detail.number == number, timeout=5_000)
        # an unknown number is refused by the command itself, clearly
        bad = subprocess.run(
            [sys.executable, "-c", "import sys; from desk.cli.main import main; "
             "sys.exit(main(sys.argv[1:]))", "--db", sqlite_url, "open", "SYS-20000101-999"],
            cwd=ROOT, env={**_env(), "DESK_INSTANCE": address}, capture_output=True,
            text=True, timeout=60)
        assert bad.returncode != 0 and "Traceback" not in bad.stderr
    finally:
        server.close()
    # nobody listening: a start goes ahead, and desk open says Desk is not running
    assert not running_instance_answers(address)


def _env() -> dict[str, str]:
    import os

    return {**os.environ, "PYTHONPATH": str(ROOT), "QT_QPA_PLATFORM": "offscreen"}
