"""The ``desk`` command: the window, and every step of the process for scripts.

``desk`` alone opens the window. Every other command works without a screen. Errors
go to stderr with a non-zero exit code (1 refused or invalid, 2 usage, 70 a bug) and
never as a traceback; bugs are written with their traceback to the log file.

This module is the entry point and stays small: ``desk`` with only the window's own
options (``--db``, ``--lang``, ``--demo``) goes straight to the window, without
loading the commands, SQLAlchemy or the models, so that the sign-in appears quickly
(the window loads the rest while the password is typed). Everything else is parsed
and run by ``desk.cli.commands``, whose names this module also answers for.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from typing import Any

from desk.cli.base import launch_gui, log_bug
from desk.config import load_config
from desk.errors import DeskError, set_language

LANGUAGES = ("zh_CN", "en")


def window_options(argv: Sequence[str]) -> tuple[str | None, str | None, bool] | None:
    """``(db, lang, demo)`` when ``argv`` asks for the window and nothing else, in the
    spellings the full parser takes (``--db URL``, ``--db=URL``, ``--lang en``,
    ``--demo``); None for anything else (a command, help, an abbreviation, an error),
    which the full parser then handles with its own messages."""
    db: str | None = None
    lang: str | None = None
    demo = False
    items = list(argv)
    while items:
        item = items.pop(0)
        name, eq, value = item.partition("=")
        if item == "--demo":
            demo = True
        elif name in ("--db", "--lang"):
            if not eq:
                if not items or items[0].startswith("-"):
                    return None
                value = items.pop(0)
            if name == "--db":
                db = value
            elif value in LANGUAGES:
                lang = value
            else:
                return None
        else:
            return None
    return db, lang, demo


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    options = window_options(args)
    if options is None:
        from desk.cli import commands

        return commands.main(args)
    db, lang, demo = options

    def start() -> int:
        config = load_config(db)
        set_language(lang or config.language)
        return launch_gui(config, demo)

    return guarded(start)


def guarded(work: Callable[[], int]) -> int:
    """Run ``work`` as a command runs: a refusal on stderr (exit 1), a bug in the log
    (exit 70), never a traceback."""
    try:
        return work()
    except DeskError as exc:
        print(f"desk: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    except Exception:  # a bug: keep the traceback out of the user's way, but keep it
        path = log_bug()
        print(f"desk: 内部错误，详情已写入 {path} / internal error, details in {path}",
              file=sys.stderr)
        return 70


def window() -> int:
    """``desk-window``: the same as ``desk``, installed as a GUI script (no console on
    Windows) for the desktop entry and the start menu."""
    return main()


def __getattr__(name: str) -> Any:
    """The commands' names (``STEP_COMMANDS``, ``HANDLERS``, the parser …), loaded on
    first use."""
    from desk.cli import commands

    try:
        return getattr(commands, name)
    except AttributeError:
        raise AttributeError(f"module 'desk.cli.main' has no attribute {name!r}") from None


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
