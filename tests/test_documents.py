"""The five printable documents: content, fonts, pictures, page numbers, CLI, services.

Tickets are made by the real services (the demo walk and ``workflow.perform``); the
PDFs are read back with pypdf and, where pdftoppm exists, rendered to pictures.
"""

from __future__ import annotations

import dataclasses
import hashlib
import io
import re
import shutil
import subprocess
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pypdf
import pytest
from PIL import Image as PILImage
from sqlalchemy import text as sql

from desk.admin import team
from desk.admin.demo import add_demo_data, ensure_people
from desk.cli.main import main
from desk.db import Database
from desk.errors import (
    ConflictError,
    InvalidTransitionError,
    PermissionDeniedError,
    ValidationError,
)
from desk.process import notices, people, reporting, workflow
from desk.read import documents, tickets
from desk.read import settings as read_settings
from desk.read import timeline as timeline_mod
from desk.rules import transitions
from desk.rules.timeutil import format_local
from models import (
    Attachment,
    AttachmentChunk,
    EvidenceKind,
    FaultLevel,
    FaultType,
    ImplementationStep,
    Status,
    Ticket,
)
from models.base import Base

STANDARD_14 = {"Courier", "Helvetica", "Times", "Symbol", "ZapfDingbats"}
KINDS = documents.KINDS
ARCHIVED, RESOLVED, VERIFYING, IMPLEMENTING = 0, 1, 2, 3  # indexes in the demo list
DISPATCHED, REPORTED, CANCELLED = 6, 10, 9
VERDICT_LATE = r"超时 (\d+天\d+小时|\d+小时\d\d分|\d+分)"


# -- helpers ------------------------------------------------------------------------------


def _squash(value: str) -> str:
    return re.sub(r"\s+", "", value)


def pdf_pages(data: bytes) -> list[str]:
    return [p.extract_text() or "" for p in pypdf.PdfReader(io.BytesIO(data)).pages]


def pdf_text(data: bytes) -> str:
    return _squash("".join(pdf_pages(data)))


def strings_of(value: Any) -> Iterator[str]:
    """Every text a document's data carries (what must be printed)."""
    if isinstance(value, str):
        for line in value.splitlines():
            if line.strip():
                yield line
    elif isinstance(value, list | tuple):
        for item in value:
            yield from strings_of(item)
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        for f in dataclasses.fields(value):
            yield from strings_of(getattr(value, f.name))


def png_bytes(width: int = 320, height: int = 200) -> bytes:
    image = PILImage.new("RGB", (width, height), (250, 250, 250))
    for x in range(20, width - 20):
        for y in range(40, 60):
            image.putpixel((x, y), (200, 30, 30))
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def attach_png(db: Database, number: str, employee_no: str, name: str = "错误截图.png") -> bytes:
    """A screenshot attachment, inserted directly (no attachment service yet)."""
    data = png_bytes()

    def work(session: Any) -> None:
        ticket = tickets.load_ticket(session, number)
        person = people.find_by_employee_no(session, employee_no)
        row = Attachment(ticket_id=ticket.id, name=name, kind=EvidenceKind.SCREENSHOT,
                         note="提交订单时的报错页面", size=len(data), mime_type="image/png",
                         sha256=hashlib.sha256(data).hexdigest(), added_by_id=person.id,
                         added_at=db.now())
        session.add(row)
        session.flush()
        half = len(data) // 2  # two chunks: the reader must join them in order
        session.add_all([AttachmentChunk(attachment_id=row.id, seq=1, data=data[half:]),
                         AttachmentChunk(attachment_id=row.id, seq=0, data=data[:half])])

    db.write(work)
    return data


def image_xobjects(data: bytes) -> int:
    count = 0
    for page in pypdf.PdfReader(io.BytesIO(data)).pages:
        xobjects = page.get("/Resources", {}).get("/XObject", {})
        for ref in xobjects.values():
            if ref.get_object().get("/Subtype") == "/Image":
                count += 1
    return count


