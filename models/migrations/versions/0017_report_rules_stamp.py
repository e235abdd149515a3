"""a report commits with its call: desk_report checks the rules the desk computed with

On PostgreSQL a desk now keeps the rules its deadlines are computed from (time zone,
SLA limits, duty hours, calendar revision) between reports instead of reading them in
every report, and ``desk_report`` commits in the same round trip as the call
(``desk.db.execute_and_commit``). So that a desk can never store deadlines computed
from rules an administrator has since changed, it passes the keys it read and what it
read of them: ``{key: xmin}`` of those rows of ``settings`` (a row's ``xmin`` changes
with every update, a new row has its own, a deleted row is missing), and the function
compares that with the table before anything is written. A mismatch raises SQLSTATE
``DKR01``; the desk then reads the rules again and reports once more. A call without
the keys (the owner, scripts, the tests of 0015) is not checked: the stamp protects a
desk from its own stale cache, not the database from a person (the deadlines were
never the database's to check).

``p_announce`` (default true): false leaves the live notice to the caller, which sends
it in the same message right after the COMMIT, as a transaction of its own
(``desk.process.reporting``). A transaction that notifies takes PostgreSQL's one
notification lock from its commit to its end, WAL flush included: every report's
commit waited for every other's, and the counter rows with them (the notification-only
transaction writes no WAL and holds that lock only for a moment). The notice is a
convenience for the other desks, not a record: a caller that leaves it out only makes
them see the fault at their next refresh.

The function's body is otherwise the one of 0015 (its text is taken from there).
``desk_number`` and ``desk_changes_text``, which it calls for every report, become
plpgsql with the same expressions: as LANGUAGE sql with a SET clause they were planned
again at every call (a sixth of the function's time).

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-08

"""
import importlib
from collections.abc import Sequence

from alembic import op

revision: str = "0017"
down_revision: str | Sequence[str] | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_0015 = importlib.import_module("models.migrations.versions.0015_report_in_one_call")

OLD = "desk_report(jsonb, jsonb, date, integer)"
NEW = "desk_report(jsonb, jsonb, date, integer, text[], jsonb, boolean)"
RULES_CHANGED = "DKR01"

_PARAMS = "p_actor integer DEFAULT NULL,\n"
_CHECKED = ("            PERFORM desk_refuse('a report is a ticket and its changes');\n"
            "        END IF;\n")
_NOTIFY = ("        PERFORM pg_notify('desk_tickets', format('{\"id\": %s, \"version\": %s}', "
           "t.id, t.version));\n")
_STAMP = f"""
        -- the rules the deadlines were computed with are the rules in force
        IF p_rule_keys IS NOT NULL AND p_rule_stamp IS DISTINCT FROM (
               SELECT coalesce(jsonb_object_agg(s.key, s.xmin::text), '{{}}'::jsonb)
               FROM settings s WHERE s.key = ANY (p_rule_keys)) THEN
            RAISE EXCEPTION 'desk: the deadline rules changed since this desk read them '
                            '(时限规则已更改，请重试)' USING ERRCODE = '{RULES_CHANGED}';
        END IF;
"""


def _function() -> str:
    body: str = _0015.PG_FUNCTIONS[2]
    assert body.count(_PARAMS) == 1 and body.count(_CHECKED) == 1 \
        and body.count(_NOTIFY) == 1, "0015 is not as expected"
    return (body.replace(_PARAMS, _PARAMS + "        p_rule_keys text[] DEFAULT NULL, "
                         "p_rule_stamp jsonb DEFAULT NULL, p_announce boolean DEFAULT true,\n")
            .replace(_CHECKED, _CHECKED + _STAMP)
            .replace(_NOTIFY, "        IF p_announce THEN\n    " + _NOTIFY + "        END IF;\n"))


# the helpers of 0015, as plpgsql (planned once per session); the same expressions
HELPERS = {
    "desk_number(p_type text, p_day date, p_seq integer)": ("text IMMUTABLE", """
        RETURN p_type || '-' || to_char(p_day, 'YYYYMMDD') || '-'
               || CASE WHEN p_seq BETWEEN 0 AND 999 THEN lpad(p_seq::text, 3, '0')
                       ELSE p_seq::text END;"""),
    "desk_changes_text(p_changes jsonb)": ("text IMMUTABLE", """
        RETURN (SELECT '{' || coalesce(string_agg(
                   to_jsonb(e.k)::text || ': {"after": ' || (e.v -> 'after')::text
                   || ', "before": ' || (e.v -> 'before')::text || '}',
                   ', ' ORDER BY e.k COLLATE "C"), '') || '}'
                FROM jsonb_each(p_changes) AS e(k, v));"""),
}


def _helper(signature: str) -> str:
    returns, body = HELPERS[signature]
    return (f"CREATE OR REPLACE FUNCTION {signature} RETURNS {returns} LANGUAGE plpgsql "
            f"SET search_path = public, pg_temp AS $$ BEGIN {body.strip()} END $$")


def _grants(signature: str) -> list[str]:
    return [
        f"REVOKE ALL ON FUNCTION {signature} FROM PUBLIC",
        f"""
        DO $do$ BEGIN
            IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = desk_group_role()) THEN
                EXECUTE format('GRANT EXECUTE ON FUNCTION {signature} TO %I',
                               desk_group_role());
            END IF;
        END $do$
        """,
    ]


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for signature in HELPERS:
            op.execute(_helper(signature))
        op.execute(f"DROP FUNCTION IF EXISTS {OLD}")
        op.execute(_function())
        for statement in _grants(NEW):
            op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"DROP FUNCTION IF EXISTS {NEW}")
        for statement in _0015.PG_FUNCTIONS:  # the helpers as 0015 made them, and the function
            if "REVOKE" not in statement and "DO $do$" not in statement:
                op.execute(statement)
        for statement in _grants(OLD):
            op.execute(statement)
