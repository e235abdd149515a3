"""Desk's core: the process (workflow), SLA clocks, numbering, services, settings, CLI.

No Qt here: everything in ``desk`` runs and is tested without a screen. The window
(``ui``) calls these services; ``desk`` never imports ``ui``.
"""

__version__ = "0.1.0"  # the package's version too (pyproject.toml reads it from here)