def font_problems(data: bytes) -> list[str]:
    """Fonts that are not embedded TrueType, or standard-14 fonts referenced."""
    problems = []
    reader = pypdf.PdfReader(io.BytesIO(data))
    for number, page in enumerate(reader.pages, 1):
        fonts = page.get("/Resources", {}).get("/Font", {})
        if not fonts:
            problems.append(f"page {number}: no fonts")
        for key, ref in fonts.items():
            font = ref.get_object()
            base = str(font.get("/BaseFont", "")).lstrip("/").split("+")[-1]
            if any(base.startswith(s) for s in STANDARD_14):
                problems.append(f"page {number}: {key} is standard font {base}")
            if font.get("/Subtype") == "/Type0":
                font = font["/DescendantFonts"][0].get_object()
            descriptor = font.get("/FontDescriptor")
            if descriptor is None or "/FontFile2" not in descriptor.get_object():
                problems.append(f"page {number}: {key} ({base}) not embedded")
    return problems


def person_id(db: Database, employee_no: str) -> int:
    return people.person_id(db, employee_no)


@pytest.fixture
def demo(db: Database) -> list[str]:
    return add_demo_data(db)


# -- content, on SQLite and PostgreSQL ----------------------------------------------------


def test_every_document_prints_its_title_number_and_every_filled_field(
        db: Database, demo: list[str]) -> None:
    number = demo[ARCHIVED]
    notices.issue_notice(db, "start-notice", number, person_id(db, "LEAD01"),
                           ["销售部", "运维部", "研发部"])
    notices.issue_notice(db, "completion-notice", number, person_id(db, "IT001"),
                           ["销售部", "财务部", "信息技术部"])
    attach_png(db, number, "DEV002")
    titles = {"start-notice": "故障处理启动通知", "analysis-report": "故障原因分析报告",
              "verification-form": "故障验证结果表", "completion-notice": "故障处理完成通知",
              "record": "技术故障反馈与处理记录表"}
    for kind in KINDS:
        data = documents.data_of(db, kind, number)
        pdf = documents.build(data)
        text = pdf_text(pdf)
        assert titles[kind] in text, kind
        assert number in text, kind
        assert "某某科技有限公司" in text, kind
        missing = [s for s in strings_of(data) if _squash(s) not in text]
        assert not missing, f"{kind}: not printed: {missing}"
        assert "None" not in text, kind
        assert not font_problems(pdf), (kind, font_problems(pdf))
    # spot checks of what the data classes must carry, so the generic check has teeth
    record = pdf_text(documents.render(db, "record", number))
    for expected in ("数据库连接未释放导致连接池耗尽。", "生产环境发布补丁", "在测试环境验证补丁",
                     "错误截图.png", "故障上报", "分级派单", "技术审批", "发送完成通知",
                     "销售部、财务部、信息技术部", "代码评审检查资源释放", "孙丽（工号SALES005）"):
        assert _squash(expected) in record, expected
    start = pdf_text(documents.render(db, "start-notice", number))
    for expected in ("销售部、运维部、研发部", "张经理", "请业务部门指派对接人", "李总", "赵敏"):
        assert expected in start, expected
    analysis = pdf_text(documents.render(db, "analysis-report", number))
    for expected in ("新版本代码遗漏了异常分支中的连接关闭。", "并发200以上且出现超时异常时。",
                     "影响下单约25分钟，无数据丢失。", "应用日志app.log", "长期方案：", "受理研判"):
        assert expected in analysis, expected
    completion = pdf_text(documents.render(db, "completion-notice", number))
    assert "按时完成" in completion or "超时" in completion
    assert "验证结论" in completion and "通过" in completion


def test_screenshot_is_embedded_as_a_picture(db: Database, demo: list[str]) -> None:
    number = demo[ARCHIVED]
    assert image_xobjects(documents.render(db, "record", number)) == 0
    attach_png(db, number, "DEV002")
    for kind in ("record", "analysis-report"):
        pdf = documents.render(db, kind, number)
        assert image_xobjects(pdf) == 1, kind
        assert "图1：错误截图.png" in pdf_text(pdf)
    data = documents.analysis_report_data(db, number)
    assert data.attachments[0].image == png_bytes()  # chunks joined in seq order


