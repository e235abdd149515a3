"""``python -m desk.cli``: the same as the ``desk`` command."""

import sys

from desk.cli.main import main

sys.exit(main())
