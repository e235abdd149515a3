"""People and departments as the rest of Desk sees them (plain views, no ORM objects)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from desk.db import Database
from desk.errors import NotFoundError
from models import Department, Person, PersonRole, Role


@dataclass(frozen=True)
class PersonView:
    id: int
    employee_no: str
    name: str
    department: str
    contact: str
    email: str
    roles: frozenset[Role]

    @property
    def display(self) -> str:
        return f"{self.name}（{self.employee_no}）"


def view_of(person: Person) -> PersonView:
    return PersonView(
        id=person.id,
        employee_no=person.employee_no,
        name=person.name,
        department=person.department.name if person.department else "",
        contact=person.contact,
        email=person.email,
        roles=person.roles,
    )


def list_people(db: Database, role: Role | None = None) -> list[PersonView]:
    with db.read() as session:
        stmt = select(Person).where(Person.active.is_(True)).order_by(Person.employee_no)
        if role is not None:
            stmt = stmt.where(Person.role_rows.any(PersonRole.role == role))
        return [view_of(p) for p in session.scalars(stmt)]


def find_by_employee_no(session: Session, employee_no: str) -> Person:
    person = session.scalar(select(Person).where(Person.employee_no == employee_no.strip()))
    if person is None:
        raise NotFoundError(
            f"没有工号为 {employee_no} 的人员。", f"There is no person with number {employee_no}."
        )
    return person


def person_id(db: Database, employee_no: str) -> int:
    with db.read() as session:
        return find_by_employee_no(session, employee_no).id


def get_person(db: Database, pid: int) -> PersonView:
    with db.read() as session:
        person = session.get(Person, pid)
        if person is None:
            raise NotFoundError(f"没有此人员（{pid}）。", f"No such person ({pid}).")
        return view_of(person)


def ensure_department(session: Session, name: str) -> Department:
    dept = session.scalar(select(Department).where(Department.name == name))
    if dept is None:
        dept = Department(name=name)
        session.add(dept)
        session.flush()
    return dept


def add_person(
    session: Session,
    employee_no: str,
    name: str,
    department: str,
    roles: Iterable[Role],
    contact: str = "",
    email: str = "",
) -> Person:
    person = Person(
        employee_no=employee_no,
        name=name,
        department=ensure_department(session, department) if department else None,
        contact=contact,
        email=email,
        failed_logins=0,
        active=True,
    )
    person.role_rows = [PersonRole(role=r) for r in sorted(set(roles) | {Role.REPORTER})]
    session.add(person)
    session.flush()
    return person
