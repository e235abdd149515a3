"""What the ``desk`` entry point and the command modules share: the usage error (exit
code 2), the log a bug's traceback goes to, and starting the window."""

from __future__ import annotations

import os
import sys
from datetime import datetime
from pathlib import Path

from desk.config import Config, load_config
from desk.errors import DeskError


class UsageError(DeskError):
    pass


def launch_gui(config: Config, demo: bool) -> int:
    if sys.platform.startswith("linux") and not any(
            os.environ.get(k) for k in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")):
        raise DeskError(
            "没有图形显示，无法打开窗口。通过 SSH 请使用命令行（desk --help），或用 "
            "xvfb-run desk 在虚拟显示中运行。",
            "There is no display to open the window on. Over SSH use the command line "
            "(desk --help), or run it on a virtual display with `xvfb-run desk`.")
    from ui.app import run

    return run(config, demo=demo)


def log_bug() -> Path:
    import traceback

    try:
        config = load_config()
        folder = config.data_dir
    except DeskError:
        folder = Path.cwd()
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "desk-error.log"
    # tracebacks may quote what was typed: the owner's eyes only
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    with os.fdopen(fd, "a", encoding="utf-8") as fh:
        fh.write(f"--- {datetime.now().isoformat()}\n{traceback.format_exc()}\n")
    return path
