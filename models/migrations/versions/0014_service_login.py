"""the team's service connects with a login of its own, which may do what it does and no more

``desk serve`` used to connect as the database owner. From here it may connect as the
login of the service's own person (``DESK-SVC``), made by the owner with ``desk db
service-login`` (``desk_service_login``). That login is a member of the group role
``desk_<db>_r_service`` only (not of ``desk_<db>``): ``desk db init`` and
``desk_service_login`` give that group exactly the privileges the service uses
(``desk_service_grants``), and the triggers of migration 0013 learn what it may write:

- events: its actor and time are the server's, like everybody's; only the actions the
  service records (``SERVICE_ACTIONS``: a fault filed from an alert or a mail, its
  evidence, notes, the restore time an alert's resolution gives, the reporter's answer
  resuming a paused fault, and the delivery of the outbox);
- tickets: never a change of state; a paused fault resumed with its ``resume`` event
  (only the pause and deadline columns), an alert's restore time with its
  ``intake_restore`` event (only ``restored_at``, only when there was none);
- pauses: only closed, by the service itself, with its ``resume``; no team, steps,
  verification items, knowledge base, problems, action items or links;
- the outbox: queued (SLA warnings need no event of the service), claimed and marked
  sent or failed; never its recipients, subject or body, and never deleted;
- settings: the service's heartbeat only; the intake log appended to; alert links
  added and counted;
- the service's person (and its roles) are kept by the database owner: no
  administrator may change them, so nobody gives the service's login a Desk role.

The service's person stays inactive (it cannot sign in to the window); its login is
recognised by ``desk_actor`` through the service group.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-03

"""
import importlib
from collections.abc import Sequence

from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0014"
down_revision: str | Sequence[str] | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SERVICE_NO = "DESK-SVC"
SERVICE_ACTIONS = ("report", "attach", "intake_note", "intake_restore", "resume",
                   "mail_sent", "mail_failed", "chat_sent", "chat_failed")
# the columns a resume changes (the pause ends, the deadlines move by the paused time)
RESUME_COLUMNS = ("paused_at", "pause_reason", "respond_due_at", "restore_due_at",
                  "respond_due_estimated", "restore_due_estimated")
# what delivering changes of an outbox row; its content never changes
DELIVERY_COLUMNS = ("status", "attempts", "next_attempt_at", "claimed_by", "claimed_until",
                    "sent_at", "last_error")


def _array(values: Sequence[str]) -> str:
    return "ARRAY[" + ", ".join(f"'{v}'" for v in values) + "]::text[]"


_OLD = importlib.import_module("models.migrations.versions.0013_database_is_the_boundary")


def _old(name: str) -> str:
    """The 0013 text of the function ``name`` (what the downgrade restores)."""
    found = [s for s in _OLD.PG_FUNCTIONS if f"CREATE OR REPLACE FUNCTION {name}(" in s]
    assert len(found) == 1, name
    return str(found[0])


def _patched(name: str, anchor: str, insert: str) -> str:
    """The 0013 function ``name`` with ``insert`` placed right after ``anchor``."""
    body = _old(name)
    assert body.count(anchor) == 1, (name, anchor)
    return body.replace(anchor, anchor + insert)


SERVICE_REFUSE = "PERFORM desk_refuse('{what} (服务登录名无权{zh})');"

