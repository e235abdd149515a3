"""The rules of the process as pure code, with no database and no clock of its own.

Owns the transition table (states, steps, roles, required fields), the SLA clock
arithmetic, the working-day calendar arithmetic, the SLA limits as values, the fault
number's format and the time helpers. Imports nothing of Desk's but ``desk.errors`` and
the models' vocabulary (``models.vocabulary``); everything else may import it.
"""
