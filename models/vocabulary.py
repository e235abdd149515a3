"""The fixed vocabulary of the record table: fault types, levels, states, roles.

These enums are stored by value in the database, so their values never change.
Chinese and English labels sit beside them because the CLI, the PDF documents and
the window all print them; the window translates them through Qt Linguist as well.
"""

from __future__ import annotations

from enum import IntEnum, StrEnum


class FaultType(StrEnum):
    """Fault type (故障类型); the value is the abbreviation used in fault numbers."""

    SYSTEM = "SYS"
    APPLICATION = "APP"
    DATA = "DATA"
    NETWORK = "NET"
    HARDWARE = "HW"
    CONFIGURATION = "CFG"
    USER_OPERATION = "OPS"
    OTHER = "OTH"

    @property
    def label_zh(self) -> str:
        return _TYPE_LABELS[self][0]

    @property
    def label_en(self) -> str:
        return _TYPE_LABELS[self][1]


_TYPE_LABELS: dict[FaultType, tuple[str, str]] = {
    FaultType.SYSTEM: ("系统缺陷", "System bug"),
    FaultType.APPLICATION: ("功能/应用", "Function / application"),
    FaultType.DATA: ("数据", "Data"),
    FaultType.NETWORK: ("网络", "Network"),
    FaultType.HARDWARE: ("硬件", "Hardware"),
    FaultType.CONFIGURATION: ("配置", "Configuration"),
    FaultType.USER_OPERATION: ("用户操作", "User operation"),
    FaultType.OTHER: ("其他", "Other"),
}


class FaultLevel(IntEnum):
    """Severity level (故障等级): 1 is the most severe."""

    URGENT = 1
    IMPORTANT = 2
    GENERAL = 3

    @property
    def label_zh(self) -> str:
        return {1: "一级 紧急", 2: "二级 重要", 3: "三级 一般"}[self.value]

    @property
    def label_en(self) -> str:
        return {1: "1 Urgent", 2: "2 Important", 3: "3 General"}[self.value]


class Status(StrEnum):
    """Where a ticket is in the six-step process."""

    REPORTED = "reported"
    TRIAGE = "triage"
    DISPATCHED = "dispatched"
    DIAGNOSING = "diagnosing"
    SOLUTION_PROPOSED = "solution_proposed"
    IMPLEMENTING = "implementing"
    VERIFYING = "verifying"
    RESOLVED = "resolved"
    ARCHIVED = "archived"
    CANCELLED = "cancelled"

    @property
    def label_zh(self) -> str:
        return _STATUS_LABELS[self][0]

    @property
    def label_en(self) -> str:
        return _STATUS_LABELS[self][1]

    @property
    def is_closed(self) -> bool:
        return self in (Status.RESOLVED, Status.ARCHIVED, Status.CANCELLED)


_STATUS_LABELS: dict[Status, tuple[str, str]] = {
    Status.REPORTED: ("待受理", "Reported"),
    Status.TRIAGE: ("研判中", "Triage"),
    Status.DISPATCHED: ("处理中", "Dispatched"),
    Status.DIAGNOSING: ("分析中", "Diagnosing"),
    Status.SOLUTION_PROPOSED: ("方案待确认", "Solution proposed"),
    Status.IMPLEMENTING: ("实施中", "Implementing"),
    Status.VERIFYING: ("待验证", "Verifying"),
    Status.RESOLVED: ("已解决", "Resolved"),
    Status.ARCHIVED: ("已归档", "Archived"),
    Status.CANCELLED: ("已撤销", "Cancelled"),
}


class Role(StrEnum):
    """What a person may do; a person can hold several roles."""

    REPORTER = "reporter"
    SUPPORT = "support"
    SUPPORT_LEAD = "support_lead"
    DIRECTOR = "director"
    ENGINEER = "engineer"
    BUSINESS_CONFIRMER = "business_confirmer"
    VERIFIER = "verifier"
    ADMIN = "admin"

    @property
    def label_zh(self) -> str:
        return _ROLE_LABELS[self][0]

    @property
    def label_en(self) -> str:
        return _ROLE_LABELS[self][1]