def test_removed_and_non_image_attachments_are_listed_not_drawn(
        db: Database, demo: list[str]) -> None:
    number = demo[ARCHIVED]
    attach_png(db, number, "DEV002", "旧截图.png")
    attach_png(db, number, "DEV002", "app.log")

    def work(session: Any) -> None:
        session.execute(sql("UPDATE attachments SET removed_at = :at, removed_by_id = added_by_id "
                            "WHERE name = :n"), {"at": db.now(), "n": "旧截图.png"})
        session.execute(sql("UPDATE attachments SET mime_type = 'text/plain' WHERE name = 'app.log'"))

    db.write(work)
    pdf = documents.render(db, "record", number)
    text = pdf_text(pdf)
    assert "app.log" in text and "旧截图.png" not in text
    assert image_xobjects(pdf) == 0


# -- missing data, data classes ------------------------------------------------------------


@pytest.mark.parametrize("index", [REPORTED, CANCELLED, DISPATCHED, VERIFYING])
def test_missing_data_prints_blank_lines_never_none(sqlite_url: str, make_demo_db: Any,
                                                    index: int) -> None:
    db, numbers = make_demo_db(sqlite_url)
    number = numbers[index]
    for kind in KINDS:
        text = pdf_text(documents.render(db, kind, number))
        assert "None" not in text, kind
        if kind != "start-notice" or index in (REPORTED, CANCELLED):  # else it is complete
            assert "＿＿＿" in text, kind  # a line to fill in by hand
    blank = pdf_text(documents.render(db, "verification-form", number, blank=True))
    assert "None" not in blank and "□通过□不通过" in blank


def test_blank_verification_form_leaves_the_verifier_part_empty(
        sqlite_url: str, make_demo_db: Any) -> None:
    db, numbers = make_demo_db(sqlite_url)
    number = numbers[ARCHIVED]
    filled = pdf_text(documents.render(db, "verification-form", number))
    blank = pdf_text(documents.render(db, "verification-form", number, blank=True))
    assert "重新下单5笔均成功" in filled and "■通过□不通过" in filled
    assert "重新下单5笔均成功" not in blank and "提交订单成功成功通过" in filled
    assert "成功成功" not in blank  # no checked items on a blank form
    assert "孙丽" not in blank
    assert "销售订单系统–下单" in blank  # the fault is still identified
    assert "业务部门负责人（签字）" in blank and "验证人（签字）" in blank


def test_document_data_is_plain(sqlite_url: str, make_demo_db: Any) -> None:
    db, numbers = make_demo_db(sqlite_url)
    number = numbers[ARCHIVED]
    attach_png(db, number, "DEV002")
    plain = (str, int, bool, bytes, datetime, type(None))

    def walk(value: Any, path: str) -> None:
        assert not isinstance(value, Base), path
        if dataclasses.is_dataclass(value):
            for f in dataclasses.fields(value):
                walk(getattr(value, f.name), f"{path}.{f.name}")
        elif isinstance(value, list):
            for i, item in enumerate(value):
                walk(item, f"{path}[{i}]")
        else:
            assert isinstance(value, plain), (path, type(value))

    for kind in KINDS:
        walk(documents.data_of(db, kind, number), kind)


# -- layout: many pages, page numbers, rendering --------------------------------------------


def _many_steps(db: Database, number: str, count: int) -> None:
    def work(session: Any) -> None:
        ticket = tickets.load_ticket(session, number)
        first = len(ticket.steps) + 1
        who = ticket.assignee_id
        for i in range(first, first + count):
            session.add(ImplementationStep(
                ticket_id=ticket.id, seq=i, done_by_id=who,
                done_at=db.now() + timedelta(minutes=i),
                action=f"第 {i} 步：检查应用服务器 app-{i % 7} 的连接池配置并记录结果",
                state_after="正常" if i % 3 else "连接数恢复到 40 以下，继续观察十分钟后确认稳定",
            ))

    db.write(work)


