"""May this person fire this transition on this ticket now, and if not, why not.

The transition table (``desk.rules.transitions``) says which roles may fire a step in
which state. A few steps have conditions of the ticket itself on top: the proposer
may not confirm or approve their own solution, each of the two sign-offs is given
once and by two different people, and only the named verifier verifies. This module
holds those conditions once, as plain values: the workflow service refuses with the
same message the window shows on a greyed action. No database here.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from desk.rules.transitions import Transition
from models.vocabulary import Role, Status


@dataclass(frozen=True)
class Reason:
    """Why not, in both languages; ``done`` when the step was already taken (a state
    question, not one of permission)."""

    zh: str
    en: str
    done: bool = False


def refusal(spec: Transition, person_id: int, roles: Iterable[Role],
            values: Mapping[str, Any], names: Mapping[int, str] | None = None) -> Reason | None:
    """None when ``person_id`` may fire ``spec`` on a ticket with ``values`` now.

    ``values`` are the ticket's columns (``TicketDetail.values``); ``names`` maps person
    ids to names, for saying whom a step waits for.
    """
    status = values.get("status")
    held = set(roles)
    if not held & spec.roles:
        needed_zh = "、".join(r.label_zh for r in sorted(spec.roles, key=lambda r: r.value))
        needed_en = ", ".join(r.label_en for r in sorted(spec.roles, key=lambda r: r.value))
        return Reason(f"需要以下角色之一：{needed_zh}。", f"Needs one of the roles: {needed_en}.")
    if status not in spec.sources:
        label = status.label_zh if isinstance(status, Status) else str(status)
        label_en = status.label_en if isinstance(status, Status) else str(status)
        return Reason(f"故障当前为“{label}”，不能“{spec.label_zh}”。",
                      f"The fault is “{label_en}”; it cannot “{spec.label_en}” now.", True)
    name = spec.name
    if name in ("confirm", "approve", "reject") \
            and values.get("solution_proposed_by_id") == person_id:
        what_zh, what_en = {"confirm": ("确认", "confirm"), "approve": ("审批", "approve"),
                            "reject": ("驳回", "send back")}[name]
        return Reason(f"方案提出人不能{what_zh}自己的方案。",
                      f"The proposer cannot {what_en} their own solution.")
    if name in ("confirm", "approve"):
        mine, other = (("business_confirmed_by_id", "technical_approved_by_id")
                       if name == "confirm" else
                       ("technical_approved_by_id", "business_confirmed_by_id"))
        if values.get(mine) is not None:
            return (Reason("业务方已确认过此方案。", "The business side already confirmed.", True)
                    if name == "confirm" else
                    Reason("此方案已通过技术审批。", "The solution is already approved.", True))
        if values.get(other) == person_id:
            return Reason("业务确认与技术审批须由两个不同的人完成。",
                          "Business confirmation and technical approval need two different "
                          "people.")
    if name == "verify":
        verifier = values.get("verifier_id")
        if verifier is not None and verifier != person_id:
            who = (names or {}).get(int(verifier))
            if who:
                return Reason(f"只有指定的验证人（{who}）可以验证。",
                              f"Only the named verifier ({who}) may verify.")
            return Reason("只有指定的验证人可以验证。", "Only the named verifier may verify.")
    return None
