"""The read side: queries, and the plain views handed to the window and the CLI.

Owns one ticket's detail, the queue (filters, free-text search, sort), the SLA clocks
of a ticket, the timeline, the statistics and their export, the data the documents are
built from, and the team settings and calendar as stored. Each function opens one short
read session and returns frozen data, never live ORM objects. May import
``desk.rules``, ``desk.db``, ``desk.errors``, ``models`` and ``reports``; never
``desk.process``, ``desk.notify``, ``desk.admin`` or ``desk.cli``.
"""
