"""Knowledge-base latency: search and similar-fault suggestions over many entries.

Fills a fresh database with realistic Chinese entries (archived faults: business,
phenomenon, root cause, solutions, prevention, made from combinable phrases), then
times ``desk.process.knowledge.search`` for several queries (long terms through the trigram
index, short terms through LIKE, filters, a query that matches nothing) and
``desk.process.knowledge.similar_faults`` for phenomena as a person types them.

    .venv/bin/python bench/bench_kb.py                 # SQLite and PostgreSQL, 10,000 entries
    .venv/bin/python bench/bench_kb.py --entries 2000 --sqlite-only

PostgreSQL: a scratch database is created through ``--pg`` (an administrator's URL,
default ``$DESK_BENCH_PG`` or postgresql://postgres@127.0.0.1:5432/postgres) and
dropped afterwards. Target: similar faults under 50 ms on a few thousand entries.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

DEFAULT_PG = os.environ.get("DESK_BENCH_PG", "postgresql://postgres@127.0.0.1:5432/postgres")

SYSTEMS = ["销售订单系统", "OA 办公系统", "财务报表", "仓储管理系统", "CRM", "邮件系统", "办公网络",
           "打印服务", "VPN 远程接入", "人事考勤系统", "采购审批", "会议室预订", "门户网站", "数据仓库"]
MODULES = ["下单", "登录", "数据导出", "出库", "客户导入", "外部邮件", "三楼无线", "报价单",
           "审批流", "月结", "库存同步", "打卡", "单点登录", "接口网关", "报表查询"]
SYMPTOMS = ["点击“提交”后页面显示错误 500", "页面长时间无响应后超时", "提示密码错误但密码无误",
            "导出的金额合计与明细不符", "数据库连接池耗尽，保存失败", "无线网络频繁掉线",
            "打印任务堆积无法打印", "邮件被退回，提示 SPF 校验失败", "中文显示为方框",
            "证书过期导致无法连接", "同步任务卡住，数据未更新", "接口返回 502 网关错误",
            "附件上传失败，提示文件过大", "列表加载缓慢，翻页需十几秒", "重复提交生成两张单据"]
SCOPES = ["所有用户均受影响", "部分销售人员", "财务部月结期间", "三楼约 40 人", "出差人员",
          "仅在高峰时段", "个别客户档案", "新入职员工"]
CAUSES = ["数据库连接未释放导致连接池耗尽", "新版本代码遗漏了异常分支处理", "证书未及时续期",
          "磁盘空间不足导致写入失败", "DNS 记录配置错误", "缓存与数据库数据不一致",
          "定时任务并发执行造成锁等待", "负载均衡健康检查配置不当", "字体文件缺失",
          "第三方接口限流"]
TEMPORARY = ["重启应用服务并扩大连接池", "切换到备用服务器", "手工重新执行同步任务",
             "清理磁盘临时文件", "临时放宽超时时间", "回滚到上一版本"]
LONG_TERM = ["修复异常分支中的连接释放，增加连接池监控告警", "建立证书到期提醒并自动续期",
             "优化慢查询并增加索引", "引入幂等校验防止重复提交", "扩容存储并设置使用率告警",
             "调整健康检查间隔与阈值", "打包内置中文字体"]
PREVENTION = ["代码评审检查资源释放", "上线前压测", "连接池使用率超过 80% 告警", "每月巡检证书",
              "变更前评审回滚方案", "监控接口错误率"]
TYPES = ["SYS", "APP", "DATA", "NET", "HW", "CFG", "OPS", "OTH"]


def fill(db: Any, count: int, seed: int = 7) -> None:
    """``count`` archived faults with their knowledge-base entries, inserted in bulk."""
    from sqlalchemy import insert, select

    from desk.admin.demo import ensure_people
    from models import FaultLevel, FaultType, KnowledgeEntry, Status, Ticket

    rng = random.Random(seed)
    lead = ensure_people(db)["LEAD01"]
    base = datetime(2024, 1, 1, tzinfo=UTC)
    tickets: list[dict[str, Any]] = []
    entries: list[dict[str, Any]] = []
    for i in range(count):
        business = f"{rng.choice(SYSTEMS)} – {rng.choice(MODULES)}"
        symptom = f"{rng.choice(SYMPTOMS)}，{rng.choice(SCOPES)}。"
        if rng.random() < 0.5:
            symptom += f"同时{rng.choice(SYMPTOMS)}。"
        kind = rng.choice(TYPES)
        at = base + timedelta(minutes=47 * i)
        number = f"{kind}-{at:%Y%m%d}-{i:05d}"
        tickets.append(dict(
            number=number, status=Status.ARCHIVED, fault_type=FaultType(kind),
            level=FaultLevel(rng.choice([1, 2, 3])), occurred_at=at, reported_at=at,
            reporter_name="孙丽", affected_business=business, phenomenon=symptom,
            archived_at=at + timedelta(days=1), resolved_at=at + timedelta(hours=20)))
        entries.append(dict(
            title=f"{business}：{symptom.split('，')[0]}", symptom=symptom,
            affected_business=business, fault_type=FaultType(kind),
            root_cause=rng.choice(CAUSES), temporary_solution=rng.choice(TEMPORARY),
            long_term_solution=rng.choice(LONG_TERM), prevention=rng.choice(PREVENTION),
            created_at=at, updated_at=at, created_by_id=lead, updated_by_id=lead, version=1))

    def work(session: Any) -> None:
        for start in range(0, count, 1000):
            session.execute(insert(Ticket), tickets[start:start + 1000])
        ids = dict(session.execute(select(Ticket.number, Ticket.id)).all())
        for ticket, entry in zip(tickets, entries, strict=True):
            entry["ticket_id"] = ids[ticket["number"]]
        for start in range(0, count, 1000):
            session.execute(insert(KnowledgeEntry), entries[start:start + 1000])

    db.write(work)
    if db.backend == "postgresql":
        from sqlalchemy import text

        with db.engine.begin() as conn:
            conn.execute(text("ANALYZE kb_entries"))
            conn.execute(text("ANALYZE tickets"))


def timed(fn: Callable[[], Any], runs: int) -> tuple[list[float], Any]:
    fn()  # warm the caches and the connection pool
    times = []
    result = None
    for _ in range(runs):
        start = time.perf_counter()
        result = fn()
        times.append((time.perf_counter() - start) * 1000)
    return times, result


def report(label: str, times: list[float], found: int) -> None:
    times.sort()
    p95 = times[min(len(times) - 1, int(len(times) * 0.95))]
    print(f"  {label:<44} median {statistics.median(times):7.1f} ms   p95 {p95:7.1f} ms   "
          f"max {times[-1]:7.1f} ms   ({found} found)")


def run(url: str, count: int, runs: int) -> None:
    from desk.bootstrap import open_database
    from desk.process import knowledge

    db = open_database(url)
    try:
        start = time.perf_counter()
        fill(db, count)
        print(f"{db.backend}: {count} entries written in {time.perf_counter() - start:.1f} s")
        searches = [
            ("search 连接池 (one term, index)", "连接池", None, None),
            ("search 提交订单 500 (two terms)", "提交 500", None, None),
            ("search 错误 (two characters, LIKE)", "错误", None, None),
            ("search 超时 + type NET + business", "页面长时间", "NET", "销售订单"),
            ("search 找不到的内容 (no match)", "完全不存在的词语", None, None),
            ("search %_' OR * ( (metacharacters)", "%_' OR * (", None, None),
        ]
        for label, query, kind, business in searches:
            times, hits = timed(lambda q=query, k=kind, b=business: knowledge.search(
                db, q, k, b), runs)
            report(label, times, len(hits))
        phenomena = [
            ("similar: a known phenomenon", "点击提交后页面显示错误 500，所有用户均受影响",
             "销售订单系统 – 下单"),
            ("similar: half typed", "数据库连接池耗", "仓储管理"),
            ("similar: two characters", "掉线", ""),
            ("similar: unrelated text", "茶水间咖啡机不出水", "行政"),
        ]
        for label, phenomenon, business in phenomena:
            times, found = timed(lambda p=phenomenon, b=business: knowledge.similar_faults(
                db, p, b), runs)
            report(label, times, len(found))
    finally:
        db.dispose()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--pg", default=DEFAULT_PG, help="administrator URL for a scratch db")
    parser.add_argument("--sqlite-only", action="store_true")
    args = parser.parse_args()
    os.environ.setdefault("DESK_HOME", tempfile.mkdtemp(prefix="desk-bench-"))
    with tempfile.TemporaryDirectory() as folder:
        run(f"sqlite:///{folder}/kb.sqlite3", args.entries, args.runs)
    if args.sqlite_only:
        return 0
    import psycopg

    admin = args.pg.replace("postgresql+psycopg://", "postgresql://")
    name = f"desk_bench_kb_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        run(f"{admin.rsplit('/', 1)[0]}/{name}", args.entries, args.runs)
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    return 0


if __name__ == "__main__":
    sys.exit(main())
