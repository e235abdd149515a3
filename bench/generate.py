"""Many realistic tickets, fast: the data set for the scale benchmarks.

``generate_tickets(url, n, seed=1)`` migrates the database at ``url`` (SQLite file or
PostgreSQL) and appends ``n`` tickets reported over the two years before 2026-12-01
(Beijing time): levels 5 % / 25 % / 70 %, eight fault types, some forty Chinese
business names with a long tail, response, restore and resolve times drawn from
log-normal distributions around the SLA limits, and states that depend on age (old
faults are resolved or archived, recent ones still open). Rows go in with one bulk
``executemany`` per chunk on SQLite and ``COPY`` on PostgreSQL, bypassing the ORM;
every NOT NULL column gets its default. Neither bypasses the search indexes: SQLite's
insert triggers fill the FTS5 table (0007/0008) and ``COPY`` maintains PostgreSQL's
indexes; ``ANALYZE`` afterwards gives the planner the statistics of the character-pair
index (tests/test_search_index.py searches generated tickets), and on PostgreSQL
``VACUUM`` sets the visibility map as autovacuum would on a live table. The same seed
gives the same data.

    python -m bench.generate URL N [SEED]
"""

from __future__ import annotations

import math
import random
import sys
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

TZ = ZoneInfo("Asia/Shanghai")
END = datetime(2026, 12, 1, tzinfo=TZ).astimezone(UTC)
SPAN = timedelta(days=730)
CHUNK = 20_000

BUSINESSES = [
    "销售订单系统 – 下单", "财务报表 – 数据导出", "OA 办公系统 – 登录", "邮件系统 – 外部邮件",
    "仓储管理系统 – 出库", "VPN 远程接入", "CRM – 客户导入", "办公网络 – 三楼", "会议室预订",
    "打印服务 – 财务部打印机", "人力资源系统 – 考勤", "薪酬系统 – 工资条", "采购系统 – 审批流",
    "合同管理 – 电子签章", "客服热线 – 呼叫中心", "官网 – 在线商城", "移动 App – 支付",
    "数据仓库 – 日报", "BI 报表 – 经营看板", "ERP – 总账", "ERP – 应收应付", "MES – 生产排程",
    "WMS – 盘点", "TMS – 运输调度", "POS 收银 – 门店", "会员系统 – 积分", "短信平台 – 验证码",
    "统一认证 – 单点登录", "文件共享 – NAS", "视频会议", "企业微信 – 审批", "门禁系统",
    "监控平台 – 告警", "备份系统 – 夜间备份", "测试环境 – 集成测试", "开发平台 – 代码仓库",
    "知识库 – 检索", "报销系统 – 差旅报销", "资产管理 – 领用", "培训平台 – 在线课程",
]
TYPES = ["SYS", "APP", "DATA", "NET", "HW", "CFG", "OPS", "OTH"]
TYPE_WEIGHTS = [22, 20, 12, 14, 8, 10, 10, 4]
LEVEL_WEIGHTS = [5, 25, 70]
RESPOND_LIMIT = {1: 5, 2: 15, 3: 30}
RESTORE_LIMIT = {1: 30, 2: 120, 3: 4 * 1440}
OPEN_STATES = ["reported", "triage", "dispatched", "diagnosing", "solution_proposed",
               "implementing", "verifying"]
PHENOMENA = ["点击提交后页面报 500 错误", "无法登录，提示密码错误", "导出的报表数据为空",
             "网络时断时续", "打印任务卡在队列中", "页面加载超过 30 秒"]


def _lognormal(rng: random.Random, median: float, sigma: float) -> float:
    return median * math.exp(rng.gauss(0.0, sigma))


