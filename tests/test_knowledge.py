"""The knowledge base on SQLite and PostgreSQL: the entry made on archive, Chinese
search (trigram, ranked, highlighted, filtered, safe against SQL and FTS5 syntax), lead
edits with history and conflicts, similar-fault suggestions and ``desk kb``."""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from sqlalchemy import select

from desk.admin.demo import FAULTS
from desk.db import Database
from desk.errors import ConflictError, PermissionDeniedError, ValidationError
from desk.process import attachments, knowledge, reporting, workflow
from desk.read import tickets, timeline
from models import Event, FaultType, KnowledgeEntry, KnowledgeRevision, Status
from tests.conftest import cli_main_as as main


@dataclass
class Demo:
    db: Database
    ids: dict[str, int]
    sys_number: str  # archived by the demo: 销售订单系统 – 下单, error 500
    oa_number: str  # resolved by the demo, archived in the fixture: OA 登录


ARCHIVE = {"summary": "密码同步延迟导致登录失败，已修复。",
           "prevention_measures": "监控目录同步延迟；登录失败率超过 5% 告警。"}


def _number(numbers: list[str], stage: str) -> str:
    return next(n for n, f in zip(numbers, FAULTS, strict=True) if f.stage == stage)


@pytest.fixture
def demo(db_url: str, make_demo_db: Callable[[str], tuple[Database, list[str]]]) -> Demo:
    db, numbers = make_demo_db(db_url)
    from desk.admin.demo import ensure_people

    ids = ensure_people(db)
    oa = _number(numbers, "resolved")
    attachments.add_attachment(db, oa, ids["IT001"], io.BytesIO(b"login failed\n"),
                               name="oa-login.log")
    workflow.perform(db, "archive", oa, ids["LEAD01"], ARCHIVE)
    return Demo(db, ids, _number(numbers, "archived"), oa)


def _entry(demo: Demo, number: str) -> knowledge.EntryView:
    entry = knowledge.entry_for_ticket(demo.db, number)
    assert entry is not None, number
    return entry


def _whole_text(entry: knowledge.EntryView) -> str:
    return " ".join(str(getattr(entry, name)) for name in knowledge.EDITABLE).casefold()


# -- the entry made on archive ---------------------------------------------------------


def test_archiving_makes_an_entry_with_the_fault_fields(demo: Demo) -> None:
    for number in (demo.sys_number, demo.oa_number):
        ticket = tickets.get_ticket(demo.db, number).values
        entry = _entry(demo, number)
        assert entry.ticket_number == number
        assert entry.symptom == ticket["phenomenon"]
        assert entry.affected_business == ticket["affected_business"]
        assert entry.fault_type == ticket["fault_type"]
        assert entry.root_cause.startswith(ticket["root_cause"])
        assert ticket["underlying_cause"] in entry.root_cause
        assert entry.temporary_solution == ticket["temporary_solution"]
        assert entry.long_term_solution == ticket["long_term_solution"]
        assert entry.prevention == ticket["prevention_measures"]
        assert entry.title.startswith(ticket["affected_business"] + "：")
        assert len(entry.title) < len(ticket["affected_business"]) + 35
        assert entry.version == 1 and entry.revisions == ()
        assert entry.created_by.startswith("张经理")
    oa = _entry(demo, demo.oa_number)
    assert oa.prevention == ARCHIVE["prevention_measures"]
    assert oa.attachments == ("oa-login.log",)
    archive_events = [e for e in timeline.events(demo.db, demo.oa_number)
                      if e["action"] == "archive"]
    assert len(archive_events) == 1  # the entry is the archive's subscriber's, no event of its own
    assert knowledge.entry_for_ticket(demo.db, demo.oa_number).id == oa.id


