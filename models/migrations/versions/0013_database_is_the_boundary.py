"""the database is the boundary: per-person logins, the process enforced by the server

Both backends get ``people.db_login`` (the PostgreSQL login a person connects as),
``people.service`` (an account for scripts) and the two rule tables the database checks
against: ``rule_transitions`` (transition, source, reachable state, role) and
``rule_edits`` (action, state, field, role). ``desk db init`` writes them from
``desk.rules.transitions.TRANSITIONS`` and the editing table (the migrations sit below
``desk`` and may not import it); a test compares them.

On PostgreSQL, for every session that is not the tables' owner (the database
administrator, who owns the schema and could drop any trigger anyway), triggers check
each write against those tables, with the person found from ``session_user``:

- an event's actor and time are set by the server (``desk_actor()``, ``now()``); an
  event of a transition needs a role that the transition allows;
- a ticket is created in ``reported`` at version 1 with its ``report`` event; a change
  raises the version by exactly one and needs its event in the same transaction
  (events of this transaction are the ones at ``now()`` by this person); a status change
  needs exactly one event of a transition that leads from the old state to the new one
  for a role the person holds; other field changes need an action (``edit``, a notice)
  that allows each changed field in the old state for the person's roles;
- team, steps and verification items change only with a transition's event;
- an attachment is stored once (its bytes only in the transaction that adds it) and
  never changes after, except its removal, which is checked and needs its event;
- number counters only go up by one, and only in a transaction that reports a fault;
- settings, notification rules, the calendar, group-chat channels and the intake's
  log and alert links are for administrators (the team's service runs as the owner or
  an administrator); an administrator's change of the SLA rules may move open
  deadlines with that change's event; the outbox is appended to with an event and
  changed by administrators; problems, action items and links between faults change
  only with an event of the same person; pauses only with a step of the process;
- people and roles change only through ``desk_save_person`` and ``desk_set_password``
  (SECURITY DEFINER, fixed search_path), which create and alter the login roles.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-01

"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from models.vocabulary import Role

# revision identifiers, used by Alembic.
revision: str = "0013"
down_revision: str | Sequence[str] | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ROLES = "ARRAY[" + ", ".join(f"'{r.value}'" for r in Role) + "]::text[]"

PG_FUNCTIONS = [
    # -- who is acting -----------------------------------------------------------------
    """
    CREATE OR REPLACE FUNCTION desk_is_owner() RETURNS boolean
    LANGUAGE sql STABLE SET search_path = public, pg_temp AS $$
        SELECT pg_has_role(current_user,
                           (SELECT relowner FROM pg_class WHERE oid = 'public.people'::regclass),
                           'MEMBER')
            OR coalesce((SELECT rolsuper FROM pg_roles WHERE rolname = current_user), false)
    $$
    """,
    """
    CREATE OR REPLACE FUNCTION desk_actor() RETURNS integer
    LANGUAGE sql STABLE SET search_path = public, pg_temp AS $$
        SELECT id FROM people WHERE db_login = session_user AND active
    $$
    """,
    """
    CREATE OR REPLACE FUNCTION desk_has_role(p integer, r text) RETURNS boolean
    LANGUAGE sql STABLE SET search_path = public, pg_temp AS $$
        SELECT EXISTS (SELECT 1 FROM person_roles WHERE person_id = p AND role = r)
    $$
    """,
    """
    CREATE OR REPLACE FUNCTION desk_is_admin(p integer) RETURNS boolean
    LANGUAGE sql STABLE SET search_path = public, pg_temp AS $$
        SELECT EXISTS (SELECT 1 FROM people WHERE id = p AND active AND NOT service)
           AND desk_has_role(p, 'admin')
    $$
    """,
    """
    CREATE OR REPLACE FUNCTION desk_refuse(msg text) RETURNS void
    LANGUAGE plpgsql AS $$
    BEGIN
        RAISE EXCEPTION 'desk refused: %', msg USING ERRCODE = 'insufficient_privilege';
    END
    $$
    """,
    """
    CREATE OR REPLACE FUNCTION desk_me() RETURNS integer
    LANGUAGE plpgsql STABLE SET search_path = public, pg_temp AS $$
    DECLARE me integer := desk_actor();
    BEGIN
        IF me IS NULL THEN
            PERFORM desk_refuse(format('the login %s is not an active person of this desk '
                                       '(此登录名不是本数据库的启用人员)', session_user));
        END IF;
        RETURN me;
    END
    $$
    """,
    # the actions this person recorded on a ticket in this transaction
    """
    CREATE OR REPLACE FUNCTION desk_tx_actions(t integer) RETURNS text[]
    LANGUAGE sql STABLE SET search_path = public, pg_temp AS $$
        SELECT coalesce(array_agg(action), '{}') FROM events
        WHERE ticket_id = t AND at = now() AND actor_id = desk_actor()
    $$
    """,
    """
    CREATE OR REPLACE FUNCTION desk_tx_has_event() RETURNS boolean
    LANGUAGE sql STABLE SET search_path = public, pg_temp AS $$
        SELECT EXISTS (SELECT 1 FROM events WHERE at = now() AND actor_id = desk_actor())
    $$
    """,
    # -- events -------------------------------------------------------------------------
    """
    CREATE OR REPLACE FUNCTION desk_events_guard() RETURNS trigger
    LANGUAGE plpgsql SET search_path = public, pg_temp AS $$
    DECLARE me integer;
    BEGIN
        IF desk_is_owner() THEN RETURN NEW; END IF;
        me := desk_me();
        NEW.actor_id := me;
        NEW.at := now();
        IF (SELECT service FROM people WHERE id = me)
           AND NEW.action NOT IN ('report', 'attach') THEN
            PERFORM desk_refuse(format('a service account may only report and attach, not %s',
                                       NEW.action));
        END IF;
        IF EXISTS (SELECT 1 FROM rule_transitions WHERE name = NEW.action)
           AND NOT EXISTS (SELECT 1 FROM rule_transitions r
                           JOIN person_roles pr ON pr.role = r.role AND pr.person_id = me
                           WHERE r.name = NEW.action) THEN
            PERFORM desk_refuse(format('%s holds no role that may %s', session_user,
                                       NEW.action));
        END IF;
        RETURN NEW;
    END
    $$
    """,
    "CREATE TRIGGER events_guard BEFORE INSERT ON events "
    "FOR EACH ROW EXECUTE FUNCTION desk_events_guard()",
    # -- tickets ------------------------------------------------------------------------
    """
    CREATE OR REPLACE FUNCTION desk_tickets_write() RETURNS trigger
    LANGUAGE plpgsql SET search_path = public, pg_temp AS $$
    DECLARE me integer;
    BEGIN
        IF desk_is_owner() THEN RETURN NEW; END IF;
        me := desk_me();
        IF TG_OP = 'INSERT' THEN
            IF NEW.status <> 'reported' OR NEW.version <> 1 THEN
                PERFORM desk_refuse('a new fault starts reported, at version 1');
            END IF;
            NEW.reported_by_id := me;
            RETURN NEW;
        END IF;
        IF NEW.version IS DISTINCT FROM OLD.version + 1 THEN
            PERFORM desk_refuse(format('a change raises the version by one (%s to %s, not %s)',
                                       OLD.version, OLD.version + 1, NEW.version));
        END IF;
        IF NEW.id <> OLD.id THEN PERFORM desk_refuse('a fault keeps its id'); END IF;
        RETURN NEW;
    END
    $$
    """,
    "CREATE TRIGGER tickets_write BEFORE INSERT OR UPDATE ON tickets "
    "FOR EACH ROW EXECUTE FUNCTION desk_tickets_write()",
    """
    CREATE OR REPLACE FUNCTION desk_tickets_check() RETURNS trigger
    LANGUAGE plpgsql SET search_path = public, pg_temp AS $$
    DECLARE
        me integer;
        acts text[];
        n integer;
        col text;
        changed text[];
    BEGIN
        IF desk_is_owner() THEN RETURN NULL; END IF;
        me := desk_me();
        acts := desk_tx_actions(NEW.id);
        IF TG_OP = 'INSERT' THEN
            IF NOT 'report' = ANY(acts) THEN
                PERFORM desk_refuse('a new fault needs its report event');
            END IF;
            RETURN NULL;
        END IF;
        IF cardinality(acts) = 0 THEN
            -- an administrator's change of the limits, duty hours, calendar or time zone
            -- moves open deadlines: allowed with that change's own event
            SELECT coalesce(array_agg(c.key), '{}') INTO changed
            FROM jsonb_each(to_jsonb(NEW)) c
            WHERE c.value IS DISTINCT FROM (to_jsonb(OLD) -> c.key) AND c.key <> 'version';
            IF cardinality(changed) > 0 AND changed <@ ARRAY['respond_due_at',
                   'restore_due_at', 'respond_due_estimated', 'restore_due_estimated']
               AND desk_is_admin(me) AND EXISTS (
                   SELECT 1 FROM events WHERE at = now() AND actor_id = me
                   AND ticket_id IS NULL AND action IN ('setting', 'calendar',
                                                        'calendar_import',
                                                        'calendar_complete')) THEN
                RETURN NULL;
            END IF;
            PERFORM desk_refuse(format('fault %s changed without its event', NEW.number));
        END IF;
        SELECT count(*) INTO n FROM unnest(acts) a
        WHERE a IN (SELECT name FROM rule_transitions);
        IF NEW.status IS DISTINCT FROM OLD.status THEN
            IF n <> 1 THEN
                PERFORM desk_refuse(format('a status change needs exactly one transition event, '
                                           'found %s', n));
            END IF;
        END IF;
        IF n > 0 THEN
            IF NOT EXISTS (
                SELECT 1 FROM rule_transitions r
                JOIN person_roles pr ON pr.role = r.role AND pr.person_id = me
                WHERE r.name = ANY(acts) AND r.target = NEW.status
                  AND (r.source = OLD.status OR OLD.status = NEW.status)) THEN
                PERFORM desk_refuse(format('%s may not take fault %s from %s to %s',
                                           session_user, NEW.number, OLD.status, NEW.status));
            END IF;
            RETURN NULL;
        END IF;
        SELECT coalesce(array_agg(c.key), '{}') INTO changed
        FROM jsonb_each(to_jsonb(NEW)) c
        WHERE c.value IS DISTINCT FROM (to_jsonb(OLD) -> c.key) AND c.key <> 'version';
        FOREACH col IN ARRAY changed LOOP
            IF NOT EXISTS (
                SELECT 1 FROM rule_edits e
                WHERE e.action = ANY(acts) AND e.status = OLD.status AND e.field = col
                  AND (desk_has_role(me, e.role)
                       OR (e.role = 'reporter' AND OLD.reported_by_id = me))) THEN
                PERFORM desk_refuse(format('%s may not change %s of fault %s while it is %s',
                                           session_user, col, NEW.number, OLD.status));
            END IF;
        END LOOP;
        RETURN NULL;
    END
    $$
    """,
    "CREATE CONSTRAINT TRIGGER tickets_check AFTER INSERT OR UPDATE ON tickets "
    "DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION desk_tickets_check()",
    # -- the rows of a step: team, implementation steps, verification items ------------
    """
    CREATE OR REPLACE FUNCTION desk_step_rows_check() RETURNS trigger
    LANGUAGE plpgsql SET search_path = public, pg_temp AS $$
    DECLARE t integer;
    BEGIN
        IF desk_is_owner() THEN RETURN NULL; END IF;
        PERFORM desk_me();
        IF TG_OP = 'DELETE' THEN t := OLD.ticket_id; ELSE t := NEW.ticket_id; END IF;
        IF NOT EXISTS (SELECT 1 FROM unnest(desk_tx_actions(t)) a
                       WHERE a IN (SELECT name FROM rule_transitions)) THEN
            PERFORM desk_refuse(format('%s of a fault change only with a step of the process',
                                       TG_TABLE_NAME));
        END IF;
        RETURN NULL;
    END
    $$
    """,
    *[
        f"CREATE CONSTRAINT TRIGGER {table}_check AFTER INSERT OR UPDATE OR DELETE ON {table} "
        "DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION desk_step_rows_check()"
        for table in ("team_members", "implementation_steps", "verification_items",
                      "ticket_pauses")
    ],
    # -- attachments ----------------------------------------------------------------------
    """
    CREATE OR REPLACE FUNCTION desk_attachments_write() RETURNS trigger
    LANGUAGE plpgsql SET search_path = public, pg_temp AS $$
    DECLARE me integer;
    BEGIN
        IF desk_is_owner() THEN RETURN NEW; END IF;
        me := desk_me();
        IF TG_OP = 'INSERT' THEN
            NEW.added_by_id := me;
            NEW.added_at := now();
            NEW.removed_at := NULL;
            NEW.removed_by_id := NULL;
            RETURN NEW;
        END IF;
        IF NEW.id <> OLD.id OR NEW.ticket_id <> OLD.ticket_id
           OR NEW.added_by_id <> OLD.added_by_id OR NEW.added_at <> OLD.added_at THEN
            PERFORM desk_refuse('an attachment keeps its fault, who added it and when');
        END IF;
        IF OLD.added_at = now() AND OLD.added_by_id = me AND OLD.removed_at IS NULL
           AND NEW.removed_at IS NULL AND NEW.removed_by_id IS NULL THEN
            RETURN NEW;  -- being stored in this transaction
        END IF;
        IF OLD.removed_at IS NULL AND NEW.removed_at IS NOT NULL
           AND (to_jsonb(NEW) - 'removed_at' - 'removed_by_id')
               = (to_jsonb(OLD) - 'removed_at' - 'removed_by_id') THEN
            IF NOT (OLD.added_by_id = me OR desk_has_role(me, 'support_lead')
                    OR desk_has_role(me, 'director')) THEN
                PERFORM desk_refuse('only who added it, a support lead or a director may remove '
                                    'an attachment');
            END IF;
            NEW.removed_by_id := me;
            NEW.removed_at := now();
            RETURN NEW;
        END IF;
        PERFORM desk_refuse(format('attachment %s cannot change once stored', OLD.id));
        RETURN NULL;
    END
    $$
    """,
    "CREATE TRIGGER attachments_write BEFORE INSERT OR UPDATE ON attachments "
    "FOR EACH ROW EXECUTE FUNCTION desk_attachments_write()",
    """
    CREATE OR REPLACE FUNCTION desk_attachments_check() RETURNS trigger
    LANGUAGE plpgsql SET search_path = public, pg_temp AS $$
    DECLARE need text;
    BEGIN
        IF desk_is_owner() THEN RETURN NULL; END IF;
        IF TG_OP = 'UPDATE' AND OLD.removed_at IS NULL AND NEW.removed_at IS NOT NULL THEN
            need := 'remove_attachment';
        ELSE
            need := 'attach';
        END IF;
        IF NOT need = ANY(desk_tx_actions(NEW.ticket_id)) THEN
            PERFORM desk_refuse(format('an attachment needs its %s event', need));
        END IF;
        RETURN NULL;
    END
    $$
    """,
    "CREATE CONSTRAINT TRIGGER attachments_check AFTER INSERT OR UPDATE ON attachments "
    "DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION desk_attachments_check()",
    """
    CREATE OR REPLACE FUNCTION desk_chunks_write() RETURNS trigger
    LANGUAGE plpgsql SET search_path = public, pg_temp AS $$
    BEGIN
        IF desk_is_owner() THEN RETURN NEW; END IF;
        IF NOT EXISTS (SELECT 1 FROM attachments a
                       WHERE a.id = NEW.attachment_id AND a.added_at = now()
                         AND a.added_by_id = desk_me() AND a.removed_at IS NULL) THEN
            PERFORM desk_refuse('the bytes of an attachment are stored only with it');
        END IF;
        RETURN NEW;
    END
    $$
    """,
    "CREATE TRIGGER attachment_chunks_write BEFORE INSERT ON attachment_chunks "
    "FOR EACH ROW EXECUTE FUNCTION desk_chunks_write()",
    # -- number counters ----------------------------------------------------------------
    """
    CREATE OR REPLACE FUNCTION desk_counters_write() RETURNS trigger
    LANGUAGE plpgsql SET search_path = public, pg_temp AS $$
    BEGIN
        IF desk_is_owner() THEN RETURN NEW; END IF;
        PERFORM desk_me();
        IF TG_OP = 'INSERT' AND NEW.last_seq <> 1 THEN
            PERFORM desk_refuse('a day''s numbers start at 1');
        END IF;
        IF TG_OP = 'UPDATE' AND (NEW.last_seq <> OLD.last_seq + 1
                                 OR NEW.fault_type <> OLD.fault_type OR NEW.day <> OLD.day) THEN
            PERFORM desk_refuse('a number counter only goes up by one, by reporting');
        END IF;
        RETURN NEW;
    END
    $$
    """,
    "CREATE TRIGGER number_counters_write BEFORE INSERT OR UPDATE ON number_counters "
    "FOR EACH ROW EXECUTE FUNCTION desk_counters_write()",
    # and only by reporting: the transaction that takes a number stores its report
    """
    CREATE OR REPLACE FUNCTION desk_counters_check() RETURNS trigger
    LANGUAGE plpgsql SET search_path = public, pg_temp AS $$
    BEGIN
        IF desk_is_owner() THEN RETURN NULL; END IF;
        IF NOT EXISTS (SELECT 1 FROM events WHERE action = 'report' AND at = now()
                       AND actor_id = desk_actor() AND ticket_id IS NOT NULL) THEN
            PERFORM desk_refuse('a number is taken only by reporting a fault');
        END IF;
        RETURN NULL;
    END
    $$
    """,
    "CREATE CONSTRAINT TRIGGER number_counters_check AFTER INSERT OR UPDATE ON "
    "number_counters DEFERRABLE INITIALLY DEFERRED FOR EACH ROW "
    "EXECUTE FUNCTION desk_counters_check()",
    # -- what administrators keep -------------------------------------------------------
    """
    CREATE OR REPLACE FUNCTION desk_admin_only() RETURNS trigger
    LANGUAGE plpgsql SET search_path = public, pg_temp AS $$
    BEGIN
        IF desk_is_owner() THEN
            IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
            RETURN NEW;
        END IF;
        IF NOT desk_is_admin(desk_me()) THEN
            PERFORM desk_refuse(format('only an administrator may change %s', TG_TABLE_NAME));
        END IF;
        IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
        RETURN NEW;
    END
    $$
    """,
    *[
        f"CREATE TRIGGER {table}_admin_only BEFORE INSERT OR UPDATE OR DELETE ON {table} "
        "FOR EACH ROW EXECUTE FUNCTION desk_admin_only()"
        for table in ("settings", "notification_rules", "calendar_days", "calendar_years",
                      "channels", "intake_log", "alert_links")
    ],
    # the outbox: a desk queues notices with the step that causes them; delivery, retries
    # and removal are for administrators (or the service's own login)
    """
    CREATE OR REPLACE FUNCTION desk_outbox_write() RETURNS trigger
    LANGUAGE plpgsql SET search_path = public, pg_temp AS $$
    BEGIN
        IF desk_is_owner() THEN
            IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
            RETURN NEW;
        END IF;
        IF TG_OP <> 'INSERT' AND NOT desk_is_admin(desk_me()) THEN
            PERFORM desk_refuse('only an administrator may change the outbox');
        END IF;
        IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
        RETURN NEW;
    END
    $$
    """,
    "CREATE TRIGGER outbox_write BEFORE INSERT OR UPDATE OR DELETE ON outbox "
    "FOR EACH ROW EXECUTE FUNCTION desk_outbox_write()",
    """
    CREATE OR REPLACE FUNCTION desk_with_event_check() RETURNS trigger
    LANGUAGE plpgsql SET search_path = public, pg_temp AS $$
    BEGIN
        IF desk_is_owner() THEN RETURN NULL; END IF;
        IF NOT desk_tx_has_event() THEN
            PERFORM desk_refuse(format('%s changes only with an event of the same person',
                                       TG_TABLE_NAME));
        END IF;
        RETURN NULL;
    END
    $$
    """,
    *[
        f"CREATE CONSTRAINT TRIGGER {table}_with_event AFTER INSERT OR UPDATE ON {table} "
        "DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION desk_with_event_check()"
        for table in ("outbox", "kb_entries", "kb_revisions", "problems", "action_items")
    ],
    # links between faults are also removed (unlinking, a related link made a duplicate)
    "CREATE CONSTRAINT TRIGGER ticket_links_with_event AFTER INSERT OR UPDATE OR DELETE ON "
    "ticket_links DEFERRABLE INITIALLY DEFERRED FOR EACH ROW "
    "EXECUTE FUNCTION desk_with_event_check()",
    """
    CREATE OR REPLACE FUNCTION desk_presence_write() RETURNS trigger
    LANGUAGE plpgsql SET search_path = public, pg_temp AS $$
    BEGIN
        IF desk_is_owner() THEN RETURN NEW; END IF;
        NEW.person_id := desk_me();
        RETURN NEW;
    END
    $$
    """,
    "CREATE TRIGGER presence_write BEFORE INSERT OR UPDATE ON presence "
    "FOR EACH ROW EXECUTE FUNCTION desk_presence_write()",
    # -- names of the roles of this database --------------------------------------------
    """
    CREATE OR REPLACE FUNCTION desk_db_tag() RETURNS text
    LANGUAGE sql STABLE SET search_path = public, pg_temp AS $$
        SELECT CASE WHEN s = current_database() AND length(s) <= 30 THEN s
                    ELSE left(s, 24) || '_' || left(md5(current_database()), 5) END
        FROM (SELECT regexp_replace(lower(current_database()), '[^a-z0-9_]', '_', 'g') AS s) x
    $$
    """,
    """
    CREATE OR REPLACE FUNCTION desk_group_role(r text DEFAULT NULL) RETURNS text
    LANGUAGE sql STABLE SET search_path = public, pg_temp AS $$
        SELECT 'desk_' || desk_db_tag() || coalesce('_r_' || r, '')
    $$
    """,
    """
    CREATE OR REPLACE FUNCTION desk_login_name(no text) RETURNS text
    LANGUAGE sql STABLE SET search_path = public, pg_temp AS $$
        SELECT desk_db_tag() || '_'
               || left(regexp_replace(lower(no), '[^a-z0-9_]', '_', 'g'), 32)
    $$
    """,
    # -- administration of people: the only way to change people and roles --------------
    f"""
    CREATE OR REPLACE FUNCTION desk_save_person(
        p_id integer, p_no text, p_name text, p_department text, p_contact text,
        p_email text, p_roles text[], p_active boolean, p_service boolean DEFAULT false,
        p_verifier text DEFAULT NULL
    ) RETURNS integer
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
    DECLARE
        me integer := desk_actor();
        by_owner boolean := pg_has_role(session_user,
            (SELECT relowner FROM pg_class WHERE oid = 'public.people'::regclass), 'MEMBER');
        pid integer := p_id;
        dept integer;
        login text;
        r text;
        is_new boolean := p_id IS NULL;
        before jsonb;
    BEGIN
        IF NOT by_owner AND NOT coalesce(desk_is_admin(me), false) THEN
            PERFORM desk_refuse('only an administrator may manage people '
                                '(只有管理员可以管理人员)');
        END IF;
        IF p_roles IS NULL OR cardinality(p_roles) = 0
           OR NOT p_roles <@ {ROLES} THEN
            PERFORM desk_refuse(format('unknown or missing roles: %s', p_roles));
        END IF;
        IF p_service AND NOT p_roles <@ ARRAY['reporter']::text[] THEN
            PERFORM desk_refuse('a service account may only report and attach');
        END IF;
        IF p_verifier IS NOT NULL AND p_verifier NOT LIKE 'SCRAM-SHA-256$%' THEN
            PERFORM desk_refuse('a password is sent as a SCRAM-SHA-256 verifier, never clear');
        END IF;
        IF coalesce(p_department, '') <> '' THEN
            SELECT id INTO dept FROM departments WHERE name = p_department;
            IF dept IS NULL THEN
                INSERT INTO departments (name) VALUES (p_department) RETURNING id INTO dept;
            END IF;
        END IF;
        IF is_new THEN
            INSERT INTO people (employee_no, name, department_id, contact, email,
                                failed_logins, active, service)
            VALUES (p_no, p_name, dept, coalesce(p_contact, ''), coalesce(p_email, ''), 0,
                    p_active, p_service)
            RETURNING id INTO pid;
        ELSE
            SELECT to_jsonb(p) - 'password_hash' INTO before FROM people p WHERE id = pid;
            IF before IS NULL THEN PERFORM desk_refuse(format('no person %s', pid)); END IF;
            UPDATE people SET employee_no = p_no, name = p_name, department_id = dept,
                              contact = coalesce(p_contact, ''), email = coalesce(p_email, ''),
                              active = p_active, service = p_service
            WHERE id = pid;
        END IF;
        DELETE FROM person_roles WHERE person_id = pid AND NOT role = ANY(p_roles);
        INSERT INTO person_roles (person_id, role)
        SELECT pid, x FROM unnest(p_roles) x ON CONFLICT DO NOTHING;
        SELECT db_login INTO login FROM people WHERE id = pid;
        IF login IS NULL THEN
            login := desk_login_name(p_no);
            IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = login) THEN
                login := left(login, 52) || '_' || pid;
            END IF;
            EXECUTE format('CREATE ROLE %I LOGIN', login);
            UPDATE people SET db_login = login WHERE id = pid;
        END IF;
        FOREACH r IN ARRAY array_prepend(NULL::text, {ROLES}) LOOP
            IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = desk_group_role(r)) THEN
                EXECUTE format('CREATE ROLE %I NOLOGIN', desk_group_role(r));
            END IF;
        END LOOP;
        EXECUTE format('GRANT %I TO %I', desk_group_role(), login);
        FOREACH r IN ARRAY {ROLES} LOOP
            IF r = ANY(p_roles) THEN
                EXECUTE format('GRANT %I TO %I', desk_group_role(r), login);
            ELSE
                EXECUTE format('REVOKE %I FROM %I', desk_group_role(r), login);
            END IF;
        END LOOP;
        IF p_active THEN
            EXECUTE format('ALTER ROLE %I LOGIN', login);
        ELSE
            EXECUTE format('ALTER ROLE %I NOLOGIN', login);
        END IF;
        IF p_verifier IS NOT NULL THEN
            EXECUTE format('ALTER ROLE %I PASSWORD %L', login, p_verifier);
        END IF;
        IF NOT EXISTS (SELECT 1 FROM people p WHERE p.active AND NOT p.service
                       AND p.db_login IS NOT NULL AND desk_has_role(p.id, 'admin')) THEN
            PERFORM desk_refuse('at least one active administrator must remain '
                                '(至少须保留一名启用的管理员)');
        END IF;
        INSERT INTO events (ticket_id, actor_id, at, action, changes, details, reason)
        VALUES (NULL, me, now(), CASE WHEN is_new THEN 'person_added' ELSE 'person_changed' END,
                '{{}}', jsonb_build_object('person_id', pid, 'employee_no', p_no,
                                          'roles', p_roles, 'active', p_active,
                                          'db_login', login,
                                          'password_set', p_verifier IS NOT NULL)::text, '');
        RETURN pid;
    END
    $$
    """,
    """
    CREATE OR REPLACE FUNCTION desk_set_password(p_id integer, p_verifier text) RETURNS void
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
    DECLARE
        me integer := desk_actor();
        by_owner boolean := pg_has_role(session_user,
            (SELECT relowner FROM pg_class WHERE oid = 'public.people'::regclass), 'MEMBER');
        login text;
        who text;
    BEGIN
        IF NOT by_owner AND NOT (me = p_id OR coalesce(desk_is_admin(me), false)) THEN
            PERFORM desk_refuse('only an administrator may set another person''s password '
                                '(只有管理员可以设置他人的密码)');
        END IF;
        IF p_verifier IS NULL OR p_verifier NOT LIKE 'SCRAM-SHA-256$%' THEN
            PERFORM desk_refuse('a password is sent as a SCRAM-SHA-256 verifier, never clear');
        END IF;
        SELECT db_login, employee_no INTO login, who FROM people WHERE id = p_id;
        IF login IS NULL THEN PERFORM desk_refuse(format('person %s has no login', p_id)); END IF;
        EXECUTE format('ALTER ROLE %I PASSWORD %L', login, p_verifier);
        INSERT INTO events (ticket_id, actor_id, at, action, changes, details, reason)
        VALUES (NULL, me, now(), 'password_set', '{}',
                jsonb_build_object('person', who)::text, '');
    END
    $$
    """,
]

PG_TRIGGERS = [
    ("events", "events_guard"), ("tickets", "tickets_write"), ("tickets", "tickets_check"),
    ("team_members", "team_members_check"),
    ("implementation_steps", "implementation_steps_check"),
    ("verification_items", "verification_items_check"),
    ("ticket_pauses", "ticket_pauses_check"),
    ("channels", "channels_admin_only"), ("intake_log", "intake_log_admin_only"),
    ("alert_links", "alert_links_admin_only"),
    ("problems", "problems_with_event"), ("action_items", "action_items_with_event"),
    ("ticket_links", "ticket_links_with_event"),
    ("attachments", "attachments_write"), ("attachments", "attachments_check"),
    ("attachment_chunks", "attachment_chunks_write"),
    ("number_counters", "number_counters_write"), ("number_counters", "number_counters_check"),
    ("settings", "settings_admin_only"), ("notification_rules", "notification_rules_admin_only"),
    ("calendar_days", "calendar_days_admin_only"),
    ("calendar_years", "calendar_years_admin_only"),
    ("outbox", "outbox_write"), ("outbox", "outbox_with_event"),
    ("kb_entries", "kb_entries_with_event"), ("kb_revisions", "kb_revisions_with_event"),
    ("presence", "presence_write"),
]

PG_FUNCTION_NAMES = [
    "desk_set_password(integer, text)",
    "desk_save_person(integer, text, text, text, text, text, text[], boolean, boolean, text)",
    "desk_login_name(text)", "desk_group_role(text)", "desk_db_tag()",
    "desk_presence_write()", "desk_with_event_check()", "desk_outbox_write()",
    "desk_admin_only()", "desk_counters_check()", "desk_counters_write()", "desk_chunks_write()",
    "desk_attachments_check()", "desk_attachments_write()", "desk_step_rows_check()",
    "desk_tickets_check()", "desk_tickets_write()", "desk_events_guard()",
    "desk_tx_has_event()", "desk_tx_actions(integer)", "desk_me()", "desk_refuse(text)",
    "desk_is_admin(integer)", "desk_has_role(integer, text)", "desk_actor()",
    "desk_is_owner()",
]


def upgrade() -> None:
    op.add_column("people", sa.Column("db_login", sa.String(length=63), nullable=True))
    op.add_column("people", sa.Column("service", sa.Boolean(), nullable=False,
                                      server_default="0"))
    op.create_index("ix_people_db_login", "people", ["db_login"], unique=True)
    op.create_table(
        "rule_transitions",
        sa.Column("name", sa.String(length=40), nullable=False),
        sa.Column("source", sa.String(length=30), nullable=False),
        sa.Column("target", sa.String(length=30), nullable=False),
        sa.Column("role", sa.String(length=30), nullable=False),
        sa.PrimaryKeyConstraint("name", "source", "target", "role",
                                name=op.f("pk_rule_transitions")),
    )
    op.create_table(
        "rule_edits",
        sa.Column("action", sa.String(length=40), nullable=False),
        sa.Column("status", sa.String(length=30), nullable=False),
        sa.Column("field", sa.String(length=60), nullable=False),
        sa.Column("role", sa.String(length=30), nullable=False),
        sa.PrimaryKeyConstraint("action", "status", "field", "role", name=op.f("pk_rule_edits")),
    )
    # the checks find "this person's events of this transaction" (actor, now()) by index
    op.create_index("ix_events_actor_at", "events", ["actor_id", "at"])
    if op.get_bind().dialect.name == "postgresql":
        for statement in PG_FUNCTIONS:
            op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for table, trigger in PG_TRIGGERS:
            op.execute(f"DROP TRIGGER IF EXISTS {trigger} ON {table}")
        for function in PG_FUNCTION_NAMES:
            op.execute(f"DROP FUNCTION IF EXISTS {function}")
    op.drop_index("ix_events_actor_at", table_name="events")
    op.drop_table("rule_edits")
    op.drop_table("rule_transitions")
    op.drop_index("ix_people_db_login", table_name="people")
    with op.batch_alter_table("people") as batch:
        batch.drop_column("service")
        batch.drop_column("db_login")
