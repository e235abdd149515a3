"""knowledge base search: trigram full-text index for Chinese text without spaces

On SQLite an FTS5 table ``kb_fts`` with the trigram tokenizer holds a copy of each
entry's searchable text (rowid = ``kb_entries.id``), kept in step by triggers on
``kb_entries``. On PostgreSQL ``pg_trgm`` GIN indexes serve ILIKE and similarity on the
same text (GIN on the whole document for ILIKE, GiST on the symptom and the business
for nearest-neighbour order). Neither is in the ORM: every object here is named ``kb_fts…`` and the
schema comparison skips those names.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-27

"""
from collections.abc import Sequence

from alembic import op

# revision identifiers, used by Alembic.
revision: str = '0004'
down_revision: str | Sequence[str] | None = '0003'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# the same expression as desk.knowledge.PG_DOCUMENT: an index on an expression is only
# used by a query that spells the expression identically
PG_DOCUMENT = (
    "(title || ' ' || symptom || ' ' || affected_business || ' ' || root_cause || ' ' || "
    "temporary_solution || ' ' || long_term_solution || ' ' || prevention)"
)

_SQLITE_SOLUTION = (
    "new.root_cause || ' ' || new.temporary_solution || ' ' || "
    "new.long_term_solution || ' ' || new.prevention"
)
_SQLITE_INSERT = (
    "INSERT INTO kb_fts(rowid, title, symptom, business, solution) VALUES "
    f"(new.id, new.title, new.symptom, new.affected_business, {_SQLITE_SOLUTION});"
)


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        op.execute(
            "CREATE VIRTUAL TABLE kb_fts USING fts5("
            "title, symptom, business, solution, tokenize = 'trigram')"
        )
        op.execute(f"CREATE TRIGGER kb_fts_ai AFTER INSERT ON kb_entries BEGIN {_SQLITE_INSERT} END")
        op.execute(
            "CREATE TRIGGER kb_fts_au AFTER UPDATE ON kb_entries BEGIN "
            f"DELETE FROM kb_fts WHERE rowid = old.id; {_SQLITE_INSERT} END"
        )
        op.execute(
            "CREATE TRIGGER kb_fts_ad AFTER DELETE ON kb_entries BEGIN "
            "DELETE FROM kb_fts WHERE rowid = old.id; END"
        )
        op.execute(
            "INSERT INTO kb_fts(rowid, title, symptom, business, solution) "
            "SELECT id, title, symptom, affected_business, root_cause || ' ' || "
            "temporary_solution || ' ' || long_term_solution || ' ' || prevention "
            "FROM kb_entries"
        )
    elif bind.dialect.name == "postgresql":
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        op.execute(
            f"CREATE INDEX kb_fts_document_trgm ON kb_entries USING gin ({PG_DOCUMENT} gin_trgm_ops)"
        )
        # GiST: nearest-neighbour order (<->) for the similar-fault suggestions
        op.execute(
            "CREATE INDEX kb_fts_symptom_trgm ON kb_entries USING gist (symptom gist_trgm_ops)"
        )
        op.execute(
            "CREATE INDEX kb_fts_business_trgm ON kb_entries USING gist "
            "(affected_business gist_trgm_ops)"
        )


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        for trigger in ("kb_fts_ai", "kb_fts_au", "kb_fts_ad"):
            op.execute(f"DROP TRIGGER IF EXISTS {trigger}")
        op.execute("DROP TABLE IF EXISTS kb_fts")
    elif bind.dialect.name == "postgresql":
        for index in ("kb_fts_document_trgm", "kb_fts_symptom_trgm", "kb_fts_business_trgm"):
            op.execute(f"DROP INDEX IF EXISTS {index}")
        # the extension stays: other objects of the server may use it