_ROLE_LABELS: dict[Role, tuple[str, str]] = {
    Role.REPORTER: ("报告人", "Reporter"),
    Role.SUPPORT: ("值班技术支持", "On-duty support"),
    Role.SUPPORT_LEAD: ("技术支持主管", "Support lead"),
    Role.DIRECTOR: ("技术总监", "Technical director"),
    Role.ENGINEER: ("工程师", "Engineer"),
    Role.BUSINESS_CONFIRMER: ("业务确认人", "Business confirmer"),
    Role.VERIFIER: ("验证人", "Verifier"),
    Role.ADMIN: ("管理员", "Administrator"),
}


class TeamDuty(StrEnum):
    """A person's part in a handling team."""

    COORDINATOR = "coordinator"
    LEAD_ENGINEER = "lead_engineer"
    MODULE_ENGINEER = "module_engineer"
    OPS = "ops"
    DEVELOPMENT = "development"
    DATABASE = "database"
    NETWORK = "network"
    MEMBER = "member"
    BUSINESS_CONTACT = "business_contact"

    @property
    def label_zh(self) -> str:
        return _DUTY_LABELS[self][0]

    @property
    def label_en(self) -> str:
        return _DUTY_LABELS[self][1]


_DUTY_LABELS: dict[TeamDuty, tuple[str, str]] = {
    TeamDuty.COORDINATOR: ("总协调人", "Coordinator"),
    TeamDuty.LEAD_ENGINEER: ("主责工程师", "Lead engineer"),
    TeamDuty.MODULE_ENGINEER: ("模块负责工程师", "Module engineer"),
    TeamDuty.OPS: ("运维", "Operations"),
    TeamDuty.DEVELOPMENT: ("开发", "Development"),
    TeamDuty.DATABASE: ("数据库", "Database"),
    TeamDuty.NETWORK: ("网络", "Network"),
    TeamDuty.MEMBER: ("成员", "Member"),
    TeamDuty.BUSINESS_CONTACT: ("业务对接人", "Business contact"),
}


class EvidenceKind(StrEnum):
    """What an attached file is evidence of."""

    LOG = "log"
    SCREENSHOT = "screenshot"
    DATABASE_ERROR = "database_error"
    OPERATION_RECORD = "operation_record"
    MONITORING = "monitoring"
    RECORDING = "recording"
    OTHER = "other"

    @property
    def label_zh(self) -> str:
        return {
            "log": "系统日志",
            "screenshot": "错误截图",
            "database_error": "数据库报错",
            "operation_record": "用户操作记录",
            "monitoring": "服务器监控数据",
            "recording": "录屏",
            "other": "其他",
        }[self.value]


class DayKind(StrEnum):
    """A calendar exception: a holiday on a weekday, or a make-up working day (调休)."""

    HOLIDAY = "holiday"
    WORKDAY = "workday"


class LinkKind(StrEnum):
    """How one fault relates to another (关联故障)."""

    RELATED = "related"
    CAUSED_BY = "caused_by"  # this fault was caused by the other one
    DUPLICATE = "duplicate"  # this fault duplicates the other (its master); merged into it

    @property
    def label_zh(self) -> str:
        return {"related": "相关", "caused_by": "由其引起", "duplicate": "重复"}[self.value]

    @property
    def label_en(self) -> str:
        return {"related": "Related to", "caused_by": "Caused by",
                "duplicate": "Duplicate of"}[self.value]


class ProblemState(StrEnum):
    """A problem's own states (问题): 分析中 → 已知错误 → 已解决."""

    ANALYSING = "analysing"
    KNOWN_ERROR = "known_error"
    RESOLVED = "resolved"

    @property
    def label_zh(self) -> str:
        return {"analysing": "分析中", "known_error": "已知错误", "resolved": "已解决"}[self.value]

    @property
    def label_en(self) -> str:
        return {"analysing": "Analysing", "known_error": "Known error",
                "resolved": "Resolved"}[self.value]


class ActionState(StrEnum):
    """A prevention measure or review action tracked to done (整改措施)."""

    OPEN = "open"
    DONE = "done"

    @property
    def label_zh(self) -> str:
        return {"open": "未完成", "done": "已完成"}[self.value]

    @property
    def label_en(self) -> str:
        return {"open": "Open", "done": "Done"}[self.value]
