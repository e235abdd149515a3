"""Sign-in, passwords, lock-out, the first administrator and people administration,
on SQLite and on PostgreSQL (the ``db`` fixture), with the fake clock."""

from __future__ import annotations

from datetime import timedelta

import pytest
from argon2 import PasswordHasher
from sqlalchemy import select

from desk.admin import team as admin
from desk.errors import PermissionDeniedError, ValidationError
from desk.process import auth, people, reporting
from desk.rules import limits
from models import Event, FaultLevel, FaultType, Person, Role
from tests.conftest import TEST_PASSWORD as DEMO_PASSWORD


@pytest.fixture(autouse=True)
def fast_hasher(monkeypatch: pytest.MonkeyPatch) -> PasswordHasher:
    """Cheaper argon2id parameters so the tests do not hog the shared machine."""
    hasher = PasswordHasher(time_cost=1, memory_cost=8192, parallelism=1)
    monkeypatch.setattr(auth, "HASHER", hasher)
    return hasher


def stored_hash(db, employee_no: str) -> str | None:
    with db.read() as s:
        return s.scalar(select(Person.password_hash).where(Person.employee_no == employee_no))


def person_row(db, employee_no: str) -> tuple[int, object]:
    with db.read() as s:
        p = s.scalar(select(Person).where(Person.employee_no == employee_no))
        return p.failed_logins, p.locked_until


def actions(db, actor_id: int | None = None) -> list[str]:
    with db.read() as s:
        stmt = select(Event).where(Event.ticket_id.is_(None)).order_by(Event.id)
        return [e.action for e in s.scalars(stmt) if actor_id is None or e.actor_id == actor_id]


def test_demo_people_sign_in_with_the_demo_password_and_hash_is_argon2id(db, demo_people):
    for no in ("IT001", "LEAD01", "CTO01", "DEV002", "OP003", "SALES005"):
        view = auth.sign_in(db, no, DEMO_PASSWORD)
        assert view.id == demo_people[no]
        assert view.employee_no == no
    assert stored_hash(db, "IT001").startswith("$argon2id$")
    assert actions(db, demo_people["IT001"])[-1] == "sign_in"


def test_set_password_stores_argon2id_never_the_password(db, demo_people):
    auth.set_password(db, demo_people["OP003"], demo_people["OP003"], "neues-pass-9")
    h = stored_hash(db, "OP003")
    assert h.startswith("$argon2id$") and "neues-pass-9" not in h
    assert auth.sign_in(db, "OP003", "neues-pass-9").id == demo_people["OP003"]
    with pytest.raises(auth.SignInError):
        auth.sign_in(db, "OP003", DEMO_PASSWORD)


def test_wrong_password_says_tries_left_and_unknown_number_reads_the_same(db, demo_people):
    with pytest.raises(auth.SignInError) as wrong:
        auth.sign_in(db, "IT001", "not-the-password")
    assert wrong.value.tries_left == 4
    assert "还可尝试 4 次" in wrong.value.zh and "4 tries left" in wrong.value.en
    with pytest.raises(auth.SignInError) as unknown:
        auth.sign_in(db, "NOBODY9", "not-the-password")
    assert unknown.value.zh == wrong.value.zh
    assert unknown.value.en == wrong.value.en
    with pytest.raises(auth.SignInError) as second:
        auth.sign_in(db, "IT001", "still-wrong")
    assert second.value.tries_left == 3
    assert person_row(db, "IT001")[0] == 2
    assert actions(db, demo_people["IT001"]).count("sign_in_failed") == 2


def test_five_wrong_passwords_lock_for_five_minutes_without_checking_the_password(
        db, demo_people, clock):
    for _ in range(4):
        with pytest.raises(auth.SignInError):
            auth.sign_in(db, "DEV002", "wrong-password")
    with pytest.raises(auth.SignInError) as locked:
        auth.sign_in(db, "DEV002", "wrong-password")
    until = clock.now + timedelta(minutes=5)
    assert locked.value.locked_until == until
    # Beijing time: 10:00 + 5 minutes
    assert "2026-11-27 10:05" in locked.value.zh
    assert "已暂停登录" in locked.value.zh
    assert "locked" in actions(db, demo_people["DEV002"])
    # even the right password is refused while locked; the count does not grow
    clock.advance(minutes=4)
    with pytest.raises(auth.SignInError) as still:
        auth.sign_in(db, "DEV002", DEMO_PASSWORD)
    assert still.value.locked_until == until
    assert person_row(db, "DEV002")[0] == 5
    # after the wait the right password works and the count is reset
    clock.advance(minutes=1, seconds=1)
    assert auth.sign_in(db, "DEV002", DEMO_PASSWORD).id == demo_people["DEV002"]
    assert person_row(db, "DEV002") == (0, None)


