"""《故障验证结果表》: the verification result form, blank for paper or filled in.

A blank form keeps the fault's identification (number, business, solution) and
leaves everything the verifier writes as empty lines and boxes; a filled form prints
the verification recorded in Desk, still with lines for the two signatures.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import BinaryIO

from reportlab.platypus import Flowable

from reports import fonts
from reports.layout import (
    DocumentHeader,
    Spacer,
    build_pdf,
    field_grid,
    field_table,
    grid_table,
    mm,
    para,
    section,
    signature_lines,
)

TITLE = "故障验证结果表"
PASS = "■ 通过　□ 不通过"
FAIL = "□ 通过　■ 不通过"
UNDECIDED = "□ 通过　□ 不通过"


@dataclass(frozen=True)
class CheckedItem:
    item: str
    expected: str = ""
    actual: str = ""
    passed: bool | None = None


@dataclass(frozen=True)
class VerificationForm:
    """The form's content; ``blank`` leaves the verifier's part to be written by hand."""

    organisation: str
    number: str
    generated_at: datetime
    blank: bool = False
    level: str = ""
    affected_business: str = ""
    phenomenon: str = ""
    temporary_solution: str = ""
    long_term_solution: str = ""
    implemented_by: str = ""
    environment: str = ""
    checked: str = ""
    items: list[CheckedItem] = field(default_factory=list)
    passed: bool | None = None
    remarks: str = ""
    verifier: str = ""
    verified_at: str = ""
    round: str = ""  # "第 2 轮" when a fix was verified more than once
    business_head: str = ""


def _mark(passed: bool | None) -> str:
    return UNDECIDED if passed is None else (PASS if passed else FAIL)


def story(form: VerificationForm) -> list[Flowable]:
    blank = form.blank
    rows = [] if blank else [
        [str(i), c.item, c.expected, c.actual,
         "" if c.passed is None else ("通过" if c.passed else "不通过")]
        for i, c in enumerate(form.items, 1)
    ]
    return [
        *section("一、故障与解决方案", field_grid([
            ("故障编号", form.number, "故障等级", form.level),
            ("受影响业务", form.affected_business, "", None),
            ("故障现象", form.phenomenon, "", None),
            ("临时方案", form.temporary_solution, "", None),
            ("长期方案", form.long_term_solution, "", None),
            ("实施人", form.implemented_by, "验证轮次", None if blank else form.round),
        ])),
        *section("二、验证环境与内容", field_table([
            ("验证环境", None if blank else form.environment),
            ("验证内容", None if blank else form.checked),
        ])),
        *section("三、验证项", grid_table(
            ["序号", "验证项", "预期结果", "实际结果", "结论"], rows,
            [12 * mm, 54 * mm, 40 * mm, 44 * mm, 24 * mm], empty_rows=6,
        )),
        *section("四、验证结论", field_table([
            ("结论", _mark(None if blank else form.passed)),
            ("备注", None if blank else form.remarks),
            ("验证人", None if blank else form.verifier),
            ("验证时间", None if blank else form.verified_at),
        ])),
        Spacer(1, 6 * mm),
        signature_lines(
            "验证人", "业务部门负责人",
            filled=[] if blank else [(form.verifier, ""), (form.business_head, "")],
        ),
        Spacer(1, 3 * mm),
        para("验证不通过时，故障退回“深度故障定位与原因分析”环节重新处理。", "small"),
    ]


@fonts.reporting
def build(form: VerificationForm, out: str | Path | BinaryIO | None = None) -> bytes:
    header = DocumentHeader(form.organisation, TITLE, form.number, form.generated_at)
    return build_pdf(header, story(form), out)


__all__ = ["TITLE", "CheckedItem", "VerificationForm", "build"]