def test_a_long_implementation_log_makes_numbered_pages(sqlite_url: str, make_demo_db: Any) -> None:
    db, numbers = make_demo_db(sqlite_url)
    number = numbers[IMPLEMENTING]
    _many_steps(db, number, 300)
    pdf = documents.render(db, "record", number)
    pages = [_squash(p) for p in pdf_pages(pdf)]
    total = len(pages)
    assert total >= 5
    for index, page in enumerate(pages, 1):
        assert f"第{index}页/共{total}页" in page
        assert number in page and "技术故障反馈与处理记录表" in page
    # the header row is repeated on every page the step table runs over
    first = next(i for i, p in enumerate(pages) if "在测试环境验证补丁" in p)  # the demo's
    last = next(i for i, p in enumerate(pages) if "第302步" in p)  # 2 + 300 steps
    assert last - first >= 3
    assert all("实施后状态" in p for p in pages[first:last + 1])
    text = "".join(pages)
    assert all(f"第{i}步" in text for i in range(3, 303))
    assert not font_problems(pdf)


def _ink(png: Path, top: float = 0.1, bottom: float = 0.9) -> float:
    """The share of non-white pixels in the page's body (header and footer cut off)."""
    with PILImage.open(png) as image:
        gray = image.convert("L")
        w, h = gray.size
        body = gray.crop((0, int(h * top), w, int(h * bottom)))
        dark = sum(body.histogram()[:200])
        return dark / (body.size[0] * body.size[1])


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="pdftoppm is not installed")
def test_rendered_pages_are_not_blank(sqlite_url: str, make_demo_db: Any, tmp_path: Path) -> None:
    db, numbers = make_demo_db(sqlite_url)
    number = numbers[ARCHIVED]
    attach_png(db, number, "DEV002")
    for kind in (*KINDS, "verification-form-blank"):
        pdf = tmp_path / f"{kind}.pdf"
        documents.render(db, kind, number, pdf)
        subprocess.run(["pdftoppm", "-png", "-r", "40", str(pdf), str(tmp_path / kind)],
                       check=True, capture_output=True, timeout=60)
        pictures = sorted(tmp_path.glob(f"{kind}-*.png"))
        assert pictures, kind
        assert _ink(pictures[0]) > 0.02, kind  # the first page carries the content
        for picture in pictures:  # every page at least has its header and footer
            assert _ink(picture, 0.0, 1.0) > 0.005, picture.name


# -- characters the main font lacks -------------------------------------------------------

RARE = "䶮𪚥㊙"  # Extension A, Extension B, enclosed CJK: none in WenQuanYi Micro Hei


def _rare_names(db: Database, number: str, extra: str = "") -> None:
    def work(session: Any) -> None:
        ticket = tickets.load_ticket(session, number)
        ticket.reporter_name = "张𠀀"
        ticket.phenomenon = f"报告人{RARE}反映：页面报错{extra}。"
        ticket.steps[0].action = "联系张𠀀确认"  # a table cell (plain string otherwise)
        team.put(session, "organisation", "𠀀某科技有限公司")  # the canvas header

    db.write(work)


def _font_names(data: bytes) -> set[str]:
    names = set()
    for page in pypdf.PdfReader(io.BytesIO(data)).pages:
        for ref in page.get("/Resources", {}).get("/Font", {}).values():
            names.add(str(ref.get_object().get("/BaseFont", "")).split("+")[-1])
    return names


