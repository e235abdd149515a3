"""What a fault waits for now, in a sentence: "等待 孙丽 验证", "下一步：提交方案（工程师）".

The status bar says it after an action ("已提交验证：… 等待 孙丽 验证"), and the action
bar shows it to a person with nothing to do on the fault. Read from the ticket's state
and the transition table; no database.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication

from desk.read.tickets import TicketDetail
from desk.rules import transitions
from models import Role, Status
from ui.labels import label as tr_label

# steps that happen beside the main line (not "what comes next")
ASIDE = frozenset({"change_level", "restore", "cancel", "reject", "solve_on_spot"})


def tr(text: str) -> str:
    return QCoreApplication.translate("NextStep", text)


def _name(detail: TicketDetail, person_id: int | None) -> str:
    shown = detail.people.get(int(person_id)) if person_id else None
    return shown.split("（", 1)[0] if shown else ""


def _roles(roles: frozenset[Role]) -> str:
    return tr("、").join(tr_label(r.label_zh) for r in sorted(roles, key=lambda r: r.value))


def waiting_for(detail: TicketDetail) -> str:
    """Whom or what the fault waits for now ("" for a closed fault)."""
    v = detail.values
    status = v["status"]
    if status in (Status.ARCHIVED, Status.CANCELLED):
        return tr("已结束，无需进一步处理")
    if status == Status.VERIFYING and v.get("verifier_id"):
        return tr("等待 {0} 验证").format(_name(detail, v["verifier_id"]))
    if status == Status.SOLUTION_PROPOSED:
        wanted = []
        if not v.get("business_confirmed_by_id"):
            wanted.append(tr_label("业务确认"))
        if not v.get("technical_approved_by_id"):
            wanted.append(tr_label("技术审批"))
        return tr("等待{0}").format(tr("、").join(wanted))
    steps = [t for t in transitions.TRANSITIONS.values()
             if status in t.sources and t.name not in ASIDE]
    if not steps:
        return ""
    who = _name(detail, v.get("assignee_id")) if status in transitions.OPEN_AFTER_DISPATCH \
        else ""
    first = steps[0]
    text = tr("下一步：{0}（{1}）").format(tr_label(first.label_zh), _roles(first.roles))
    return text + (tr("，负责人 {0}").format(who) if who else "")


def after_action(spec: transitions.Transition, detail: TicketDetail) -> str:
    """The status bar's sentence after ``spec`` was done on ``detail``."""
    done = tr("已{0}：{1}").format(tr_label(spec.label_zh), detail.number)
    next_text = waiting_for(detail)
    return done + ("；" + next_text if next_text else "") if next_text else done