def test_the_entry_is_made_in_the_archive_unit_of_work(
    demo: Demo, monkeypatch: pytest.MonkeyPatch
) -> None:
    ids = demo.ids
    # walk a fresh fault to resolved: the on-the-spot path is the shortest
    detail = reporting.report_fault(demo.db, reporting.FaultReport(
        fault_type=FaultType.APPLICATION, level=3, affected_business="考勤系统",
        impact_scope="一人", phenomenon="打卡记录不显示。", reproduce_steps="",
        occurred_at=demo.db.now(), business_interrupted=False), ids["SALES005"])
    workflow.perform(demo.db, "triage", detail.number, ids["IT001"], {
        "first_contact": "已联系", "fault_type": "APP", "level": 3})
    workflow.perform(demo.db, "solve_on_spot", detail.number, ids["IT001"],
                     {"temporary_solution": "清除缓存后恢复。"})
    workflow.perform(demo.db, "verify", detail.number, ids["SALES005"], {
        "passed": True, "environment": "生产", "checked": "打卡记录显示"})

    def broken(*_args: Any) -> Any:
        raise RuntimeError("entry could not be written")

    monkeypatch.setattr(knowledge, "create_entry_for", broken)
    with pytest.raises(RuntimeError):
        workflow.perform(demo.db, "archive", detail.number, ids["LEAD01"], ARCHIVE)
    assert tickets.get_ticket(demo.db, detail.number).values["status"] == Status.RESOLVED
    monkeypatch.undo()
    workflow.perform(demo.db, "archive", detail.number, ids["LEAD01"], ARCHIVE)
    entry = _entry(demo, detail.number)
    assert entry.temporary_solution == "清除缓存后恢复。"
    assert knowledge.search(demo.db, "打卡记录")[0].ticket_number == detail.number


# -- search ----------------------------------------------------------------------------


CHINESE_QUERIES = ["下单", "连接池", "错误 500", "提交订单 500", "ERROR 500"]


def test_chinese_substrings_are_found_and_highlighted(demo: Demo) -> None:
    # Latin letters match regardless of case
    sys_entry = _entry(demo, demo.sys_number)
    knowledge.edit_entry(demo.db, sys_entry.id, demo.ids["LEAD01"],
                         {"symptom": sys_entry.symptom + " Error 500"}, sys_entry.version)
    for query in CHINESE_QUERIES:
        hits = knowledge.search(demo.db, query)
        numbers = [h.ticket_number for h in hits]
        assert demo.sys_number in numbers, query
        hit = hits[numbers.index(demo.sys_number)]
        for term in query.split():
            assert term.casefold() in hit.snippet.casefold(), query
            assert f"【{term.casefold()}" in hit.snippet_plain.casefold(), query
        assert "<b>" in hit.snippet and "</b>" in hit.snippet, query
        assert hit.solution and hit.title == _entry(demo, demo.sys_number).title
        for other in hits:
            text = _whole_text(_entry(demo, other.ticket_number))
            assert all(term.casefold() in text for term in query.split()), (query, other)


def test_results_are_ranked_a_title_match_first(demo: Demo) -> None:
    oa = _entry(demo, demo.oa_number)
    both = knowledge.search(demo.db, "连接池耗尽")
    assert {h.ticket_number for h in both} == {demo.sys_number, demo.oa_number}
    knowledge.edit_entry(demo.db, oa.id, demo.ids["LEAD01"],
                         {"title": "OA 登录失败：连接池耗尽"}, oa.version)
    hits = knowledge.search(demo.db, "连接池耗尽")
    assert [h.ticket_number for h in hits] == [demo.oa_number, demo.sys_number]
    assert hits[0].score > hits[1].score
    assert knowledge.search(demo.db, "连接池耗尽", limit=1)[0].ticket_number == demo.oa_number


def test_the_snippet_escapes_html_around_the_highlight(demo: Demo) -> None:
    sys_entry = _entry(demo, demo.sys_number)
    knowledge.edit_entry(demo.db, sys_entry.id, demo.ids["LEAD01"],
                         {"symptom": "<script>alert(1)</script> 网关超时 & 重试"},
                         sys_entry.version)
    hit = knowledge.search(demo.db, "网关超时")[0]
    assert "<script>" not in hit.snippet
    assert "&lt;script&gt;" in hit.snippet and "&amp;" in hit.snippet
    assert "<b>网关超时</b>" in hit.snippet


def test_filters_by_type_and_business(demo: Demo) -> None:
    assert [h.ticket_number for h in knowledge.search(demo.db, "连接池", fault_type="APP")] \
        == [demo.oa_number]
    assert [h.ticket_number for h in knowledge.search(demo.db, "连接池", business="销售订单")] \
        == [demo.sys_number]
    assert knowledge.search(demo.db, "连接池", fault_type="SYS", business="OA") == []
    listed = knowledge.search(demo.db, "", business="OA 办公")
    assert [h.ticket_number for h in listed] == [demo.oa_number]
    assert knowledge.search(demo.db, "") == []
    with pytest.raises(ValidationError):
        knowledge.search(demo.db, "连接池", fault_type="NOPE")


