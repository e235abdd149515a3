"""The write side: one unit of work per action.

Owns reporting, the workflow's steps, field edits, attachments, the knowledge base,
issued notices, people, sign-in and presence, and the audit trail they append to. Each
service opens a session, checks permission and state, changes the rows, appends the
audit event, records its domain events (``desk.events``) and commits. May import
``desk.read``, ``desk.rules`` and the foundation (``desk.db``, ``desk.events``,
``desk.errors``, ``desk.config``); never ``desk.notify``, ``desk.admin`` or ``desk.cli``:
what reacts to a change subscribes to its events instead.
"""