def test_rare_characters_print_in_the_fallback_font(sqlite_url: str, make_demo_db: Any,
                                                     caplog: pytest.LogCaptureFixture) -> None:
    from reports import fonts

    db, numbers = make_demo_db(sqlite_url)
    number = numbers[ARCHIVED]
    _rare_names(db, number)
    with fonts.missing_glyphs() as missing:
        for kind in KINDS:
            pdf = documents.render(db, kind, number)
            text = pdf_text(pdf)
            assert "𠀀某科技有限公司" in text, kind
            assert not font_problems(pdf), (kind, font_problems(pdf))
            if kind in ("record", "start-notice"):
                assert "张𠀀" in text, kind  # it printed as 张 alone
                assert RARE in text, kind
                assert {"HanaMinA", "HanaMinB"} <= _font_names(pdf), _font_names(pdf)
        assert "联系张𠀀确认" in pdf_text(documents.render(db, "record", number))
    assert not missing
    assert "glyph" not in caplog.text


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="pdftoppm is not installed")
def test_rare_characters_are_drawn(tmp_path: Path) -> None:
    """The fallback's glyphs reach the page: the rare characters alone leave ink."""
    from reports.layout import DocumentHeader, build_pdf, para

    header = DocumentHeader("某公司", "测试", "SYS-20261127-001", datetime(2026, 11, 27, 10))
    inks = {}
    for name, value in (("rare", f"𠀀{RARE}" * 20), ("none", "")):
        pdf = tmp_path / f"{name}.pdf"
        build_pdf(header, [para(value, "title")], pdf)
        subprocess.run(["pdftoppm", "-png", "-r", "40", str(pdf), str(tmp_path / name)],
                       check=True, capture_output=True, timeout=60)
        inks[name] = _ink(next(tmp_path.glob(f"{name}-*.png")), 0.1, 0.3)
    assert inks["rare"] > inks["none"] + 0.01, inks


def test_a_character_no_font_has_prints_a_placeholder_and_is_reported(
        sqlite_url: str, make_demo_db: Any, caplog: pytest.LogCaptureFixture) -> None:
    from reports import fonts

    db, numbers = make_demo_db(sqlite_url)
    number = numbers[ARCHIVED]
    _rare_names(db, number, extra="😀")
    with fonts.missing_glyphs() as missing:
        pdf = documents.render(db, "record", number)
    assert missing == {"😀"}
    text = pdf_text(pdf)
    assert f"页面报错{fonts.PLACEHOLDER}。" in text and "张𠀀" in text
    assert "U+1F600" in caplog.text  # said when the PDF was built, without a collector too
    caplog.clear()
    documents.render(db, "start-notice", number)
    assert "U+1F600" in caplog.text


# -- services: issuing notices, which document when ------------------------------------------


def test_issue_notice_records_an_event_and_bumps_the_version(db: Database,
                                                             demo: list[str]) -> None:
    number = demo[DISPATCHED]
    lead = person_id(db, "LEAD01")
    before = tickets.get_ticket(db, number)
    after = notices.issue_notice(db, "start-notice", number, lead, ["运维部", " 销售部 ", ""])
    assert after.version == before.version + 1
    assert after.start_notice_issued_at == db.now()
    timeline = timeline_mod.events(db, number)
    assert timeline[-1]["action"] == "issue_start_notice"
    assert timeline[-1]["details"] == {"recipients": ["运维部", "销售部"]}
    assert timeline[-1]["actor"] == "张经理"
    notice = documents.start_notice_data(db, number)
    assert notice.recipients == ["运维部", "销售部"] and notice.issued_by == "张经理"

    with pytest.raises(ConflictError):
        notices.issue_notice(db, "start-notice", number, lead, ["运维部"],
                               expected_version=before.version)
    with pytest.raises(PermissionDeniedError):
        notices.issue_notice(db, "start-notice", number, person_id(db, "SALES005"), ["运维部"])
    with pytest.raises(ValidationError):
        notices.issue_notice(db, "start-notice", number, lead, ["  "])
    with pytest.raises(InvalidTransitionError):
        notices.issue_notice(db, "completion-notice", number, lead, ["运维部"])
    with pytest.raises(InvalidTransitionError):
        notices.issue_notice(db, "start-notice", demo[REPORTED], lead, ["运维部"])
    with pytest.raises(InvalidTransitionError) as again:  # a notice goes out once
        notices.issue_notice(db, "start-notice", number, lead, ["运维部"])
    assert "不能重复签发" in again.value.zh and "issued once" in again.value.en
    assert tickets.get_ticket(db, number).version == after.version  # refusals changed nothing


