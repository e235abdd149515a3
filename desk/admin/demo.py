"""Demo data: SPEC.md's sample people and a dozen faults in different states.

The faults are walked through the real services with a clock set back in time, so
their numbers, deadlines and events are exactly what a real desk would have made.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select

from desk.db import Database
from desk.errors import DeskError
from desk.process import people, workflow
from desk.process.reporting import FaultReport, report_fault
from models import FaultLevel, FaultType, Person, Role, TeamDuty, Ticket

R = Role

DEMO_PEOPLE: list[tuple[str, str, str, set[Role], str]] = [
    ("ADMIN", "系统管理员", "信息技术部", {R.ADMIN}, "010-8000-0000"),
    ("IT001", "刘洋", "信息技术部", {R.SUPPORT}, "138-0000-0001"),
    ("LEAD01", "张经理", "信息技术部", {R.SUPPORT_LEAD, R.SUPPORT}, "138-0000-0010"),
    ("CTO01", "李总", "信息技术部", {R.DIRECTOR}, "138-0000-0011"),
    ("DEV002", "王强", "研发部", {R.ENGINEER}, "138-0000-0002"),
    ("OP003", "赵敏", "运维部", {R.ENGINEER}, "138-0000-0003"),
    ("DBA004", "周涛", "运维部", {R.ENGINEER}, "138-0000-0004"),
    ("SALES005", "孙丽", "销售部", {R.REPORTER, R.VERIFIER}, "138-0000-0005"),
    ("BIZ006", "钱主管", "销售部", {R.BUSINESS_CONFIRMER, R.VERIFIER}, "138-0000-0006"),
    ("FIN007", "吴会计", "财务部", {R.REPORTER, R.VERIFIER}, "138-0000-0007"),
]

# department heads (Department.head_id), told at once when a fault stops their business
DEMO_HEADS = {"销售部": "BIZ006", "信息技术部": "LEAD01", "财务部": "FIN007", "运维部": "OP003"}


@dataclass(frozen=True)
class DemoFault:
    fault_type: FaultType
    level: FaultLevel
    business: str
    scope: str
    phenomenon: str
    steps: str
    reporter: str
    hours_ago: float
    stage: str  # how far through the process the fault gets


FAULTS: list[DemoFault] = [
    DemoFault(FaultType.SYSTEM, FaultLevel.URGENT, "销售订单系统 – 下单", "全公司销售人员无法下单",
              "点击“提交订单”后页面显示错误 500，所有用户均无法下单。",
              "1. 登录销售系统；2. 打开“新建订单”；3. 填写商品并点击提交；4. 页面报错 500",
              "SALES005", 30, "archived"),
    DemoFault(FaultType.APPLICATION, FaultLevel.GENERAL, "OA 办公系统 – 登录", "销售部一名员工",
              "无法登录 OA：提示密码错误，但密码确认无误。",
              "1. 打开 OA 登录页；2. 输入工号和密码；3. 提示“密码错误”",
              "SALES005", 26, "resolved"),
    DemoFault(FaultType.DATA, FaultLevel.IMPORTANT, "财务报表 – 数据导出", "财务部月结报表",
              "导出月度报表时金额合计与明细不符，差额约 3.2 万元。",
              "1. 打开财务报表；2. 选择 10 月；3. 点击导出 Excel；4. 对比合计",
              "FIN007", 20, "verifying"),
    DemoFault(FaultType.NETWORK, FaultLevel.IMPORTANT, "办公网络 – 三楼", "三楼销售部约 40 人",
              "三楼无线网络频繁掉线，视频会议中断。", "", "SALES005", 9, "implementing"),
    DemoFault(FaultType.HARDWARE, FaultLevel.GENERAL, "打印服务 – 财务部打印机", "财务部",
              "财务部共享打印机卡纸后无法打印，队列堆积。", "", "FIN007", 8, "proposed"),
    DemoFault(FaultType.CONFIGURATION, FaultLevel.GENERAL, "邮件系统 – 外部邮件", "全员外发邮件",
              "发往外部客户的邮件被退回，提示 SPF 校验失败。", "", "SALES005", 6, "diagnosing"),
    DemoFault(FaultType.SYSTEM, FaultLevel.URGENT, "仓储管理系统 – 出库", "仓库全部出库作业停止",
              "仓储系统出库单无法保存，数据库连接池耗尽。", "", "SALES005", 3, "dispatched"),
    DemoFault(FaultType.USER_OPERATION, FaultLevel.GENERAL, "CRM – 客户导入", "一名销售人员",
              "导入客户 Excel 时提示格式错误。", "", "SALES005", 2.5, "on_spot"),
    DemoFault(FaultType.APPLICATION, FaultLevel.IMPORTANT, "销售订单系统 – 报价单",
              "部分销售人员", "生成报价单 PDF 时中文显示为方框。", "", "SALES005", 1.5, "triage"),
    DemoFault(FaultType.OTHER, FaultLevel.GENERAL, "会议室预订", "行政部",
              "会议室预订页面与 OA 重复提交，疑似重复报障。", "", "FIN007", 1.2, "cancelled"),
    DemoFault(FaultType.DATA, FaultLevel.GENERAL, "销售订单系统 – 客户档案", "个别客户档案",
              "客户联系电话显示为乱码。", "", "SALES005", 0.6, "reported"),
    DemoFault(FaultType.NETWORK, FaultLevel.URGENT, "VPN 远程接入", "所有出差人员",
              "VPN 无法连接，提示证书过期。", "", "SALES005", 0.2, "reported"),
]

STAGES = ["reported", "triage", "dispatched", "diagnosing", "proposed", "implementing",
          "verifying", "resolved", "archived"]


def generate_passwords() -> dict[str, str]:
    """A fresh random password for every demo person (never a published one)."""
    import secrets

    return {no: secrets.token_urlsafe(9) for no, *_ in DEMO_PEOPLE}


def shared_passwords(password: str) -> dict[str, str]:
    """The same given password for every demo person (``desk demo --password-stdin``)."""
    return dict.fromkeys((no for no, *_ in DEMO_PEOPLE), password)


_HASHES: dict[str, str] = {}


def ensure_people(db: Database, passwords: dict[str, str] | None = None) -> dict[str, int]:
    """Add the sample people that are missing; return employee number → id.

    ``passwords`` (employee number → password) sets the password of a person who has
    none yet; without it the people have no password (nobody can sign in as them).
    """
    from desk.process.auth import hash_password

    hashes: dict[str, str] = {}
    for password in set((passwords or {}).values()):
        # hashing is slow on purpose: one hash per distinct password per process
        if password not in _HASHES:
            _HASHES[password] = hash_password(password)
        hashes[password] = _HASHES[password]

    def work(session: Any) -> dict[str, int]:
        ids: dict[str, int] = {}
        for no, name, dept, roles, contact in DEMO_PEOPLE:
            person = session.scalar(select(Person).where(Person.employee_no == no))
            if person is None:
                person = people.add_person(session, no, name, dept, roles, contact,
                                           f"{no.lower()}@example.com")
            if person.password_hash is None and passwords and no in passwords:
                person.password_hash = hashes[passwords[no]]
            ids[no] = person.id
        for dept_name, head_no in DEMO_HEADS.items():  # told first when business stops
            department = people.ensure_department(session, dept_name)
            if department.head_id is None:
                department.head_id = ids[head_no]
        return ids

    return db.write(work)


def check_may_add_demo(db: Database, *, force: bool = False) -> None:
    """Refuse demo data where it does not belong: a database that has people already,
    and a PostgreSQL database (a team's) unless ``force`` is given for an empty one."""
    with db.read() as session:
        anybody = bool(session.scalar(select(func.count(Person.id))))
    if anybody:
        raise DeskError(
            "此数据库中已有人员，不能添加演示数据（演示数据只用于新的空数据库）。",
            "This database already has people; demo data goes only into a new, empty "
            "database.")
    if db.backend != "sqlite" and not force:
        raise DeskError(
            "演示数据不会写入 PostgreSQL 数据库（团队数据库）；确需在空库中添加请加 --force。",
            "Demo data is not added to a PostgreSQL (team) database; for an empty one "
            "that is really meant for a demo, add --force.")


def create_demo(db: Database, passwords: dict[str, str], *, force: bool = False) -> list[str]:
    """``desk demo`` and the window's ``--demo``: checked, then the people and faults."""
    check_may_add_demo(db, force=force)
    return add_demo_data(db, passwords)


def has_tickets(db: Database) -> bool:
    with db.read() as session:
        return bool(session.scalar(select(func.count(Ticket.id))))


def add_demo_data(db: Database, passwords: dict[str, str] | None = None) -> list[str]:
    """Add the sample people and faults; return the new fault numbers (unchecked: see
    ``create_demo`` for what the command line and the window do)."""
    ids = ensure_people(db, passwords)
    real_clock = db.clock
    base = real_clock()
    numbers: list[str] = []
    try:
        for fault in FAULTS:
            numbers.append(_walk(db, fault, ids, base, real_clock))
    finally:
        db.clock = real_clock
    return numbers


def _walk(db: Database, fault: DemoFault, ids: dict[str, int], base: datetime,
          real_clock: Callable[[], datetime]) -> str:
    moment = [base - timedelta(hours=fault.hours_ago)]

    def at(minutes: float) -> None:
        moment[0] = min(moment[0] + timedelta(minutes=minutes), real_clock())

    db.clock = lambda: moment[0]
    detail = report_fault(db, FaultReport(
        fault_type=fault.fault_type, level=fault.level, affected_business=fault.business,
        impact_scope=fault.scope, phenomenon=fault.phenomenon, reproduce_steps=fault.steps,
        occurred_at=moment[0] - timedelta(minutes=10),
        business_interrupted=fault.level == FaultLevel.URGENT,
    ), ids[fault.reporter])
    number: str = detail.number
    if fault.stage == "reported":
        return number

    def do(name: str, who: str, minutes: float, **data: Any) -> None:
        at(minutes)
        workflow.perform(db, name, number, ids[who], data)

    do("triage", "IT001", 3 if fault.level == FaultLevel.URGENT else 10,
       first_contact="已电话联系报告人，确认现象属实。", confirmed_details="可稳定复现。",
       reproducible=True, first_investigation="初步判断为服务端问题。",
       fault_type=fault.fault_type.value, level=int(fault.level))
    if fault.stage == "triage":
        return number
    if fault.stage == "cancelled":
        do("cancel", "IT001", 5, reason="与已有故障重复，已合并处理。")
        return number
    if fault.stage == "on_spot":
        do("solve_on_spot", "IT001", 10, temporary_solution="远程指导用户按模板重新整理 Excel 后导入成功。")
        return number
    team: dict[str, Any] = {"level": int(fault.level),
                            "cooperation_required": "请业务部门指派对接人，保持电话畅通。"}
    if fault.level == FaultLevel.URGENT:
        team.update(coordinator_id=ids["CTO01"], business_contact_id=ids["BIZ006"],
                    team=[(ids["OP003"], TeamDuty.OPS.value), (ids["DEV002"], TeamDuty.DEVELOPMENT.value),
                          (ids["DBA004"], TeamDuty.DATABASE.value)])
    elif fault.level == FaultLevel.IMPORTANT:
        team.update(lead_engineer_id=ids["DEV002"], business_contact_id=ids["BIZ006"])
    else:
        team.update(module_engineer_id=ids["OP003"])
    do("dispatch", "LEAD01", 5, **team)
    if fault.stage == "dispatched":
        return number
    engineer = "OP003" if fault.level == FaultLevel.GENERAL else "DEV002"
    if fault.level == FaultLevel.URGENT:
        do("restore", engineer, 10, kind="workaround", description="切换到备用服务器，业务临时恢复。")
    do("analyse", engineer, 20, root_cause="数据库连接未释放导致连接池耗尽。",
       underlying_cause="新版本代码遗漏了异常分支中的连接关闭。",
       impact_assessment="影响下单约 25 分钟，无数据丢失。",
       reproduce_conditions="并发 200 以上且出现超时异常时。",
       evidence_list="应用日志 app.log；数据库连接监控截图。",
       analysis_report_required=fault.level == FaultLevel.URGENT)
    if fault.stage == "diagnosing":
        return number
    do("propose", engineer, 15, temporary_solution="重启应用服务并扩大连接池。",
       long_term_solution="修复异常分支中的连接释放，增加连接池监控告警。")
    if fault.stage == "proposed":
        return number
    do("confirm", "BIZ006", 10)
    do("approve", "CTO01" if fault.level == FaultLevel.URGENT else "LEAD01", 5)
    do("step", engineer, 10, action="在测试环境验证补丁", state_after="测试通过")
    do("step", engineer, 20, action="生产环境发布补丁", state_after="服务正常，连接数稳定")
    if fault.stage == "implementing":
        return number
    verifier = fault.reporter
    do("submit_verification", engineer, 5, verifier_id=ids[verifier])
    if fault.stage == "verifying":
        return number
    do("verify", verifier, 30, passed=True, environment="生产环境", checked="重新下单 5 笔均成功",
       items=[{"item": "提交订单", "expected": "成功", "actual": "成功", "passed": True}])
    if fault.stage == "resolved":
        return number
    do("archive", "LEAD01", 60, summary="连接池耗尽导致下单失败，已修复。",
       prevention_measures="代码评审检查资源释放；连接池使用率超过 80% 告警。")
    return number