PG_FUNCTIONS = [
    """
    CREATE OR REPLACE FUNCTION desk_service_member() RETURNS boolean
    LANGUAGE sql STABLE SET search_path = public, pg_temp AS $$
        SELECT coalesce((SELECT pg_has_role(session_user, r.oid, 'MEMBER') FROM pg_roles r
                         WHERE r.rolname = desk_group_role('service')), false)
    $$
    """,
    f"""
    CREATE OR REPLACE FUNCTION desk_is_service() RETURNS boolean
    LANGUAGE sql STABLE SET search_path = public, pg_temp AS $$
        SELECT EXISTS (SELECT 1 FROM people WHERE db_login = session_user
                       AND employee_no = '{SERVICE_NO}')
           AND desk_service_member()
    $$
    """,
    # the service's person is inactive (no window, no sign-in) yet acts through its login
    f"""
    CREATE OR REPLACE FUNCTION desk_actor() RETURNS integer
    LANGUAGE sql STABLE SET search_path = public, pg_temp AS $$
        SELECT id FROM people WHERE db_login = session_user
           AND (active OR (employee_no = '{SERVICE_NO}' AND desk_service_member()))
    $$
    """,
    _patched("desk_events_guard", "NEW.at := now();\n", f"""
        IF desk_is_service() THEN
            IF NEW.action <> ALL({_array(SERVICE_ACTIONS)}) THEN
                PERFORM desk_refuse(format('the service''s login may not record %s '
                                           '(服务登录名无权记录此操作)', NEW.action));
            END IF;
            RETURN NEW;
        END IF;
"""),
    _patched("desk_tickets_check", "a new fault needs its report event');\n            END IF;\n"
             "            RETURN NULL;\n        END IF;\n", f"""
        IF desk_is_service() THEN
            SELECT coalesce(array_agg(c.key), '{{}}') INTO changed
            FROM jsonb_each(to_jsonb(NEW)) c
            WHERE c.value IS DISTINCT FROM (to_jsonb(OLD) -> c.key) AND c.key <> 'version';
            IF NEW.status IS DISTINCT FROM OLD.status THEN
                PERFORM desk_refuse(format('the service''s login never changes the state of '
                                           'fault %s (服务登录名不能改变故障状态)', NEW.number));
            END IF;
            IF 'resume' = ANY(acts) AND OLD.paused_at IS NOT NULL AND NEW.paused_at IS NULL
               AND changed <@ {_array(RESUME_COLUMNS)}
               AND EXISTS (SELECT 1 FROM rule_transitions
                           WHERE name = 'resume' AND source = OLD.status) THEN
                RETURN NULL;
            END IF;
            IF 'intake_restore' = ANY(acts) AND OLD.restored_at IS NULL
               AND changed <@ ARRAY['restored_at']::text[] THEN
                RETURN NULL;
            END IF;
            IF cardinality(changed) = 0 AND cardinality(acts) > 0 THEN
                RETURN NULL;
            END IF;
            PERFORM desk_refuse(format('the service''s login may not change %s of fault %s '
                                       '(服务登录名无权修改)', changed, NEW.number));
        END IF;
"""),
    _patched("desk_step_rows_check", "PERFORM desk_me();\n", """
        IF desk_is_service() THEN
            IF TG_TABLE_NAME = 'ticket_pauses' AND TG_OP = 'UPDATE' THEN
                IF 'resume' = ANY(desk_tx_actions(NEW.ticket_id)) AND OLD.ended_at IS NULL
                   AND NEW.ended_by_id IS NOT DISTINCT FROM desk_actor()
                   AND (to_jsonb(NEW) - 'ended_at' - 'ended_by_id')
                       = (to_jsonb(OLD) - 'ended_at' - 'ended_by_id') THEN
                    RETURN NULL;
                END IF;
            END IF;
            PERFORM desk_refuse(format('the service''s login may not change %s '
                                       '(服务登录名无权修改)', TG_TABLE_NAME));
        END IF;
"""),
    _patched("desk_admin_only", "            RETURN NEW;\n        END IF;\n", """
        IF desk_is_service() THEN
            IF TG_OP = 'INSERT' THEN
                IF TG_TABLE_NAME IN ('intake_log', 'alert_links')
                   OR (TG_TABLE_NAME = 'settings'
                       AND to_jsonb(NEW) ->> 'key' = 'service.heartbeat') THEN
                    RETURN NEW;
                END IF;
            ELSIF TG_OP = 'UPDATE' THEN
                IF (TG_TABLE_NAME = 'settings'
                    AND to_jsonb(OLD) ->> 'key' = 'service.heartbeat'
                    AND to_jsonb(NEW) ->> 'key' = 'service.heartbeat')
                   OR (TG_TABLE_NAME = 'alert_links'
                       AND (to_jsonb(NEW) - 'firings' - 'resolved_at')
                           = (to_jsonb(OLD) - 'firings' - 'resolved_at')) THEN
                    RETURN NEW;
                END IF;
            END IF;
            PERFORM desk_refuse(format('the service''s login may not change %s '
                                       '(服务登录名无权修改)', TG_TABLE_NAME));
        END IF;
"""),
    _patched("desk_outbox_write", "            RETURN NEW;\n        END IF;\n", f"""
        IF desk_is_service() THEN
            IF TG_OP = 'INSERT' THEN RETURN NEW; END IF;
            IF TG_OP = 'UPDATE' AND (to_jsonb(NEW) - {_array(DELIVERY_COLUMNS)})
                                    = (to_jsonb(OLD) - {_array(DELIVERY_COLUMNS)}) THEN
                RETURN NEW;
            END IF;
            PERFORM desk_refuse('the service''s login only queues and delivers the outbox, '
                                'it never changes or removes a message '
                                '(服务登录名只能投递发件箱中的消息)');
        END IF;
"""),
    # the service queues SLA warnings by itself, with no event; nothing else without one
    _patched("desk_with_event_check", "IF desk_is_owner() THEN RETURN NULL; END IF;\n", """
        IF desk_is_service() THEN
            IF TG_TABLE_NAME = 'outbox' THEN RETURN NULL; END IF;
            PERFORM desk_refuse(format('the service''s login may not change %s '
                                       '(服务登录名无权修改)', TG_TABLE_NAME));
        END IF;
"""),
    # the service's person and its roles are the database owner's
    f"""
    CREATE OR REPLACE FUNCTION desk_service_person_guard() RETURNS trigger
    LANGUAGE plpgsql SET search_path = public, pg_temp AS $$
    DECLARE
        who integer;
        no text;
    BEGIN
        IF pg_has_role(session_user,
                       (SELECT relowner FROM pg_class WHERE oid = 'public.people'::regclass),
                       'MEMBER') THEN
            IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
            RETURN NEW;
        END IF;
        IF TG_TABLE_NAME = 'people' THEN
            IF TG_OP = 'DELETE' THEN no := OLD.employee_no; ELSE no := NEW.employee_no; END IF;
            IF no = '{SERVICE_NO}' OR (TG_OP = 'UPDATE' AND OLD.employee_no = '{SERVICE_NO}')
            THEN
                PERFORM desk_refuse('the service''s person is kept by the database owner '
                                    '(服务人员只能由数据库所有者维护)');
            END IF;
        ELSE
            IF TG_OP = 'DELETE' THEN who := OLD.person_id; ELSE who := NEW.person_id; END IF;
            IF EXISTS (SELECT 1 FROM people WHERE id = who AND employee_no = '{SERVICE_NO}') THEN
                PERFORM desk_refuse('the service''s person holds no Desk role '
                                    '(服务人员不能持有角色)');
            END IF;
        END IF;
        IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
        RETURN NEW;
    END
    $$
    """,
    "CREATE TRIGGER people_service_guard BEFORE INSERT OR UPDATE OR DELETE ON people "
    "FOR EACH ROW EXECUTE FUNCTION desk_service_person_guard()",
    "CREATE TRIGGER person_roles_service_guard BEFORE INSERT OR UPDATE OR DELETE ON "
    "person_roles FOR EACH ROW EXECUTE FUNCTION desk_service_person_guard()",
    # exactly the privileges the service uses; run again by every `desk db init`
    f"""
    CREATE OR REPLACE FUNCTION desk_service_grants() RETURNS void
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
    DECLARE
        g text := desk_group_role('service');
        t text;
    BEGIN
        IF NOT pg_has_role(session_user,
                           (SELECT relowner FROM pg_class WHERE oid = 'public.people'::regclass),
                           'MEMBER') THEN
            PERFORM desk_refuse('only the database owner sets up the service''s login '
                                '(只有数据库所有者可以设置服务登录名)');
        END IF;
        IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = g) THEN
            EXECUTE format('CREATE ROLE %I NOLOGIN', g);
        END IF;
        EXECUTE format('ALTER ROLE %I NOLOGIN', g);
        EXECUTE format('GRANT CONNECT ON DATABASE %I TO %I', current_database(), g);
        EXECUTE format('GRANT USAGE ON SCHEMA public TO %I', g);
        EXECUTE format('REVOKE ALL ON ALL TABLES IN SCHEMA public FROM %I', g);
        EXECUTE format('GRANT SELECT ON ALL TABLES IN SCHEMA public TO %I', g);
        EXECUTE format('REVOKE ALL ON ALL SEQUENCES IN SCHEMA public FROM %I', g);
        EXECUTE format('GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO %I', g);
        EXECUTE format('GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA public TO %I', g);
        EXECUTE format('GRANT INSERT (ticket_id, actor_id, at, action, changes, details, '
                       'reason) ON events TO %I', g);
        FOREACH t IN ARRAY ARRAY['tickets', 'attachments', 'number_counters', 'settings',
                                 'alert_links'] LOOP
            EXECUTE format('GRANT INSERT, UPDATE ON %I TO %I', t, g);
        END LOOP;
        FOREACH t IN ARRAY ARRAY['attachment_chunks', 'intake_log', 'outbox'] LOOP
            EXECUTE format('GRANT INSERT ON %I TO %I', t, g);
        END LOOP;
        EXECUTE format('GRANT UPDATE (ended_at, ended_by_id) ON ticket_pauses TO %I', g);
        EXECUTE format('GRANT UPDATE (%s) ON outbox TO %I',
                       array_to_string({_array(DELIVERY_COLUMNS)}, ', '), g);
    END
    $$
    """,
    # the owner makes (or repairs) the service's person and login; returns the login
    f"""
    CREATE OR REPLACE FUNCTION desk_service_login(p_verifier text DEFAULT NULL) RETURNS text
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
    DECLARE
        pid integer;
        login text;
        r text;
        is_new boolean := false;
    BEGIN
        IF NOT pg_has_role(session_user,
                           (SELECT relowner FROM pg_class WHERE oid = 'public.people'::regclass),
                           'MEMBER') THEN
            PERFORM desk_refuse('only the database owner sets up the service''s login '
                                '(只有数据库所有者可以设置服务登录名)');
        END IF;
        IF p_verifier IS NOT NULL AND p_verifier NOT LIKE 'SCRAM-SHA-256$%' THEN
            PERFORM desk_refuse('a password is sent as a SCRAM-SHA-256 verifier, never clear');
        END IF;
        PERFORM desk_service_grants();
        SELECT id, db_login INTO pid, login FROM people WHERE employee_no = '{SERVICE_NO}';
        IF pid IS NULL THEN
            INSERT INTO people (employee_no, name, contact, email, failed_logins, active,
                                service)
            VALUES ('{SERVICE_NO}', 'Desk 服务', '', '', 0, false, false)
            RETURNING id INTO pid;
        END IF;
        DELETE FROM person_roles WHERE person_id = pid;
        IF login IS NULL THEN
            login := desk_login_name('{SERVICE_NO}');
            IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = login) THEN
                login := left(login, 52) || '_' || pid;
            END IF;
            EXECUTE format('CREATE ROLE %I LOGIN', login);
            UPDATE people SET db_login = login WHERE id = pid;
            is_new := true;
        END IF;
        -- the service's privileges only: not those of every person, nor a Desk role's
        FOREACH r IN ARRAY array_prepend(NULL::text, {_OLD.ROLES}) LOOP
            IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = desk_group_role(r)) THEN
                EXECUTE format('REVOKE %I FROM %I', desk_group_role(r), login);
            END IF;
        END LOOP;
        EXECUTE format('GRANT %I TO %I', desk_group_role('service'), login);
        EXECUTE format('ALTER ROLE %I LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE '
                       'NOREPLICATION NOBYPASSRLS', login);
        IF p_verifier IS NOT NULL THEN
            EXECUTE format('ALTER ROLE %I PASSWORD %L', login, p_verifier);
        END IF;
        INSERT INTO events (ticket_id, actor_id, at, action, changes, details, reason)
        VALUES (NULL, NULL, now(), 'service_login', '{{}}',
                jsonb_build_object('db_login', login, 'created', is_new,
                                   'password_set', p_verifier IS NOT NULL)::text, '');
        RETURN login;
    END
    $$
    """,
]

PG_TRIGGERS = [("people", "people_service_guard"),
               ("person_roles", "person_roles_service_guard")]
PATCHED = ("desk_actor", "desk_events_guard", "desk_tickets_check", "desk_step_rows_check",
           "desk_admin_only", "desk_outbox_write", "desk_with_event_check")
NEW_FUNCTIONS = ("desk_service_login(text)", "desk_service_grants()",
                 "desk_service_person_guard()", "desk_is_service()", "desk_service_member()")


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for statement in PG_FUNCTIONS:
            op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for table, trigger in PG_TRIGGERS:
            op.execute(f"DROP TRIGGER IF EXISTS {trigger} ON {table}")
        for name in PATCHED:
            op.execute(_old(name))
        for function in NEW_FUNCTIONS:
            op.execute(f"DROP FUNCTION IF EXISTS {function}")