def test_completion_notice_sets_sent_to_and_at(db: Database, demo: list[str]) -> None:
    number = demo[RESOLVED]
    it = person_id(db, "IT001")
    before = tickets.get_ticket(db, number)
    assert not before.summary  # resolved, not archived: no summary yet
    with pytest.raises(ValidationError) as err:  # never with an empty 处理总结
        notices.issue_notice(db, "completion-notice", number, it, ["销售部"], summary="  ")
    assert "summary" in err.value.fields
    assert tickets.get_ticket(db, number).version == before.version
    detail = notices.issue_notice(db, "completion-notice", number, it,
                                  ["销售部", "信息技术部"], summary="重启连接池并发布补丁，已恢复。")
    assert detail.summary == "重启连接池并发布补丁，已恢复。"
    text = pdf_text(documents.render(db, "completion-notice", number))
    assert "重启连接池并发布补丁" in text
    # one pair of names for the causes, as on the form and the record table
    for kind in ("completion-notice", "analysis-report", "record"):
        text = pdf_text(documents.render(db, kind, number))
        assert "根本原因" in text and "深层原因" in text and "直接原因" not in text, kind
    with pytest.raises(InvalidTransitionError):  # sent once
        notices.issue_notice(db, "completion-notice", number, it, ["销售部"])
    assert detail.completion_notice_sent_to == "销售部、信息技术部"
    assert detail.completion_notice_sent_at == db.now()
    notice = documents.completion_notice_data(db, number)
    assert notice.recipients == ["销售部", "信息技术部"] and notice.sent_by == "刘洋"
    assert [c.name for c in notice.clocks] == ["响应", "恢复"]
    for line in notice.clocks:
        assert line.verdict == "按时完成" or re.fullmatch(VERDICT_LATE, line.verdict)


def test_record_of_an_archived_level1_fault_shows_its_start_notice(
        db: Database, demo: list[str]) -> None:
    """The dispatch rule e-mails the start notice (a ``mail_sent`` event naming the
    document); no one issues it by hand. The record table still says when it went out,
    and gives the expected completion the notice announced (the restore deadline)."""
    from desk.process import audit

    number = demo[ARCHIVED]
    ticket = tickets.get_ticket(db, number)
    assert ticket.level == FaultLevel.URGENT and ticket.status == Status.ARCHIVED
    sent_at = db.now()

    def send(session: Any) -> None:  # what desk.notify records once the mail has left
        audit.record(session, at=sent_at, action="mail_sent", ticket_id=ticket.id,
                     actor_id=None, details={"outbox_id": 1, "trigger": "dispatch",
                                             "subject": "分级派单", "document": "start-notice",
                                             "recipients": ["李总 <cto@example.com>"]})

    db.write(send)
    record = documents.record_data(db, number)
    notice = documents.start_notice_data(db, number)
    assert notice.expected_done and record.expected_done == notice.expected_done
    with db.read() as session:
        tz = read_settings.timezone(session)
    assert record.start_notice_issued_at == format_local(sent_at, tz), \
        "启动通知 blank although the notice was sent"
    text = pdf_text(documents.build(record))
    assert _squash(f"预计完成{record.expected_done}") in text
    assert _squash(f"启动通知{record.start_notice_issued_at}") in text


def _walk_level2(db: Database, clock: Any, late: timedelta) -> str:
    """A level 2 fault through every step; restored ``late`` after its 2-hour limit."""
    ids = ensure_people(db)
    number = reporting.report_fault(db, reporting.FaultReport(
        fault_type=FaultType.DATA, level=FaultLevel.IMPORTANT,
        affected_business="财务报表 – 数据导出", phenomenon="导出金额合计与明细不符。",
    ), ids["FIN007"]).number

    def do(name: str, who: str, **data: Any) -> None:
        clock.advance(minutes=5)
        workflow.perform(db, name, number, ids[who], data)

    do("triage", "IT001", first_contact="已联系", fault_type="DATA", level=2)
    do("dispatch", "LEAD01", level=2, lead_engineer_id=ids["DEV002"],
       business_contact_id=ids["BIZ006"])
    do("analyse", "DEV002", root_cause="汇总口径错误", impact_assessment="月结延误")
    do("propose", "DEV002", long_term_solution="修正汇总口径")
    do("confirm", "BIZ006")
    do("approve", "LEAD01")
    do("step", "DEV002", action="发布修正", state_after="合计正确")
    with db.read() as session:
        reported = tickets.load_ticket(session, number).reported_at
    clock.now = reported + timedelta(hours=2) + late
    workflow.perform(db, "submit_verification", number, ids["DEV002"],
                     {"verifier_id": ids["FIN007"]})
    do("verify", "FIN007", passed=True, environment="生产环境", checked="导出十月报表合计正确")
    return number


