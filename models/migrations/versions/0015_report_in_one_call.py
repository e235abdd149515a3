"""a report in one call on PostgreSQL: desk_report()

``desk_report`` (SECURITY DEFINER, fixed search_path, owned by whoever runs the
migrations: the database owner) stores a new fault the way ``desk.process.reporting``
does on SQLite, in one round trip: it checks the caller and the row, takes the number
(the counter upsert, the last thing before the inserts: its row stays locked until
COMMIT and every desk reporting the same type that day waits for it), inserts the
ticket and its ``report`` event and queues the live notice (``pg_notify``). The ticket's
values, the SLA deadlines and the event's ``changes`` are still computed by the
application (one source of truth); the function checks them:

- the caller is an active person of this desk (``session_user``); the ticket's
  ``reported_by_id`` and the event's actor are that person and the event's time is the
  server's ``now()``, as the triggers of 0013 set them for a direct insert; naming
  another person as the actor is refused. The database owner (who may do anything
  anyway) names the actor and the time, as the owner's direct inserts do;
- a new fault sets only what a report says (status ``reported``, version 1, every other
  column empty), with a known type and level and the required texts;
- the number carries the day of the report (within a day of its UTC date: the desk's
  time zone decides which) and its format is ``desk_number`` (``desk.rules.numbering``
  holds the same; a test compares them);
- the event's ``changes`` say what is stored: every ``after`` is the stored value of its
  column, every ``before`` is null; the number is added here, and the text is what the
  application's ``JSONText`` stores (sorted keys).

Inside the function the BEFORE triggers of 0013 see the owner and let the rows pass;
the deferred checks of 0013 (a ticket needs its ``report`` event, a number is taken only
by reporting) still run at COMMIT as the person. Grants: not ``PUBLIC``; the group role
of this database (``desk db init`` grants every function to it again).

The helpers of 0013 that every trigger calls (``desk_is_owner``, ``desk_actor``, ...)
become plpgsql with the same queries, so that their plans are cached per session.

SQLite keeps the application's statements: nothing is created there.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-03

"""
from collections.abc import Sequence

from alembic import op

from models.vocabulary import FaultLevel, FaultType

# revision identifiers, used by Alembic.
revision: str = "0015"
down_revision: str | Sequence[str] | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

FAULT_TYPES = "ARRAY[" + ", ".join(f"'{t.value}'" for t in FaultType) + "]::text[]"
LEVELS = "ARRAY[" + ", ".join(str(int(level)) for level in FaultLevel) + "]::integer[]"
# the columns a report sets; every other column of a new fault starts empty
REPORT_COLUMNS = (
    "id", "version", "status", "number", "fault_type", "level", "occurred_at", "restored_at",
    "reporter_name", "reporter_employee_no", "reporter_contact", "affected_business",
    "impact_scope", "business_interrupted", "reported_at", "reported_by_id", "phenomenon",
    "reproduce_steps", "respond_due_at", "restore_due_at", "respond_due_estimated",
    "restore_due_estimated",
)
# what the event of every report records at least
RECORDED = ("status", "fault_type", "level", "occurred_at", "reported_at", "reporter_name",
            "affected_business", "phenomenon")
SIGNATURE = "desk_report(jsonb, jsonb, date, integer)"


def _array(names: Sequence[str]) -> str:
    return "ARRAY[" + ", ".join(f"'{n}'" for n in names) + "]::text[]"


