"""Administration: team settings, the calendar, backup and restore, PostgreSQL set-up and
the demo data.

Every service here checks that its caller is an administrator (or runs for the database
owner, as ``desk db init`` does). May import ``desk.process``, ``desk.read``,
``desk.rules`` and the foundation; never ``desk.notify`` or ``desk.cli``.
"""