def test_completion_notice_says_how_late(db: Database, clock: Any) -> None:
    number = _walk_level2(db, clock, timedelta(hours=1, minutes=25))
    notice = documents.completion_notice_data(db, number)
    respond, restore = notice.clocks
    assert respond.verdict == "按时完成"
    assert restore.verdict == "超时 1小时25分"
    assert restore.limit == "2 小时"
    text = pdf_text(documents.build(notice))
    assert "超时1小时25分" in text and "按时完成" in text


def test_available_documents_follow_the_state() -> None:
    def enabled(status: Status) -> set[str]:
        return {k for k, ok, _ in documents.available_documents(status) if ok}

    assert enabled(Status.REPORTED) == {"record"}
    assert enabled(Status.TRIAGE) == {"record"}
    assert enabled(Status.DISPATCHED) == {"start-notice", "verification-form-blank", "record"}
    assert "analysis-report" in enabled(Status.DIAGNOSING)
    assert "verification-form" not in enabled(Status.VERIFYING)
    assert enabled(Status.RESOLVED) == {"start-notice", "analysis-report", "verification-form",
                                        "verification-form-blank", "completion-notice", "record"}
    assert enabled(Status.CANCELLED) == {"record"}
    for status in Status:
        for kind, ok, reason in documents.available_documents(status):
            assert ok == (reason == ""), (status, kind)


# -- the CLI ----------------------------------------------------------------------------------


def test_cli_writes_each_document(sqlite_url: str, make_demo_db: Any, tmp_path: Path,
                                  capsys: pytest.CaptureFixture[str]) -> None:
    db, numbers = make_demo_db(sqlite_url)
    number = numbers[ARCHIVED]
    for kind in KINDS:
        out = tmp_path / f"{kind}.pdf"
        assert main(["--db", sqlite_url, "pdf", kind, number, "-o", str(out)]) == 0
        assert out.read_bytes().startswith(b"%PDF")
        assert number in pdf_text(out.read_bytes())
    out = tmp_path / "blank.pdf"
    assert main(["--db", sqlite_url, "pdf", "verification-form", number, "--blank",
                 "-o", str(out)]) == 0
    assert "重新下单5笔均成功" not in pdf_text(out.read_bytes())
    capsys.readouterr()
    assert main(["--db", sqlite_url, "pdf", "record", "SYS-19990101-001",
                 "-o", str(tmp_path / "x.pdf")]) == 1
    assert "SYS-19990101-001" in capsys.readouterr().err
    assert main(["--db", sqlite_url, "pdf", "record", "-o", str(tmp_path / "x.pdf")]) == 2
    assert main(["--db", sqlite_url, "pdf", "record", number, "--blank",
                 "-o", str(tmp_path / "x.pdf")]) == 2
    assert main(["--db", sqlite_url, "pdf", "--all", "record", "record", number,
                 "-o", str(tmp_path / "x.pdf")]) == 2
    assert main(["--db", sqlite_url, "pdf", "record", number,
                 "-o", str(tmp_path / "no" / "such" / "x.pdf")]) == 1
    assert not (tmp_path / "x.pdf").exists()


