"""ticket search: an index path for one- and two-character terms on both backends

Chinese searches are often one or two characters (网, 考勤, 报表), too short for a
trigram index, so until now they read every ticket.

SQLite: the FTS5 trigram index of 0007 is rebuilt over each value with two U+FFFF
characters appended (through the view ``tickets_fts_source``, which is also what
'rebuild' reads). Every substring of one or two characters is then the start of some
indexed trigram, so the tickets holding it are the documents of the index terms in the
range [term, term + U+10FFFF…], read through the fts5vocab table ``tickets_fts_terms``
(``desk.tickets``). The phrase queries of three characters or more are unchanged: their
trigrams never contain U+FFFF.

PostgreSQL: a GIN index over ``tickets_search_grams(number, affected_business,
phenomenon)``, the distinct characters and character pairs of the lower-cased values
(``@> ARRAY[lower(term)]`` finds the tickets holding a one- or two-character term). The
function is IMMUTABLE (lower() depends only on the database's fixed ctype) and costed
high, so the planner reads the index instead of calling it row by row. U+FFFF separates
the pairs while they are cut out; a term holding it is searched without the index.

The view, the vocabulary table and the GIN index are not in the ORM; the schema
comparison skips names starting with ``tickets_fts`` and names containing ``_grams``.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-27

"""
from collections.abc import Sequence

from alembic import op

revision: str = "0008"
down_revision: str | Sequence[str] | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COLUMNS = ("number", "affected_business", "phenomenon")
COLS = ", ".join(COLUMNS)
TAIL = "char(65535, 65535)"  # desk.tickets.SEARCH_TAIL


def _values(row: str, tail: bool) -> str:
    return ", ".join(f"{row}.{c} || {TAIL}" if tail else f"{row}.{c}" for c in COLUMNS)


def _sqlite_triggers(tail: bool) -> list[str]:
    new, old = _values("new", tail), _values("old", tail)
    return [
        f"CREATE TRIGGER tickets_fts_insert AFTER INSERT ON tickets BEGIN "
        f"INSERT INTO tickets_fts(rowid, {COLS}) VALUES (new.id, {new}); END",
        f"CREATE TRIGGER tickets_fts_delete AFTER DELETE ON tickets BEGIN "
        f"INSERT INTO tickets_fts(tickets_fts, rowid, {COLS}) VALUES ('delete', old.id, {old}); "
        "END",
        f"CREATE TRIGGER tickets_fts_update AFTER UPDATE OF {COLS} ON tickets BEGIN "
        f"INSERT INTO tickets_fts(tickets_fts, rowid, {COLS}) VALUES ('delete', old.id, {old}); "
        f"INSERT INTO tickets_fts(rowid, {COLS}) VALUES (new.id, {new}); END",
    ]


SQLITE_DROP = [
    "DROP TABLE IF EXISTS tickets_fts_terms",
    "DROP TRIGGER IF EXISTS tickets_fts_update",
    "DROP TRIGGER IF EXISTS tickets_fts_delete",
    "DROP TRIGGER IF EXISTS tickets_fts_insert",
    "DROP TABLE IF EXISTS tickets_fts",
    "DROP VIEW IF EXISTS tickets_fts_source",
]

SQLITE_UP = [
    *SQLITE_DROP,
    "CREATE VIEW tickets_fts_source AS SELECT id, "
    + ", ".join(f"{c} || {TAIL} AS {c}" for c in COLUMNS) + " FROM tickets",
    f"CREATE VIRTUAL TABLE tickets_fts USING fts5({COLS}, content='tickets_fts_source', "
    "content_rowid='id', tokenize='trigram')",
    "INSERT INTO tickets_fts(tickets_fts) VALUES ('rebuild')",
    *_sqlite_triggers(tail=True),
    "CREATE VIRTUAL TABLE tickets_fts_terms USING fts5vocab(tickets_fts, 'instance')",
]

SQLITE_DOWN = [  # back to 0007: the plain values, read from tickets itself
    *SQLITE_DROP,
    f"CREATE VIRTUAL TABLE tickets_fts USING fts5({COLS}, content='tickets', "
    "content_rowid='id', tokenize='trigram')",
    "INSERT INTO tickets_fts(tickets_fts) VALUES ('rebuild')",
    *_sqlite_triggers(tail=False),
]

# characters, then the pairs starting at odd and at even positions: regexp_replace marks
# the end of each pair with U+FFFF and string_to_array cuts there (a value holding U+FFFF
# loses only the pairs that contain it; GIN drops the duplicates)
PG_FUNCTION = r"""
CREATE FUNCTION tickets_search_grams(number text, business text, phenomenon text)
RETURNS text[] LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE COST 1000 AS $$
DECLARE
  v text;
  low text;
  grams text[] := '{}';
BEGIN
  FOREACH v IN ARRAY ARRAY[number, business, phenomenon] LOOP
    CONTINUE WHEN v IS NULL;
    low := lower(v);
    grams := grams || string_to_array(low, NULL)
      || string_to_array(regexp_replace(low, '(..)', E'\\1\uFFFF', 'g'), E'\uFFFF')
      || string_to_array(regexp_replace(substr(low, 2), '(..)', E'\\1\uFFFF', 'g'),
                         E'\uFFFF');
  END LOOP;
  RETURN array_remove(grams, '');
END
$$
"""

PG_UP = [
    PG_FUNCTION,
    "CREATE INDEX ix_tickets_search_grams ON tickets USING gin "
    "(tickets_search_grams(number, affected_business, phenomenon))",
    # the planner's estimate for a term comes from the statistics of the index expression
    "ANALYZE tickets",
]

PG_DOWN = [
    "DROP INDEX IF EXISTS ix_tickets_search_grams",
    "DROP FUNCTION IF EXISTS tickets_search_grams(text, text, text)",
]


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    for statement in SQLITE_UP if dialect == "sqlite" else PG_UP:
        op.execute(statement)


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    for statement in SQLITE_DOWN if dialect == "sqlite" else PG_DOWN:
        op.execute(statement)