METACHARACTERS = ["%", "_", "'", '"', "OR", "*", "(", ")", "连接池 OR 下单", '连接" OR "下单',
                  "NEAR(连接池 下单)", "连接*", "%连接池%", "a_b", "'; DROP TABLE kb_entries; --",
                  "-连接池", "^下单", "\\", "\\%"]


def test_sql_and_fts_syntax_is_searched_as_text(demo: Demo) -> None:
    sys_entry = _entry(demo, demo.sys_number)
    # one entry with a literal % and one without, so "%" cannot match everything
    knowledge.edit_entry(demo.db, sys_entry.id, demo.ids["LEAD01"],
                         {"prevention": "代码评审检查资源释放。"}, sys_entry.version)
    for query in METACHARACTERS:
        hits = knowledge.search(demo.db, query)
        for hit in hits:
            text = _whole_text(_entry(demo, hit.ticket_number))
            assert all(term.casefold() in text for term in query.split()), (query, hit)
        assert len(hits) < 2, query
        if query == "%":
            assert [h.ticket_number for h in hits] == [demo.oa_number]
        assert isinstance(knowledge.similar_faults(demo.db, query, query), list)  # no error
    with demo.db.read() as session:
        assert session.scalar(select(KnowledgeEntry).limit(1)) is not None


# -- edits -----------------------------------------------------------------------------


def test_a_lead_edit_keeps_a_revision_and_an_event(demo: Demo) -> None:
    entry = _entry(demo, demo.sys_number)
    after = knowledge.edit_entry(
        demo.db, entry.id, demo.ids["LEAD01"],
        {"long_term_solution": "修复连接释放；上线前压测熔断阈值。", "title": entry.title},
        entry.version)
    assert after.version == entry.version + 1
    assert after.long_term_solution == "修复连接释放；上线前压测熔断阈值。"
    assert after.updated_by.startswith("张经理")
    assert len(after.revisions) == 1
    revision = after.revisions[0]
    assert revision.before == {"long_term_solution": entry.long_term_solution}
    assert revision.after == {"long_term_solution": "修复连接释放；上线前压测熔断阈值。"}
    with demo.db.read() as session:
        assert session.scalar(select(KnowledgeRevision.entry_id)) == entry.id
        event = session.scalars(select(Event).where(Event.action == "kb_edit")).one()
        assert event.ticket_id == entry.ticket_id
        assert event.actor_id == demo.ids["LEAD01"]
        assert event.changes["long_term_solution"]["after"] == "修复连接释放；上线前压测熔断阈值。"
    # the search index follows the edit
    assert [h.ticket_number for h in knowledge.search(demo.db, "熔断阈值")] == [demo.sys_number]
    director = knowledge.edit_entry(demo.db, entry.id, demo.ids["CTO01"], {"fault_type": "CFG"},
                                    after.version)
    assert director.fault_type == FaultType.CONFIGURATION
    admin = knowledge.edit_entry(demo.db, entry.id, demo.ids["ADMIN"], {"prevention": "巡检"},
                                 director.version)
    assert [r.by[:2] for r in admin.revisions] == ["张经理"[:2], "李总", "系统"]


def test_edits_are_refused_for_others_stale_versions_and_bad_input(demo: Demo) -> None:
    entry = _entry(demo, demo.sys_number)
    for who in ("IT001", "DEV002", "SALES005"):
        with pytest.raises(PermissionDeniedError):
            knowledge.edit_entry(demo.db, entry.id, demo.ids[who], {"title": "改"},
                                 entry.version)
    knowledge.edit_entry(demo.db, entry.id, demo.ids["LEAD01"], {"title": "新标题"},
                         entry.version)
    with pytest.raises(ConflictError) as info:
        knowledge.edit_entry(demo.db, entry.id, demo.ids["CTO01"], {"title": "另一个标题"},
                             entry.version)
    assert "知识库" in info.value.zh
    for bad in ({"title": "  "}, {"ticket_id": 3}, {"fault_type": "NOPE"},
                {"symptom": "a\x00b"}, {"title": "长" * 400}):
        with pytest.raises(ValidationError):
            knowledge.edit_entry(demo.db, entry.id, demo.ids["LEAD01"], bad, entry.version + 1)
    now = knowledge.get_entry(demo.db, entry.id)
    assert now.title == "新标题" and now.version == entry.version + 1
    assert len(now.revisions) == 1


# -- similar faults --------------------------------------------------------------------