PG_FUNCTIONS = [
    # desk.rules.numbering.format_number: TYPE-YYYYMMDD-NNN, at least three digits
    """
    CREATE OR REPLACE FUNCTION desk_number(p_type text, p_day date, p_seq integer) RETURNS text
    LANGUAGE sql IMMUTABLE SET search_path = public, pg_temp AS $$
        SELECT p_type || '-' || to_char(p_day, 'YYYYMMDD') || '-'
               || CASE WHEN p_seq BETWEEN 0 AND 999 THEN lpad(p_seq::text, 3, '0')
                       ELSE p_seq::text END
    $$
    """,
    # {field: {before, after}} as models.base.JSONText writes it (json.dumps, sort_keys)
    """
    CREATE OR REPLACE FUNCTION desk_changes_text(p_changes jsonb) RETURNS text
    LANGUAGE sql IMMUTABLE SET search_path = public, pg_temp AS $$
        SELECT '{' || coalesce(string_agg(
                   to_jsonb(e.k)::text || ': {"after": ' || (e.v -> 'after')::text
                   || ', "before": ' || (e.v -> 'before')::text || '}',
                   ', ' ORDER BY e.k COLLATE "C"), '') || '}'
        FROM jsonb_each(p_changes) AS e(k, v)
    $$
    """,
    f"""
    CREATE OR REPLACE FUNCTION desk_report(
        p_ticket jsonb, p_changes jsonb, p_day date, p_actor integer DEFAULT NULL,
        OUT o_id integer, OUT o_number text, OUT o_reported_by integer,
        OUT o_reporter_name text, OUT o_reporter_no text
    )
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
    DECLARE
        me integer := desk_actor();
        by_owner boolean := pg_has_role(session_user,
            (SELECT relowner FROM pg_class WHERE oid = 'public.tickets'::regclass), 'MEMBER');
        t tickets;
        said jsonb;
        stored jsonb;
        at_ timestamptz;
        seq integer;
        bad text;
    BEGIN
        -- who reports: the person of the login; only the owner names someone
        IF by_owner THEN
            o_reported_by := p_actor;
            at_ := (p_ticket ->> 'reported_at')::timestamptz;
        ELSE
            IF me IS NULL THEN
                PERFORM desk_me();  -- refuses: not an active person of this desk
            END IF;
            -- the service files a matched sender's mail as itself (as the insert trigger
            -- of 0013 makes any desk's row its own): the sender stays the row's reporter
            IF p_actor IS NOT NULL AND p_actor IS DISTINCT FROM me AND NOT desk_is_service()
            THEN
                PERFORM desk_refuse(format('%s reports only as themselves, not as person %s '
                                           '(只能以本人身份报障)', session_user, p_actor));
            END IF;
            o_reported_by := me;
            at_ := now();
        END IF;
        IF p_ticket IS NULL OR jsonb_typeof(p_ticket) <> 'object'
           OR p_changes IS NULL OR jsonb_typeof(p_changes) <> 'object' THEN
            PERFORM desk_refuse('a report is a ticket and its changes');
        END IF;
        -- the row: only what a report says, everything else empty
        t := jsonb_populate_record(NULL::tickets, p_ticket);
        t.status := 'reported';
        t.version := 1;
        t.reported_by_id := o_reported_by;
        stored := to_jsonb(t);
        SELECT string_agg(c.key, ', ' ORDER BY c.key) INTO bad FROM jsonb_each(stored) c
        WHERE c.key <> ALL ({_array(REPORT_COLUMNS)})
          AND c.value NOT IN ('null'::jsonb, '""'::jsonb, 'false'::jsonb, '0'::jsonb);
        IF bad IS NOT NULL THEN
            PERFORM desk_refuse(format('a new fault sets only what a report says, not %s', bad));
        END IF;
        IF t.fault_type IS NULL OR NOT t.fault_type = ANY({FAULT_TYPES})
           OR t.level IS NULL OR NOT t.level = ANY({LEVELS}) THEN
            PERFORM desk_refuse(format('unknown fault type or level: %s, %s',
                                       t.fault_type, t.level));
        END IF;
        IF coalesce(btrim(t.affected_business), '') = '' OR coalesce(btrim(t.phenomenon), '') = ''
           OR coalesce(btrim(t.reporter_name), '') = ''
           OR t.occurred_at IS NULL OR t.reported_at IS NULL THEN
            PERFORM desk_refuse('a report needs the business, the phenomenon, who noticed it '
                                'and when');
        END IF;
        IF p_day IS NULL OR abs(p_day - (t.reported_at AT TIME ZONE 'UTC')::date) > 1 THEN
            PERFORM desk_refuse(format('a number carries the day of its report, not %s', p_day));
        END IF;
        -- the event says what is stored
        IF p_changes ? 'number' OR p_changes ? 'id' OR NOT p_changes ?& {_array(RECORDED)} THEN
            PERFORM desk_refuse('the event of a report records its fields (the number is '
                                'added by the database)');
        END IF;
        said := to_jsonb(jsonb_populate_record(NULL::tickets,
            (SELECT jsonb_object_agg(e.k, e.v -> 'after') FROM jsonb_each(p_changes) e(k, v))));
        SELECT string_agg(e.k, ', ' ORDER BY e.k) INTO bad FROM jsonb_each(p_changes) e(k, v)
        WHERE NOT stored ? e.k
           OR e.v IS DISTINCT FROM jsonb_build_object('before', NULL, 'after', e.v -> 'after')
           OR (said -> e.k) IS DISTINCT FROM (stored -> e.k);
        IF bad IS NOT NULL THEN
            PERFORM desk_refuse(format('the event of a report must say what is stored: %s', bad));
        END IF;
        IF o_reported_by IS NOT NULL THEN  -- for the view the caller returns
            SELECT p.name, p.employee_no INTO o_reporter_name, o_reporter_no
            FROM people p WHERE p.id = o_reported_by;
        END IF;
        -- last of all the number: the counter row stays locked until COMMIT
        INSERT INTO number_counters AS c (fault_type, day, last_seq)
        VALUES (t.fault_type, p_day, 1)
        ON CONFLICT (fault_type, day) DO UPDATE SET last_seq = c.last_seq + 1
        RETURNING c.last_seq INTO seq;
        t.number := desk_number(t.fault_type, p_day, seq);
        t.id := nextval(pg_get_serial_sequence('public.tickets', 'id'));
        INSERT INTO tickets VALUES (t.*);
        INSERT INTO events (ticket_id, actor_id, at, action, changes, details, reason)
        VALUES (t.id, o_reported_by, at_, 'report',
                desk_changes_text(p_changes || jsonb_build_object(
                    'number', jsonb_build_object('before', NULL, 'after', t.number))),
                '{{}}', '');
        -- desk.notify.live: the other desks hear of it when (and if) this commits
        PERFORM pg_notify('desk_tickets', format('{{"id": %s, "version": %s}}', t.id, t.version));
        o_id := t.id;
        o_number := t.number;
    END
    $$
    """,
    f"REVOKE ALL ON FUNCTION {SIGNATURE} FROM PUBLIC",
    # a database already set up for a team: its people may report through it at once
    f"""
    DO $do$ BEGIN
        IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = desk_group_role()) THEN
            EXECUTE format('GRANT EXECUTE ON FUNCTION {SIGNATURE} TO %I', desk_group_role());
        END IF;
    END $do$
    """,
]