def test_further_failures_double_the_wait_up_to_one_hour(db, demo_people, clock):
    waits = []
    for _ in range(9):
        try:
            auth.sign_in(db, "OP003", "wrong-password")
        except auth.SignInError as exc:
            if exc.locked_until is not None:
                waits.append(exc.locked_until - clock.now)
                clock.now = exc.locked_until + timedelta(seconds=1)
    assert waits == [timedelta(minutes=m) for m in (5, 10, 20, 40, 60)]


def test_inactive_person_is_refused(db, demo_people):
    admin_id = demo_people["ADMIN"]
    auth.set_password(db, admin_id, admin_id, "admin-pass-1")
    rec = next(p for p in auth.list_people_admin(db, admin_id) if p.employee_no == "FIN007")
    auth.save_person(db, admin_id, rec.id, rec.employee_no, rec.name, rec.department,
                     rec.contact, rec.email, rec.roles, active=False)
    with pytest.raises(auth.SignInError) as refused:
        auth.sign_in(db, "FIN007", DEMO_PASSWORD)
    assert "停用" in refused.value.zh


def test_outdated_hash_parameters_are_replaced_at_sign_in(db, demo_people, monkeypatch):
    auth.set_password(db, demo_people["IT001"], demo_people["IT001"], "password-123")
    old = stored_hash(db, "IT001")
    stronger = PasswordHasher(time_cost=2, memory_cost=16384, parallelism=1)
    monkeypatch.setattr(auth, "HASHER", stronger)
    assert stronger.check_needs_rehash(old)
    auth.sign_in(db, "IT001", "password-123")
    new = stored_hash(db, "IT001")
    assert new != old and new.startswith("$argon2id$")
    assert not stronger.check_needs_rehash(new)
    assert auth.sign_in(db, "IT001", "password-123").employee_no == "IT001"
    assert stored_hash(db, "IT001") == new  # no rehash when nothing changed


def test_first_admin_only_once(db):
    assert auth.needs_first_admin(db)
    assert not auth.has_people(db)
    with pytest.raises(ValidationError):
        auth.create_first_admin(db, "ROOT", "管理员", "short")
    view = auth.create_first_admin(db, "ROOT", "首位管理员", "root-pass-1")
    assert Role.ADMIN in view.roles
    assert not auth.needs_first_admin(db)
    assert auth.sign_in(db, "ROOT", "root-pass-1").id == view.id
    with pytest.raises(PermissionDeniedError):
        auth.create_first_admin(db, "ROOT2", "第二位", "root-pass-2")
    assert actions(db, view.id)[0] == "first_admin"


def test_people_services_refuse_non_admins(db, demo_people):
    lead = demo_people["LEAD01"]
    with pytest.raises(PermissionDeniedError):
        auth.save_person(db, lead, None, "NEW01", "新人", "销售部", "", "", [Role.REPORTER], True)
    with pytest.raises(PermissionDeniedError):
        auth.list_people_admin(db, lead)
    with pytest.raises(PermissionDeniedError):
        auth.set_password(db, lead, demo_people["IT001"], "taken-over-1")
    with pytest.raises(PermissionDeniedError):
        admin.set_organisation(db, lead, "别的公司")
    assert auth.sign_in(db, "IT001", DEMO_PASSWORD).employee_no == "IT001"


def test_admin_adds_and_changes_a_person_with_validation(db, demo_people):
    admin_id = demo_people["ADMIN"]
    with pytest.raises(ValidationError) as no_role:
        auth.save_person(db, admin_id, None, "NEW01", "新人", "", "", "", [], True)
    assert "roles" in no_role.value.fields
    with pytest.raises(ValidationError) as taken:
        auth.save_person(db, admin_id, None, "IT001", "重号", "", "", "", [Role.SUPPORT], True)
    assert "employee_no" in taken.value.fields
    with pytest.raises(ValidationError):
        auth.save_person(db, admin_id, None, "NEW01", "新人", "", "", "", ["wizard"], True)
    rec = auth.save_person(db, admin_id, None, "NEW01", "陈新", "客服部", "139", "c@example.com",
                           [Role.ENGINEER, Role.VERIFIER], True, password="first-pass-1")
    assert rec.roles == {Role.ENGINEER, Role.VERIFIER}
    assert "客服部" in auth.list_departments(db)
    assert auth.sign_in(db, "NEW01", "first-pass-1").name == "陈新"
    rec = auth.save_person(db, admin_id, rec.id, "NEW01", "陈新", "客服部", "139",
                           "c@example.com", ["support"], True)
    assert people.get_person(db, rec.id).roles == {Role.SUPPORT}
    assert "person_changed" in actions(db, admin_id)