def _ticket(rng: random.Random, index: int) -> dict[str, Any]:
    reported = END - timedelta(seconds=rng.random() * SPAN.total_seconds())
    level = rng.choices((1, 2, 3), weights=LEVEL_WEIGHTS)[0]
    fault_type = rng.choices(TYPES, weights=TYPE_WEIGHTS)[0]
    business = BUSINESSES[min(int(rng.paretovariate(1.1)) - 1, len(BUSINESSES) - 1)] \
        if rng.random() < 0.7 else rng.choice(BUSINESSES)
    age_days = (END - reported).total_seconds() / 86400
    respond_limit, restore_limit = RESPOND_LIMIT[level], RESTORE_LIMIT[level]
    row: dict[str, Any] = {
        "number": f"{fault_type}-{reported.astimezone(TZ):%Y%m%d}-{index:07d}",
        "fault_type": fault_type, "level": level, "occurred_at": reported - timedelta(
            minutes=rng.randint(0, 60)),
        "reporter_name": "测试用户", "affected_business": business,
        "business_interrupted": level == 1 and rng.random() < 0.6,
        "reported_at": reported, "phenomenon": rng.choice(PHENOMENA),
        "respond_due_at": reported + timedelta(minutes=respond_limit),
        # level 3 counts working days; four calendar days and a bit is close enough here
        "restore_due_at": reported + timedelta(minutes=restore_limit * (1.4 if level == 3
                                                                         else 1.0)),
    }
    open_chance = 0.6 if age_days < 3 else 0.15 if age_days < 30 else 0.01
    if rng.random() < 0.02:
        row["status"] = "cancelled"
        row["cancelled_at"] = reported + timedelta(minutes=rng.randint(5, 600))
        return row
    if rng.random() < 0.97 or age_days > 1:
        row["responded_at"] = reported + timedelta(
            minutes=min(_lognormal(rng, respond_limit * 0.5, 0.7), age_days * 1440))
    if row.get("responded_at") is None or rng.random() < open_chance:
        row["status"] = rng.choice(OPEN_STATES) if row.get("responded_at") else "reported"
        if row["status"] in ("implementing", "verifying") and rng.random() < 0.5:
            row["workaround_at"] = reported + timedelta(
                minutes=_lognormal(rng, restore_limit * 0.4, 0.8))
        return row
    restore = _lognormal(rng, restore_limit * (0.5 if level < 3 else 0.25), 0.9)
    if level < 3 and rng.random() < 0.5:
        row["workaround_at"] = reported + timedelta(minutes=restore)
        row["restored_at"] = reported + timedelta(minutes=restore * rng.uniform(1.2, 6))
    else:
        row["restored_at"] = reported + timedelta(minutes=restore)
    rounds = 1 if rng.random() < 0.88 else rng.choice((2, 2, 3))
    done = max(row["restored_at"], row.get("workaround_at") or row["restored_at"])
    row.update(
        status="archived" if age_days > 30 and rng.random() < 0.8 else "resolved",
        verification_rounds=rounds, verification_passed=True,
        verified_at=done + timedelta(minutes=rng.randint(10, 1440)),
    )
    row["resolved_at"] = row["verified_at"]
    if row["status"] == "archived":
        row["archived_at"] = row["resolved_at"] + timedelta(days=rng.randint(1, 10))
    return row


def _columns() -> tuple[list[str], dict[str, Any]]:
    from models import Ticket

    names, defaults = [], {}
    for column in Ticket.__table__.columns:
        if column.name == "id":
            continue
        names.append(column.name)
        default = column.default.arg if column.default is not None else None
        defaults[column.name] = None if callable(default) else default
    return names, defaults


def rows(n: int, seed: int = 1, start_index: int = 0) -> Iterator[dict[str, Any]]:
    """The generated tickets as column dicts (only the columns that differ from defaults)."""
    rng = random.Random(seed)
    for index in range(start_index, start_index + n):
        yield _ticket(rng, index)


def _sqlite_value(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.astimezone(UTC).replace(tzinfo=None).isoformat(sep=" ",
                                                                     timespec="microseconds")
    if isinstance(value, bool):
        return int(value)
    return value


def generate_tickets(url: str, n: int, seed: int = 1) -> None:
    """Migrate the database at ``url`` and append ``n`` generated tickets to it."""
    from desk.bootstrap import open_database

    db = open_database(url)
    try:
        names, defaults = _columns()
        with db.engine.connect() as conn:
            existing = conn.exec_driver_sql("SELECT count(*) FROM tickets").scalar_one()
        start_index = int(existing)
        raw = db.engine.raw_connection()
        try:
            if db.backend == "postgresql":
                _copy_pg(raw, names, defaults, n, seed, start_index)
            else:
                _insert_sqlite(raw, names, defaults, n, seed, start_index)
            raw.commit()
        finally:
            raw.close()
        if db.backend == "postgresql":
            # what autovacuum does to a live table: the visibility map lets the period
            # scans read their index alone (ix_tickets_period), as they do on a desk's
            # database, and not the table
            with db.engine.connect().execution_options(
                    isolation_level="AUTOCOMMIT") as conn:
                conn.exec_driver_sql("VACUUM (ANALYZE)")
        else:
            with db.engine.begin() as conn:
                conn.exec_driver_sql("ANALYZE")
    finally:
        db.dispose()


def _insert_sqlite(raw: Any, names: list[str], defaults: dict[str, Any], n: int, seed: int,
                   start_index: int) -> None:
    sql = (f"INSERT INTO tickets ({', '.join(names)}) "
           f"VALUES ({', '.join('?' for _ in names)})")
    cursor = raw.cursor()
    # a bulk load into a fresh file: no rollback journal, no waiting for the disk
    cursor.execute("PRAGMA synchronous = OFF")
    cursor.execute("PRAGMA journal_mode = MEMORY")
    batch: list[tuple[Any, ...]] = []
    for row in rows(n, seed, start_index):
        batch.append(tuple(_sqlite_value(row.get(c, defaults[c])) for c in names))
        if len(batch) >= CHUNK:
            cursor.executemany(sql, batch)
            batch.clear()
    if batch:
        cursor.executemany(sql, batch)
    cursor.close()


def _copy_pg(raw: Any, names: list[str], defaults: dict[str, Any], n: int, seed: int,
             start_index: int) -> None:
    conn = raw.driver_connection
    with conn.cursor() as cursor, cursor.copy(
            f"COPY tickets ({', '.join(names)}) FROM STDIN") as copy:
        for row in rows(n, seed, start_index):
            copy.write_row([row.get(c, defaults[c]) for c in names])


if __name__ == "__main__":
    generate_tickets(sys.argv[1], int(sys.argv[2]), int(sys.argv[3]) if len(sys.argv) > 3
                     else 1)
