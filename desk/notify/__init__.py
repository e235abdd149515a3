"""Telling people and desks: the outbox and its delivery, and the live notices.

Owns the notification rules, the outbox (queued in the unit of work that caused it,
delivered later with retries), the SLA warnings, and the live channel between desks
(PostgreSQL ``NOTIFY``, SQLite ``data_version``). Its subscribers are registered in
``desk.bootstrap``. May import ``desk.admin`` and everything below it.
"""