def test_last_admin_cannot_be_removed(db, demo_people):
    admin_id = demo_people["ADMIN"]
    rec = next(p for p in auth.list_people_admin(db, admin_id) if p.employee_no == "ADMIN")
    with pytest.raises(ValidationError):
        auth.save_person(db, admin_id, rec.id, "ADMIN", rec.name, rec.department, rec.contact,
                         rec.email, [Role.SUPPORT], True)
    with pytest.raises(ValidationError):
        auth.save_person(db, admin_id, rec.id, "ADMIN", rec.name, rec.department, rec.contact,
                         rec.email, rec.roles, False)
    assert Role.ADMIN in people.get_person(db, admin_id).roles


def test_admin_changes_limits_and_a_new_ticket_follows(db, demo_people):
    admin_id = demo_people["ADMIN"]
    current = admin.read_team_settings(db).limits
    changed = dict(current)
    changed[FaultLevel.IMPORTANT] = limits.LevelLimits(
        current[FaultLevel.IMPORTANT].respond, limits.ClockLimit(180))
    admin.set_limits(db, admin_id, changed)
    assert admin.read_team_settings(db).limits[FaultLevel.IMPORTANT].restore.minutes == 180
    detail = reporting.report_fault(db, reporting.FaultReport(
        fault_type=FaultType.NETWORK, level=FaultLevel.IMPORTANT,
        affected_business="办公网络", impact_scope="二楼", phenomenon="断网"),
        demo_people["SALES005"])
    with db.read() as s:
        from models import Ticket

        t = s.get(Ticket, detail.id)
        assert t.restore_due_at - t.reported_at == timedelta(minutes=180)
    admin.set_organisation(db, admin_id, "示例集团")
    assert admin.read_team_settings(db).organisation == "示例集团"
    with pytest.raises(ValidationError):
        admin.set_organisation(db, admin_id, "  ")


def _url(db) -> str:
    return db.engine.url.render_as_string(hide_password=False)


def test_cli_recover_admin_is_for_administrators_and_passwd_for_the_signed_in(
        sqlite_url, make_db, monkeypatch, capsys):
    import io

    from tests.conftest import cli_main_as as main

    db = make_db(sqlite_url)

    def work(session):
        people.add_person(session, "BOSS", "老板", "", [Role.ADMIN])
        people.add_person(session, "CLERK", "职员", "", [Role.REPORTER])

    db.write(work)
    assert auth.needs_first_admin(db)
    monkeypatch.setattr("sys.stdin", io.StringIO("clerk-pass-1\n"))
    assert main(["--db", _url(db), "db", "recover-admin", "CLERK", "--password-stdin"]) == 1
    assert "不是管理员" in capsys.readouterr().err
    monkeypatch.setattr("sys.stdin", io.StringIO("boss-pass-1\n"))
    assert main(["--db", _url(db), "db", "recover-admin", "BOSS", "--password-stdin"]) == 0
    assert not auth.needs_first_admin(db)
    assert auth.sign_in(db, "BOSS", "boss-pass-1").name == "老板"
    # the owner of the file can always recover an administrator (say, one locked out)
    monkeypatch.setattr("sys.stdin", io.StringIO("boss-pass-2\n"))
    assert main(["--db", _url(db), "db", "recover-admin", "BOSS", "--password-stdin"]) == 0
    assert auth.sign_in(db, "BOSS", "boss-pass-2").name == "老板"
    # without signing in, passwd acts as nobody
    monkeypatch.setattr("sys.stdin", io.StringIO("clerk-pass-1\n"))
    from desk.cli.main import main as plain_main

    assert plain_main(["--db", _url(db), "passwd", "CLERK", "--password-stdin"]) == 1
    assert "desk login" in capsys.readouterr().err
    monkeypatch.setattr("sys.stdin", io.StringIO("clerk-pass-1\n"))
    assert main(["--db", _url(db), "passwd", "CLERK", "--as", "BOSS", "--password-stdin"]) == 0
    assert auth.sign_in(db, "CLERK", "clerk-pass-1").name == "职员"