def test_cli_batch_reports_a_broken_ticket_and_goes_on(
        sqlite_url: str, make_demo_db: Any, tmp_path: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    db, numbers = make_demo_db(sqlite_url)
    broken = numbers[RESOLVED]

    def work(session: Any) -> None:  # a damaged row: a level no version of Desk writes
        session.execute(sql("UPDATE tickets SET level = 9 WHERE number = :n"), {"n": broken})

    db.write(work)
    statuses = [Status.RESOLVED, Status.ARCHIVED, Status.VERIFYING]
    expected = [n for n in documents.numbers_in(db, statuses) if n != broken]
    assert len(expected) >= 2
    folder = tmp_path / "out"
    capsys.readouterr()
    code = main(["--db", sqlite_url, "pdf", "--all", "record", "--status", "resolved",
                 "--status", "archived", "--status", "verifying", "-o", str(folder)])
    err = capsys.readouterr().err
    assert code == 1
    assert broken in err and "Traceback" not in err
    written = sorted(p.name for p in folder.glob("*.pdf"))
    assert written == sorted(f"record-{n}.pdf" for n in expected)
    # all good: exit code 0
    code = main(["--db", sqlite_url, "pdf", "--all", "start-notice", "--status", "dispatched",
                 "-o", str(folder)])
    assert code == 0
    assert (folder / f"start-notice-{numbers[DISPATCHED]}.pdf").exists()


def test_pdf_command_lives_in_its_own_module() -> None:
    import desk.cli as cli

    assert not hasattr(cli, "_cmd_pdf")
    with pytest.raises(SystemExit) as exc:
        main(["pdf", "--help"])
    assert exc.value.code == 0


def test_ticket_model_unchanged_by_rendering(sqlite_url: str, make_demo_db: Any) -> None:
    db, numbers = make_demo_db(sqlite_url)
    number = numbers[ARCHIVED]
    before = tickets.get_ticket(db, number).version
    for kind in KINDS:
        documents.render(db, kind, number)
    assert tickets.get_ticket(db, number).version == before
    with db.read() as session:
        assert session.get(Ticket, tickets.get_ticket(db, number).id) is not None


def test_very_long_texts_flow_over_pages(sqlite_url: str, make_demo_db: Any) -> None:
    """A field far longer than a page (the services allow 20,000 characters) still prints."""
    db, numbers = make_demo_db(sqlite_url)
    number = numbers[ARCHIVED]
    phenomenon = "".join(f"第{i}段：订单提交后页面报错，日志显示连接池等待超时。" for i in range(700))
    phenomenon = phenomenon[:transitions.MAX_TEXT]
    action = "回滚配置 " + "并逐台重启应用服务器 " * 400

    def work(session: Any) -> None:
        ticket = tickets.load_ticket(session, number)
        ticket.phenomenon = phenomenon
        ticket.root_cause = phenomenon
        ticket.steps[0].action = action

    db.write(work)
    for kind in KINDS:
        pdf = documents.render(db, kind, number)
        text = pdf_text(pdf)
        assert _squash(phenomenon[-40:]) in text, kind
        assert len(pdf_pages(pdf)) > 1, kind
    record = pdf_text(documents.render(db, "record", number))
    # all 400 repeats print; a few are cut by a page's footer and the next page's heading
    assert record.count("并逐台重启应用服务器") >= 390


def test_layout_works_in_a_fresh_process(tmp_path: Path) -> None:
    """Building a document's story must not depend on fonts registered by an earlier one."""
    script = ("from datetime import datetime\n"
              "from reports import record_table as r\n"
              "doc = r.RecordTable(organisation='某公司', number='SYS-20261127-001',"
              " generated_at=datetime(2026, 11, 27, 10, 0), status='待受理')\n"
              f"r.build(doc, {str(tmp_path / 'n.pdf')!r})\n")
    import sys

    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          timeout=120, cwd=Path(__file__).resolve().parent.parent)
    assert done.returncode == 0, done.stderr
    assert "SYS-20261127-001" in pdf_text((tmp_path / "n.pdf").read_bytes())


def test_notices_and_the_form_fit_on_one_page(sqlite_url: str, make_demo_db: Any) -> None:
    """A notice is one sheet of paper for an ordinary fault (the demo's level 1 one)."""
    db, numbers = make_demo_db(sqlite_url)
    number = numbers[ARCHIVED]
    notices.issue_notice(db, "completion-notice", number, person_id(db, "IT001"),
                           ["销售部", "财务部", "信息技术部"])
    for kind in ("start-notice", "completion-notice", "verification-form"):
        assert len(pdf_pages(documents.render(db, kind, number))) == 1, kind
    assert len(pdf_pages(documents.render(db, "verification-form", number, blank=True))) == 1