def test_similar_faults_rank_the_same_phenomenon_first(demo: Demo) -> None:
    found = knowledge.similar_faults(demo.db, "点击提交订单后页面显示错误 500，无法下单",
                                     "销售订单系统")
    assert found[0].ticket_number == demo.sys_number
    assert found[0].entry_id == _entry(demo, demo.sys_number).id
    assert "连接" in found[0].solution
    assert all(a.score >= b.score for a, b in zip(found, found[1:], strict=False))
    assert knowledge.similar_faults(demo.db, "点击提交订单后页面显示错误 500，无法下单",
                                    "销售订单系统") == found
    oa = knowledge.similar_faults(demo.db, "登录 OA 提示密码错误", "OA 办公系统")
    assert oa[0].ticket_number == demo.oa_number
    assert knowledge.similar_faults(demo.db, "", "") == []


def test_a_similarity_is_never_above_100_percent(demo: Demo) -> None:
    ids = demo.ids
    detail = reporting.report_fault(demo.db, reporting.FaultReport(
        fault_type=FaultType.HARDWARE, level=3, affected_business="门禁系统",
        impact_scope="一楼", phenomenon="门禁刷卡无反应", reproduce_steps="",
        occurred_at=demo.db.now(), business_interrupted=False), ids["SALES005"])
    workflow.perform(demo.db, "triage", detail.number, ids["IT001"], {
        "first_contact": "已联系", "fault_type": "HW", "level": 3})
    workflow.perform(demo.db, "solve_on_spot", detail.number, ids["IT001"],
                     {"temporary_solution": "重新插拔读卡器电源。"})
    workflow.perform(demo.db, "verify", detail.number, ids["SALES005"], {
        "passed": True, "environment": "一楼", "checked": "刷卡开门"})
    # the very same text and type: as similar as can be, and that is 100 %
    found = knowledge.similar_faults(demo.db, "门禁刷卡无反应", "门禁系统", FaultType.HARDWARE)
    assert found[0].ticket_number == detail.number and found[0].score == 1.0
    assert all(0 < f.score <= 1.0 for f in found)


def test_similar_faults_include_resolved_faults_not_archived(demo: Demo) -> None:
    ids = demo.ids
    detail = reporting.report_fault(demo.db, reporting.FaultReport(
        fault_type=FaultType.HARDWARE, level=3, affected_business="门禁系统",
        impact_scope="一楼", phenomenon="门禁刷卡无反应，读卡器指示灯不亮。", reproduce_steps="",
        occurred_at=demo.db.now(), business_interrupted=False), ids["SALES005"])
    workflow.perform(demo.db, "triage", detail.number, ids["IT001"], {
        "first_contact": "已联系", "fault_type": "HW", "level": 3})
    workflow.perform(demo.db, "solve_on_spot", detail.number, ids["IT001"],
                     {"temporary_solution": "重新插拔读卡器电源。"})
    workflow.perform(demo.db, "verify", detail.number, ids["SALES005"], {
        "passed": True, "environment": "一楼", "checked": "刷卡开门"})
    found = knowledge.similar_faults(demo.db, "门禁刷卡没有反应", "门禁")
    assert found[0].ticket_number == detail.number
    assert found[0].entry_id is None and not found[0].archived
    assert "读卡器电源" in found[0].solution


# -- the command -----------------------------------------------------------------------


def test_desk_kb_search_show_and_similar(demo: Demo, db_url: str,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--db", db_url, "kb", "search", "提交订单 500", "--json"]) == 0
    hits = json.loads(capsys.readouterr().out)
    assert [h["ticket_number"] for h in hits] == [demo.sys_number]
    assert "<b>提交订单</b>" in hits[0]["snippet"]
    assert main(["--db", db_url, "kb", "search", "连接池", "--type", "APP"]) == 0
    out = capsys.readouterr().out
    assert demo.oa_number in out and demo.sys_number not in out and "【连接池】" in out
    entry_id = hits[0]["entry_id"]
    assert main(["--db", db_url, "kb", "show", str(entry_id)]) == 0
    out = capsys.readouterr().out
    assert demo.sys_number in out and "长期解决方案" in out
    assert main(["--db", db_url, "kb", "similar", "--phenomenon", "提交订单报错 500",
                 "--business", "销售订单系统", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)[0]["ticket_number"] == demo.sys_number
    assert main(["--db", db_url, "kb", "edit", str(entry_id), "--as", "IT001", "--version",
                 "1", "--title", "改"]) == 1
    assert "无权" in capsys.readouterr().err
    assert main(["--db", db_url, "kb", "show", "9999"]) == 1
