"""The window's dialogs that are not about one ticket: signing in, administration, settings.

- ``sign_in``: ``SignInDialog`` (who is at the desk) and ``FirstAdminDialog`` (the
  first administrator of a new database);
- ``admin``: the 管理 menu and its dialogs: people, organisation, limits, the working-day
  calendar, the log viewer, passwords;
- ``settings``: ``SettingsDialog``, which database this desk opens.

Each is imported where it is first opened, not at start.
"""
