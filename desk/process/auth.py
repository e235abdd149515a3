"""Signing in, passwords, the first administrator and the administration of people.

SQLite (and a PostgreSQL database not set up with ``desk db init``): passwords are
argon2id hashes (``argon2-cffi``), replaced at the next sign-in when made with older
parameters. Wrong passwords are counted per person: after ``MAX_TRIES`` the account
waits ``FIRST_LOCK``, doubling up to ``MAX_LOCK``; a locked account is refused after
the same work as a real check. An unknown number is answered exactly like a wrong
password, in the same time; what was typed is kept only as a keyed hash
(``number_key``). After ``DESK_FREE_FAILURES`` failures in a row, whatever the
account, *this desk* waits a growing time (``desk_wait``) before it checks again.

Every attempt appends an event (``ticket_id`` None): ``sign_in``, ``sign_in_failed``
or ``locked``. The failed count and the event are committed even though the attempt is
refused: the unit of work returns the outcome and the refusal is raised after commit.

A team database (PostgreSQL after ``desk db init``, ``is_team_database``): each person
is their own login and signing in is connecting (``team_sign_in``,
``current_person_id``); people and passwords change through the database's admin
functions, and Desk keeps no password hash.

Administration of people (``save_person``, ``list_people_admin``, ``set_password`` for
somebody else) is for administrators only, checked on every call.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from desk.db import Database
from desk.errors import DeskError, NotFoundError, PermissionDeniedError, ValidationError
from desk.process import audit
from desk.process.people import PersonView, ensure_department, view_of
from desk.read import settings as team_settings
from models import Department, Event, Person, PersonRole, Role

HASHER = PasswordHasher()  # argon2id with the library's current recommended parameters
MAX_TRIES = 5
FIRST_LOCK = timedelta(minutes=5)
MAX_LOCK = timedelta(hours=1)
MIN_PASSWORD = 8
MAX_PASSWORD = 1024  # a longer "password" is a pasted file, and costly to hash


class SignInError(DeskError):
    """A refused sign-in; ``tries_left`` or ``locked_until`` say what happens next."""

    def __init__(self, zh: str, en: str, *, tries_left: int | None = None,
                 locked_until: datetime | None = None,
                 retry_after: timedelta | None = None) -> None:
        super().__init__(zh, en)
        self.tries_left = tries_left
        self.locked_until = locked_until
        self.retry_after = retry_after


def hash_password(password: str) -> str:
    return HASHER.hash(password)


def check_password_rules(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise ValidationError({"password": (f"密码至少需要 {MIN_PASSWORD} 个字符。",
                                            f"A password needs at least {MIN_PASSWORD} "
                                            "characters.")})
    if len(password) > MAX_PASSWORD:
        raise ValidationError({"password": (f"密码不能超过 {MAX_PASSWORD} 个字符。",
                                            f"A password may not exceed {MAX_PASSWORD} "
                                            "characters.")})
    if "\x00" in password:
        raise ValidationError({"password": ("密码中不能含有空字符。",
                                            "A password may not contain NUL characters.")})


def lock_duration(failures: int) -> timedelta:
    """How long an account waits after its ``failures``-th wrong password in a row."""
    if failures < MAX_TRIES:
        return timedelta(0)
    wait: timedelta = FIRST_LOCK * (2 ** (failures - MAX_TRIES))
    return min(wait, MAX_LOCK)


def _verify(stored: str | None, password: str) -> bool:
    if not stored:  # no password set yet: refused, after the same work as a real check
        _burn(password)
        return False
    try:
        return HASHER.verify(stored, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


_dummy: dict[str, str] = {}


def _dummy_hash() -> str:
    """A hash to verify against when there is none, built once per hasher."""
    key = f"{HASHER.time_cost}/{HASHER.memory_cost}/{HASHER.parallelism}"
    if key not in _dummy:
        _dummy[key] = HASHER.hash("desk-dummy-password")
    return _dummy[key]


def _burn(password: str) -> None:
    """Spend the time of one verification, so an unknown number is not faster to refuse."""
    with contextlib.suppress(VerificationError, InvalidHashError):
        HASHER.verify(_dummy_hash(), password)


def _local(db_session: Session, moment: datetime) -> str:
    tz = team_settings.timezone(db_session)
    local = moment.astimezone(tz)
    if local.second or local.microsecond:  # never promise a minute that is too early
        local = local.replace(second=0, microsecond=0) + timedelta(minutes=1)
    return local.strftime("%Y-%m-%d %H:%M")


def _wrong(tries_left: int) -> SignInError:
    return SignInError(
        f"工号或密码不正确。还可尝试 {tries_left} 次，之后账户将暂停登录。",
        f"Wrong employee number or password. {tries_left} "
        f"{'try' if tries_left == 1 else 'tries'} left before the account waits.",
        tries_left=tries_left,
    )


def _locked(until_text: str, until: datetime) -> SignInError:
    return SignInError(
        f"密码错误次数过多，账户已暂停登录，请于 {until_text} 之后再试。",
        f"Too many wrong passwords: the account is locked until {until_text}.",
        locked_until=until,
    )


@dataclass(frozen=True)
class _Outcome:
    person: PersonView | None = None
    error: DeskError | None = None


def sign_in(db: Database, employee_no: str, password: str) -> PersonView:
    """Check a person's password; return who signed in or raise ``SignInError``."""
    number = employee_no.strip()
    if not number or not password:
        raise SignInError("请输入工号和密码。", "Enter your employee number and password.")

    def work(session: Session) -> _Outcome:
        now = db.now()
        person = session.scalar(select(Person).where(Person.employee_no == number))
        if person is None:
            return _Outcome(error=_unknown_number(session, number, password, now))
        if person.locked_until is not None and person.locked_until > now:
            _burn(password)  # as long as a real check: a locked account is not told by time
            audit.record(session, at=now, action="sign_in_failed", ticket_id=None,
                         actor_id=person.id, details={"reason": "locked"})
            return _Outcome(error=_locked(_local(session, person.locked_until),
                                          person.locked_until))
        if not _verify(person.password_hash, password):
            person.failed_logins = (person.failed_logins or 0) + 1
            audit.record(session, at=now, action="sign_in_failed", ticket_id=None,
                         actor_id=person.id, details={"reason": "password",
                                                      "failures": person.failed_logins})
            wait = lock_duration(person.failed_logins)
            if wait:
                person.locked_until = now + wait
                audit.record(session, at=now, action="locked", ticket_id=None,
                             actor_id=person.id,
                             details={"until": person.locked_until.isoformat(),
                                      "minutes": int(wait.total_seconds() // 60),
                                      "failures": person.failed_logins})
                return _Outcome(error=_locked(_local(session, person.locked_until),
                                              person.locked_until))
            return _Outcome(error=_wrong(MAX_TRIES - person.failed_logins))
        if not person.active:
            audit.record(session, at=now, action="sign_in_failed", ticket_id=None,
                         actor_id=person.id, details={"reason": "inactive"})
            return _Outcome(error=SignInError(
                "此账户已停用，请联系管理员。",
                "This account has been deactivated; ask an administrator."))
        assert person.password_hash is not None
        if HASHER.check_needs_rehash(person.password_hash):
            person.password_hash = HASHER.hash(password)
        person.failed_logins = 0
        person.locked_until = None
        audit.record(session, at=now, action="sign_in", ticket_id=None, actor_id=person.id)
        return _Outcome(person=view_of(person))

    wait = _desk_wait(db.now())
    if wait is not None:
        raise wait
    outcome = db.write(work)
    _desk_count(db.now(), failed=outcome.error is not None)
    if outcome.error is not None:
        raise outcome.error
    assert outcome.person is not None
    return outcome.person


# -- this desk's failures: a growing wait for the desk that guesses, whatever the account

DESK_FREE_FAILURES = 5
DESK_MAX_WAIT = timedelta(minutes=5)
DESK_STATE_FILE = "sign-in-failures.json"


def desk_wait(failures: int) -> timedelta:
    """How long this desk waits after ``failures`` failed sign-ins in a row (any account)."""
    if failures < DESK_FREE_FAILURES:
        return timedelta(0)
    exponent = min(failures - DESK_FREE_FAILURES + 1, 20)  # 2**20 s is far past the cap
    return min(timedelta(seconds=2 ** exponent), DESK_MAX_WAIT)


def _desk_state_path() -> Any:
    from desk.config import load_config

    return load_config().data_dir / DESK_STATE_FILE


def _desk_state() -> tuple[int, datetime | None]:
    import json

    try:
        data = json.loads(_desk_state_path().read_text(encoding="utf-8"))
        until = datetime.fromisoformat(data["until"]) if data.get("until") else None
        return int(data["failures"]), until
    except (OSError, ValueError, KeyError, TypeError):
        return 0, None


def _desk_wait(now: datetime) -> SignInError | None:
    failures, until = _desk_state()
    if until is None or until <= now:
        return None
    seconds = max(1, int((until - now).total_seconds() + 0.999))
    return SignInError(
        f"此工作站登录失败次数过多，请 {seconds} 秒后再试。",
        f"Too many failed sign-ins at this desk: try again in {seconds} s.",
        retry_after=until - now)


def _desk_count(now: datetime, *, failed: bool) -> None:
    import json
    import os

    failures = _desk_state()[0] + 1 if failed else 0
    wait = desk_wait(failures)
    path = _desk_state_path()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump({"failures": failures,
                       "until": (now + wait).isoformat() if wait else None}, fh)
    except OSError:
        pass  # a desk that cannot write its folder still checks every password


def number_key(typed: str) -> str:
    """What is kept of an unknown number typed at sign-in: a keyed hash (HMAC-SHA256
    with this desk's secret, outside the database), enough to count repeated attempts,
    never the text itself (it may be a password typed into the wrong box)."""
    import hashlib
    import hmac

    from desk.config import local_secret

    return hmac.new(local_secret("sign-in"), typed.encode(), hashlib.sha256).hexdigest()[:32]


def _unknown_number(session: Session, number: str, password: str, now: datetime) -> DeskError:
    """Answer an unknown number as a wrong password would be answered, counting recent
    attempts on that number, so the answer does not tell which numbers exist."""
    _burn(password)
    since = now - MAX_LOCK
    key = number_key(number)
    recent = [
        e for e in session.scalars(
            select(Event).where(Event.action == "sign_in_failed", Event.actor_id.is_(None),
                                Event.ticket_id.is_(None), Event.at >= since))
        if e.details.get("number_key") == key
    ]
    failures = len(recent) + 1
    audit.record(session, at=now, action="sign_in_failed", ticket_id=None, actor_id=None,
                 details={"reason": "unknown", "number_key": key})
    if failures < MAX_TRIES:
        return _wrong(MAX_TRIES - failures)
    until = now + lock_duration(failures)
    return _locked(_local(session, until), until)


# -- passwords and the first administrator ----------------------------------------------


def _is_admin(person: Person | None) -> bool:
    return person is not None and person.active and Role.ADMIN in person.roles


def require_admin(session: Session, actor_id: int) -> Person:
    actor = session.get(Person, actor_id)
    if not _is_admin(actor):
        raise PermissionDeniedError("只有管理员可以管理人员与设置。",
                                    "Only an administrator may manage people and settings.")
    assert actor is not None
    return actor


def set_password(db: Database, actor_id: int, person_id: int, new_password: str) -> None:
    """Set a password: one's own, or anybody's by an administrator (which also unlocks)."""
    check_password_rules(new_password)
    if _is_team(db):
        def pg_work(session: Session) -> None:
            session.execute(text("SELECT desk_set_password(:p, :v)"),
                            {"p": person_id, "v": _verifier(session, new_password)})

        db.write(pg_work)
        return
    new_hash = hash_password(new_password)

    def work(session: Session) -> None:
        actor = session.get(Person, actor_id)
        if actor is None or (actor_id != person_id and not _is_admin(actor)):
            raise PermissionDeniedError("只有管理员可以设置他人的密码。",
                                        "Only an administrator may set another person's "
                                        "password.")
        person = session.get(Person, person_id)
        if person is None:
            raise NotFoundError(f"没有此人员（{person_id}）。", f"No such person ({person_id}).")
        person.password_hash = new_hash
        person.failed_logins = 0
        person.locked_until = None
        audit.record(session, at=db.now(), action="password_set", ticket_id=None,
                     actor_id=actor_id, details={"person": person.employee_no})

    db.write(work)


def _needs_first_admin(session: Session) -> bool:
    # on PostgreSQL a person signs in with their own login; on SQLite with a hash here
    can_sign_in = (Person.db_login.is_not(None) if is_team_database(session)
                   else Person.password_hash.is_not(None))
    stmt = (select(func.count(Person.id))
            .where(Person.active.is_(True), can_sign_in,
                   Person.role_rows.any(PersonRole.role == Role.ADMIN)))
    return not session.scalar(stmt)


def needs_first_admin(db: Database) -> bool:
    """True while no active person holds the administrator role with a password."""
    with db.read() as session:
        return _needs_first_admin(session)


def has_people(db: Database) -> bool:
    with db.read() as session:
        return bool(session.scalar(select(func.count(Person.id))))


def create_first_admin(db: Database, employee_no: str, name: str, password: str) -> PersonView:
    """Make the first administrator of an empty database; refused once one exists."""
    number, full_name = employee_no.strip(), name.strip()
    errors = _identity_errors(number, full_name)
    if errors:
        raise ValidationError(errors)
    check_password_rules(password)
    new_hash = hash_password(password)

    def work(session: Session) -> PersonView:
        if not _needs_first_admin(session):
            raise PermissionDeniedError("已有管理员，不能再创建首个管理员。",
                                        "An administrator already exists.")
        if session.scalar(select(Person.id).where(Person.employee_no == number)) is not None:
            raise ValidationError({"employee_no": (f"工号 {number} 已被使用。",
                                                   f"Employee number {number} is taken.")})
        person = Person(employee_no=number, name=full_name, contact="", email="",
                        password_hash=new_hash, failed_logins=0, active=True)
        person.role_rows = [PersonRole(role=Role.ADMIN), PersonRole(role=Role.REPORTER)]
        session.add(person)
        session.flush()
        audit.record(session, at=db.now(), action="first_admin", ticket_id=None,
                     actor_id=person.id, details={"employee_no": number, "name": full_name})
        return view_of(person)

    return db.write(work)


def is_team_database(session: Session) -> bool:
    """A PostgreSQL database set up by ``desk db init``: its people are its logins, and
    Desk keeps no password of its own (a database not set up so is the owner's alone,
    and works as an SQLite file does)."""
    if session.get_bind().dialect.name != "postgresql":
        return False
    return bool(session.scalar(text(
        "SELECT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = desk_group_role())")))


def _is_team(db: Database) -> bool:
    if db.backend != "postgresql":
        return False
    with db.read() as session:
        return is_team_database(session)


def _verifier(session: Session, password: str) -> str:
    """A SCRAM-SHA-256 verifier computed here: the clear password never goes to the
    server (nor into its statement log)."""
    raw = session.connection().connection.driver_connection
    assert raw is not None
    return str(raw.pgconn.encrypt_password(password.encode(), b"desk",
                                           b"scram-sha-256").decode())


def current_person_id(db: Database) -> int | None:
    """PostgreSQL: the person whose login this connection is (None for the database's
    owner or any login that is not a person of this desk). SQLite: None."""
    if db.backend != "postgresql":
        return None
    with db.read() as session:
        found = session.scalar(text("SELECT desk_actor()"))
    return int(found) if found is not None else None


def team_sign_in(db: Database) -> PersonView | None:
    """On a team database (PostgreSQL after ``desk db init``) signing in *is* connecting:
    the person whose login this connection is (their password was checked by the
    server). None on any other database, where the sign-in dialog checks a password."""
    if not _is_team(db):
        return None
    pid = current_person_id(db)
    if pid is None:
        raise PermissionDeniedError(
            "此数据库要求每人用自己的登录名连接：请在设置中填写您的数据库登录名与密码"
            "（数据库所有者的连接只用于管理）。",
            "This database wants every person to connect with their own login: enter your "
            "database login and password in the settings (the owner's connection is for "
            "administration only).")
    from desk.process.people import get_person

    return get_person(db, pid)


def recover_admin(db: Database, employee_no: str, new_password: str) -> str | None:
    """``desk db recover-admin``: whoever holds the database itself (the SQLite file,
    the PostgreSQL owner's URL) gives a person holding the admin role a new password,
    unlocking them. Returns their login on PostgreSQL."""
    check_password_rules(new_password)
    number = employee_no.strip()

    def find(session: Session) -> Person:
        person = session.scalar(select(Person).where(Person.employee_no == number))
        if person is None or Role.ADMIN not in person.roles:
            raise PermissionDeniedError(
                f"{number} 不是管理员；只能为持有管理员角色的人员恢复密码。",
                f"{number} is not an administrator; only an administrator's password can be "
                "recovered.")
        return person

    if _is_team(db):
        def pg_work(session: Session) -> str:
            person = find(session)
            if current_person_id(db) is not None:
                raise PermissionDeniedError(
                    "恢复管理员须使用数据库所有者的连接地址。",
                    "Recovering an administrator needs the database owner's URL.")
            # through the admin function, which also makes the login if there is none
            # yet and enables it again
            session.execute(text(
                "SELECT desk_save_person(:id, :no, :name, :dept, :contact, :email, "
                "CAST(:roles AS text[]), true, false, :verifier)"),
                {"id": person.id, "no": person.employee_no, "name": person.name,
                 "dept": person.department.name if person.department else "",
                 "contact": person.contact, "email": person.email,
                 "roles": sorted(r.value for r in person.roles),
                 "verifier": _verifier(session, new_password)})
            login = session.scalar(text("SELECT db_login FROM people WHERE id = :p"),
                                   {"p": person.id})
            return str(login)

        return db.write(pg_work)
    new_hash = hash_password(new_password)

    def work(session: Session) -> None:
        person = find(session)
        person.password_hash = new_hash
        person.failed_logins = 0
        person.locked_until = None
        person.active = True
        audit.record(session, at=db.now(), action="password_set", ticket_id=None,
                     actor_id=None, details={"person": number, "recovery": True})

    db.write(work)
    return None


def recover_admin_password(db: Database, employee_no: str, new_password: str) -> PersonView:
    """Give an administrator a password while no administrator can sign in.

    The way back in for whoever holds the database itself (``desk passwd`` on the
    command line): refused as soon as any active administrator has a password.
    """
    check_password_rules(new_password)
    new_hash = hash_password(new_password)
    number = employee_no.strip()

    def work(session: Session) -> PersonView:
        if not _needs_first_admin(session):
            raise PermissionDeniedError(
                "已有可登录的管理员：请由管理员设置密码（desk passwd --as 管理员工号）。",
                "An administrator can sign in: let them set the password "
                "(desk passwd --as ADMIN_NO).")
        person = session.scalar(select(Person).where(Person.employee_no == number))
        if person is None or not person.active or Role.ADMIN not in person.roles:
            raise PermissionDeniedError(
                f"{number} 不是启用的管理员；没有管理员时只能为管理员设置密码。",
                f"{number} is not an active administrator; while nobody can administer, "
                "only an administrator's password can be set.")
        person.password_hash = new_hash
        person.failed_logins = 0
        person.locked_until = None
        audit.record(session, at=db.now(), action="password_set", ticket_id=None,
                     actor_id=person.id, details={"person": number, "recovery": True})
        return view_of(person)

    return db.write(work)


# -- administration of people -----------------------------------------------------------


@dataclass(frozen=True)
class PersonRecord:
    """A person as the administration dialog shows them (active or not)."""

    id: int
    employee_no: str
    name: str
    department: str
    contact: str
    email: str
    roles: frozenset[Role]
    active: bool
    has_password: bool
    locked_until: datetime | None
    db_login: str | None = None
    service: bool = False


def _record_of(person: Person) -> PersonRecord:
    return PersonRecord(
        id=person.id, employee_no=person.employee_no, name=person.name,
        department=person.department.name if person.department else "",
        contact=person.contact or "", email=person.email or "", roles=person.roles,
        active=bool(person.active),
        has_password=bool(person.password_hash) or bool(person.db_login),
        locked_until=person.locked_until, db_login=person.db_login,
        service=bool(person.service),
    )


def list_people_admin(db: Database, actor_id: int | None) -> list[PersonRecord]:
    """Everybody, active or not, ordered by employee number: for administrators, and
    (``actor_id`` None) for the PostgreSQL database's owner."""
    with db.read() as session:
        if actor_id is None:
            if db.backend != "postgresql" or not session.scalar(text("SELECT desk_is_owner()")):
                raise PermissionDeniedError("只有管理员或数据库所有者可以列出所有人员。",
                                            "Only an administrator or the database owner "
                                            "may list everybody.")
        else:
            require_admin(session, actor_id)
        return [_record_of(p) for p in session.scalars(select(Person).order_by(Person.employee_no))]


def list_departments(db: Database) -> list[str]:
    with db.read() as session:
        return list(session.scalars(select(Department.name).order_by(Department.name)))


def _identity_errors(number: str, name: str) -> dict[str, tuple[str, str]]:
    errors: dict[str, tuple[str, str]] = {}
    if not number:
        errors["employee_no"] = ("请填写工号。", "Enter the employee number.")
    elif len(number) > 32 or any(c.isspace() for c in number):
        errors["employee_no"] = ("工号不能含空格，且不超过 32 个字符。",
                                 "An employee number has no spaces and at most 32 characters.")
    if not name:
        errors["name"] = ("请填写姓名。", "Enter the name.")
    elif len(name) > 100:
        errors["name"] = ("姓名不能超过 100 个字符。", "A name may not exceed 100 characters.")
    return errors


def _roles_of(roles: Iterable[Role | str]) -> tuple[frozenset[Role], dict[str, tuple[str, str]]]:
    result: set[Role] = set()
    for r in roles:
        try:
            result.add(Role(r))
        except ValueError:
            return frozenset(), {"roles": (f"未知的角色：{r}", f"Unknown role: {r}")}
    if not result:
        return frozenset(), {"roles": ("至少选择一个角色。", "Choose at least one role.")}
    return frozenset(result), {}


def save_person(db: Database, actor_id: int | None, person_id: int | None, employee_no: str,
                name: str, department: str, contact: str, email: str,
                roles: Iterable[Role | str], active: bool,
                password: str | None = None, service: bool = False) -> PersonRecord:
    """Add (``person_id`` None) or change a person; administrators only.

    ``password`` sets a first password for a new person (optional: without one the
    person cannot sign in until an administrator sets it).
    """
    number, full_name = employee_no.strip(), name.strip()
    dept, contact, email = department.strip(), contact.strip(), email.strip()
    errors = _identity_errors(number, full_name)
    role_set, role_errors = _roles_of(roles)
    errors.update(role_errors)
    if len(contact) > 100:
        errors["contact"] = ("联系方式不能超过 100 个字符。", "Contact: at most 100 characters.")
    if len(email) > 200 or (email and ("@" not in email or any(c.isspace() for c in email))):
        errors["email"] = ("邮箱格式不正确。", "The e-mail address is not valid.")
    if len(dept) > 100:
        errors["department"] = ("部门名称不能超过 100 个字符。",
                                "A department name may not exceed 100 characters.")
    if errors:
        raise ValidationError(errors)
    if password:
        check_password_rules(password)
    if _is_team(db):
        def pg_work(session: Session) -> PersonRecord:
            if actor_id is not None:
                require_admin(session, actor_id)
            clash = session.scalar(select(Person).where(Person.employee_no == number))
            if clash is not None and clash.id != person_id:
                raise ValidationError({"employee_no": (
                    f"工号 {number} 已被 {clash.name} 使用。",
                    f"Employee number {number} is already used by {clash.name}.")})
            others = session.scalar(
                select(func.count(Person.id)).where(
                    Person.active.is_(True), Person.service.is_(False),
                    Person.db_login.is_not(None), Person.id != (person_id or 0),
                    Person.role_rows.any(PersonRole.role == Role.ADMIN)))
            if not others and not (active and not service and Role.ADMIN in role_set):
                raise ValidationError({"roles": (
                    "至少须保留一名启用的管理员。",
                    "At least one active administrator must remain.")})
            pid = session.execute(text(
                "SELECT desk_save_person(:id, :no, :name, :dept, :contact, :email, "
                "CAST(:roles AS text[]), :active, :service, :verifier)"),
                {"id": person_id, "no": number, "name": full_name, "dept": dept,
                 "contact": contact, "email": email,
                 "roles": sorted(r.value for r in role_set), "active": active,
                 "service": service,
                 "verifier": _verifier(session, password) if password else None},
            ).scalar_one()
            session.expire_all()
            found = session.get(Person, pid)
            assert found is not None
            return _record_of(found)

        return db.write(pg_work)
    if service and not role_set <= {Role.REPORTER}:
        raise ValidationError({"roles": ("服务账户只能报告故障和添加附件（角色：reporter）。",
                                         "A service account may only report and attach "
                                         "(role: reporter).")})
    new_hash = hash_password(password) if password else None
    if actor_id is None:  # only the owner of a team database acts as nobody
        raise PermissionDeniedError("只有管理员可以管理人员与设置。",
                                    "Only an administrator may manage people and settings.")

    def work(session: Session) -> PersonRecord:
        require_admin(session, actor_id)
        clash = session.scalar(select(Person).where(Person.employee_no == number))
        if clash is not None and clash.id != person_id:
            raise ValidationError({"employee_no": (f"工号 {number} 已被 {clash.name} 使用。",
                                                   f"Employee number {number} is already "
                                                   f"used by {clash.name}.")})
        if person_id is None:
            person = Person(employee_no=number, name=full_name, contact="", email="",
                            failed_logins=0, active=True)
            session.add(person)
            before: dict[str, object] = {}
        else:
            found = session.get(Person, person_id)
            if found is None:
                raise NotFoundError(f"没有此人员（{person_id}）。",
                                    f"No such person ({person_id}).")
            person = found
            before = _fields(person)
        person.employee_no = number
        person.name = full_name
        person.department = ensure_department(session, dept) if dept else None
        person.contact = contact
        person.email = email
        person.active = active
        person.service = service
        current = {r.role: r for r in person.role_rows}
        person.role_rows = [current.get(r) or PersonRole(role=r) for r in sorted(role_set)]
        if new_hash is not None:
            person.password_hash = new_hash
        session.flush()
        if not _has_admin_left(session):
            raise ValidationError({"roles": (
                "至少须保留一名启用且设有密码的管理员。",
                "At least one active administrator with a password must remain.")})
        after = _fields(person)
        changes = {k: {"before": before.get(k), "after": v} for k, v in after.items()
                   if before.get(k) != v}
        audit.record(session, at=db.now(),
                     action="person_added" if person_id is None else "person_changed",
                     ticket_id=None, actor_id=actor_id, changes=changes,
                     details={"person_id": person.id, "employee_no": number,
                              "password_set": new_hash is not None})
        return _record_of(person)

    return db.write(work)


def _has_admin_left(session: Session) -> bool:
    return not _needs_first_admin(session)


def _fields(person: Person) -> dict[str, object]:
    return {
        "employee_no": person.employee_no, "name": person.name,
        "department": person.department.name if person.department else "",
        "contact": person.contact, "email": person.email,
        "roles": sorted(r.value for r in person.roles), "active": bool(person.active),
    }