def test_cli_person_add_is_for_administrators(db, demo_people, monkeypatch, capsys):
    import io

    from tests.conftest import cli_main_as as main

    args = ["--db", _url(db), "person", "add", "NEW09", "新同事", "--department", "客服部",
            "--role", "engineer", "--role", "verifier", "--password-stdin"]
    monkeypatch.setattr("sys.stdin", io.StringIO("new-pass-09\n"))
    assert main([*args, "--as", "IT001"]) == 1
    assert "管理员" in capsys.readouterr().err
    monkeypatch.setattr("sys.stdin", io.StringIO("new-pass-09\n"))
    assert main([*args, "--as", "ADMIN"]) == 0
    assert auth.sign_in(db, "NEW09", "new-pass-09").roles == {Role.ENGINEER, Role.VERIFIER}
    assert main(["--db", _url(db), "person", "list", "--as", "ADMIN"]) == 0
    assert "NEW09\t新同事\t客服部\t工程师、验证人\t在用" in capsys.readouterr().out  # as desk people names them


def test_what_was_typed_as_the_number_is_kept_only_as_a_keyed_hash(db, demo_people):
    typed = "my-Secret-Passw0rd"  # a password typed into the number box
    with pytest.raises(auth.SignInError):
        auth.sign_in(db, typed, "whatever-1")
    with db.read() as s:
        texts = [f"{e.action} {e.changes} {e.details} {e.reason}" for e in
                 s.scalars(select(Event).where(Event.action == "sign_in_failed"))]
    assert texts and not any(typed in t or typed.lower() in t.lower() for t in texts)
    with db.read() as s:
        keys = [e.details.get("number_key") for e in
                s.scalars(select(Event).where(Event.action == "sign_in_failed"))]
    assert keys == [auth.number_key(typed)] and auth.number_key(typed) != auth.number_key("x")


def test_a_known_and_an_unknown_number_answer_alike_in_the_same_time(db, demo_people, clock):
    import time

    auth.set_password(db, demo_people["IT001"], demo_people["IT001"], "the-right-one")
    known, unknown, texts = [], [], set()
    def fresh_account(session):
        person = session.scalar(select(Person).where(Person.employee_no == "IT001"))
        person.failed_logins, person.locked_until = 0, None

    for i in range(24):
        # each round from the same start: no failures counted, no desk waiting
        clock.advance(hours=2)
        db.write(fresh_account)
        for number, times in (("IT001", known), (f"NOBODY{i % 3}", unknown)):
            clock.advance(minutes=6)  # past this desk's longest wait
            start = time.perf_counter()
            with pytest.raises(auth.SignInError) as refused:
                auth.sign_in(db, number, "not-the-password")
            times.append(time.perf_counter() - start)
            texts.add((refused.value.zh, refused.value.en))
    assert len(texts) == 1
    known.sort()
    unknown.sort()
    ratio = known[len(known) // 2] / unknown[len(unknown) // 2]
    assert 0.8 <= ratio <= 1.2, (ratio, known[:3], unknown[:3])


def test_failures_slow_down_the_desk_that_makes_them(db, demo_people, clock):
    numbers = ["IT001", "LEAD01", "CTO01", "DEV002", "OP003"]
    for number in numbers:  # one wrong guess on each of five accounts: none is locked
        with pytest.raises(auth.SignInError):
            auth.sign_in(db, number, "spray-password-1")
    assert auth.desk_wait(5) == timedelta(seconds=2)
    before = actions(db)
    with pytest.raises(auth.SignInError) as waiting:
        auth.sign_in(db, "SALES005", DEMO_PASSWORD)  # the right one: still not now
    assert "此工作站" in waiting.value.zh and waiting.value.retry_after == timedelta(seconds=2)
    assert actions(db) == before  # not even looked at
    clock.advance(seconds=3)
    with pytest.raises(auth.SignInError):
        auth.sign_in(db, "FIN007", "spray-password-1")
    assert auth.desk_wait(6) == timedelta(seconds=4)
    clock.advance(seconds=5)
    assert auth.sign_in(db, "SALES005", DEMO_PASSWORD).employee_no == "SALES005"
    # a success resets the desk; the accounts were never locked
    assert all(person_row(db, n)[1] is None for n in numbers)
    with pytest.raises(auth.SignInError) as fresh:
        auth.sign_in(db, "IT001", "spray-password-1")
    assert fresh.value.retry_after is None
    assert auth.desk_wait(60) == auth.DESK_MAX_WAIT
