"""The queue's free-text search: a substring of number, business or phenomenon, the same
on SQLite (trigram full-text index for three characters or more) and PostgreSQL."""

from __future__ import annotations

import pytest

from desk.process import editing, reporting
from desk.process.reporting import FaultReport
from desk.read import tickets
from desk.read.queue import TicketQuery, count_tickets, list_tickets
from models import FaultType

TEXTS = [
    ("销售订单系统 – 下单", "点击“提交订单”后页面显示错误 500"),
    ("财务报表 – 数据导出", "导出的 Excel 金额合计不符"),
    ("OA 办公系统 – 登录", "提示密码错误（Password Invalid）"),
    ("VPN 远程接入", "证书过期，连接被拒绝 \"quoted\" 100% 失败"),
    ("CRM – 客户导入", "导入时提示 format_error"),
]


@pytest.fixture
def filed(db, demo_people):
    numbers = []
    for business, phenomenon in TEXTS:
        t = reporting.report_fault(db, FaultReport(
            fault_type=FaultType.APPLICATION, affected_business=business,
            phenomenon=phenomenon), demo_people["IT001"])
        numbers.append(t.number)
    return numbers


def expected(numbers, needle):
    low = needle.lower()
    return {n for n, (b, p) in zip(numbers, TEXTS, strict=True)
            if low in n.lower() or low in b.lower() or low in p.lower()}


@pytest.mark.parametrize("needle", [
    "提交订单", "错误 500", "excel", "EXCEL", "password invalid", "\"quoted\"", "100%",
    "format_error", "_er", "报表", "OA", "系统 – ", "不存在的文字", "APP-2026",
])
def test_search_finds_exactly_the_tickets_holding_the_text(db, filed, needle):
    found = {r.number for r in list_tickets(db, TicketQuery(text=needle), 0, 100)}
    assert found == expected(filed, needle)
    assert count_tickets(db, TicketQuery(text=needle)) == len(found)


def test_an_edited_phenomenon_is_found_by_its_new_text(db, filed, demo_people):
    detail = tickets.get_ticket(db, filed[0])
    editing.update_fields(db, detail.id, demo_people["IT001"],
                          {"phenomenon": "打印机卡纸无法打印"}, detail.version)
    assert {r.number for r in list_tickets(db, TicketQuery(text="卡纸无法"), 0, 10)} \
        == {filed[0]}
    assert list_tickets(db, TicketQuery(text="提交订单"), 0, 10) == []