PG_FUNCTION_NAMES = [SIGNATURE, "desk_changes_text(jsonb)", "desk_number(text, date, integer)"]

# The helpers of 0013 that every trigger calls, as plpgsql: the same query, but planned
# once per session. As LANGUAGE sql with a SET clause they cannot be inlined and were
# planned again at every call (about half a millisecond for desk_is_owner, with its
# pg_roles view), several times for every row a desk writes.
HELPERS = {
    "desk_is_owner()": ("boolean", """
        pg_has_role(current_user,
                    (SELECT relowner FROM pg_class WHERE oid = 'public.people'::regclass),
                    'MEMBER')
        OR coalesce((SELECT rolsuper FROM pg_roles WHERE rolname = current_user), false)"""),
    # as 0014 made it: the service's person is inactive (it cannot sign in to the window),
    # yet its own login is recognised through the service group
    "desk_actor()": ("integer", """
        (SELECT id FROM people WHERE db_login = session_user
           AND (active OR (employee_no = 'DESK-SVC' AND desk_service_member())))"""),
    "desk_has_role(p integer, r text)": ("boolean", """
        EXISTS (SELECT 1 FROM person_roles WHERE person_id = p AND role = r)"""),
    "desk_is_admin(p integer)": ("boolean", """
        EXISTS (SELECT 1 FROM people WHERE id = p AND active AND NOT service)
        AND desk_has_role(p, 'admin')"""),
    "desk_tx_actions(t integer)": ("text[]", """
        (SELECT coalesce(array_agg(action), '{}') FROM events
         WHERE ticket_id = t AND at = now() AND actor_id = desk_actor())"""),
    "desk_tx_has_event()": ("boolean", """
        EXISTS (SELECT 1 FROM events WHERE at = now() AND actor_id = desk_actor())"""),
}


def _helper(signature: str, language: str) -> str:
    returns, expression = HELPERS[signature]
    if language == "sql":
        body = f"SELECT {expression.strip()}"
    else:
        body = f"BEGIN RETURN {expression.strip()}; END"
    return (f"CREATE OR REPLACE FUNCTION {signature} RETURNS {returns} LANGUAGE {language} "
            f"STABLE SET search_path = public, pg_temp AS $$ {body} $$")


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for signature in HELPERS:
            op.execute(_helper(signature, "plpgsql"))
        for statement in PG_FUNCTIONS:
            op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for function in PG_FUNCTION_NAMES:
            op.execute(f"DROP FUNCTION IF EXISTS {function}")
        for signature in HELPERS:  # as 0013 and 0014 made them
            op.execute(_helper(signature, "sql"))
