"""The bundle's entry point: ``desk`` (console) and ``desk-window`` (no console on
Windows) both run the command line, which opens the window when given no command."""

import sys

from desk.cli.main import main

if __name__ == "__main__":
    sys.exit(main())
