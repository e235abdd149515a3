"""Translations: desk_en.ts compiles, English replaces the Chinese labels, Qt's own
buttons read 确定/取消 in Chinese, and the vocabulary reaches lupdate through ui.labels."""

from __future__ import annotations

import os
import shutil
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from PySide6.QtCore import QCoreApplication, QTranslator
from PySide6.QtWidgets import QDialogButtonBox

from desk.admin.demo import ensure_people
from desk.process import people
from models import FaultLevel, FaultType, Role, Status
from resources.translations import build
from ui import labels
from ui.main_window import MainWindow

# desk_en.ts held this many messages, every one translated, when it was generated;
# strings added to ui/ later are reported by `build.py --check`, not failed here.
MESSAGES_AT_GENERATION = 775


@pytest.fixture
def english(qapp, tmp_path: Path) -> Iterator[QTranslator]:
    qm = build.lrelease(build.TS, tmp_path / "desk_en.qm")
    translator = QTranslator()
    assert translator.load(str(qm))
    QCoreApplication.installTranslator(translator)
    yield translator
    QCoreApplication.removeTranslator(translator)


def _window(qtbot, make_db, sqlite_url) -> MainWindow:
    db = make_db(sqlite_url)
    ensure_people(db)
    person = people.get_person(db, people.person_id(db, "IT001"))
    w = MainWindow(db, ZoneInfo("Asia/Shanghai"), "SQLite (test)", person)
    qtbot.addWidget(w)
    return w


def test_qm_builds_from_the_ts_and_is_rebuilt_only_when_stale(tmp_path):
    ts = tmp_path / "desk_en.ts"
    shutil.copy2(build.TS, ts)
    qm = build.ensure_qm(ts, tmp_path)
    assert qm == tmp_path / "desk_en.qm" and qm.stat().st_size > 1000
    built = qm.stat().st_mtime_ns
    assert build.ensure_qm(ts, tmp_path) == qm and qm.stat().st_mtime_ns == built
    later = built + 5_000_000_000
    os.utime(ts, ns=(later, later))  # the .ts changed after the .qm was built
    assert build.ensure_qm(ts, tmp_path) == qm and qm.stat().st_mtime_ns > built


def test_missing_ts_keeps_an_existing_qm_and_gives_none_without(tmp_path):
    assert build.ensure_qm(tmp_path / "desk_xx.ts", tmp_path) is None
    qm = build.lrelease(build.TS, tmp_path / "desk_xx.qm")
    assert build.ensure_qm(tmp_path / "desk_xx.ts", tmp_path) == qm


def test_english_translation_changes_the_window_and_chinese_comes_back(
        qtbot, english, make_db, sqlite_url):
    w = _window(qtbot, make_db, sqlite_url)
    assert w.windowTitle() == "Desk — Technical fault reporting and handling"
    assert w.new_action.text() == "New fault"
    assert labels.label(FaultLevel.URGENT.label_zh) == "1 Urgent"
    assert labels.label(Status.TRIAGE.label_zh) == "Triage"
    assert labels.label(Role.DIRECTOR.label_zh) == "Technical director"
    header = w.model.headerData(0, w.table.horizontalHeader().orientation())
    assert header == "Fault number"
    form = w.new_fault()
    assert form.level.itemText(0) == "1 Urgent"
    assert form.fault_type.itemText(form.fault_type.findData("NET")) == "NET  Network"
    QCoreApplication.removeTranslator(english)
    chinese = _window(qtbot, make_db, sqlite_url)
    assert chinese.windowTitle() == "Desk — 技术故障反馈与处理"
    assert chinese.new_action.text() == "新建故障"
    assert labels.label(FaultLevel.URGENT.label_zh) == "一级 紧急"


def test_chinese_mode_loads_qt_own_translation_for_standard_buttons(qapp):
    from ui.app import install_translations

    loaded = install_translations(qapp, "zh_CN")
    try:
        assert loaded, "qtbase_zh_CN.qm not found in the Qt translations folder"
        box = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                               | QDialogButtonBox.StandardButton.Cancel)
        assert box.button(QDialogButtonBox.StandardButton.Ok).text() == "确定"
        assert box.button(QDialogButtonBox.StandardButton.Cancel).text() == "取消"
        box.deleteLater()
        # the standard file dialog (备份数据库…, 选择数据库文件…) reads Chinese as well
        for source in ("Look in:", "File &name:", "Files of type:"):
            shown = QCoreApplication.translate("QFileDialog", source)
            assert shown != source and any("\u4e00" <= ch <= "\u9fff" for ch in shown), shown
    finally:
        for translator in loaded:
            QCoreApplication.removeTranslator(translator)


def test_english_mode_installs_desk_translation(qapp):
    from ui.app import install_translations

    loaded = install_translations(qapp, "en")
    try:
        assert len(loaded) == 1
        assert QCoreApplication.translate("MainWindow", "新建故障") == "New fault"
    finally:
        for translator in loaded:
            QCoreApplication.removeTranslator(translator)


def test_ts_was_complete_when_generated():
    found = build.messages()
    assert len(found) >= MESSAGES_AT_GENERATION
    left = build.problems()
    assert left["unfinished"] == [] and left["empty"] == []
    # placeholders survive translation
    for m in found:
        for mark in ("{0}", "{1}", "{2}", "%1", "%2", "%n", "%v", "%m"):
            if mark in m.source:
                assert mark in m.translation, (m.context, m.source, m.translation)


def test_every_vocabulary_label_is_listed_for_lupdate():
    listed = set(labels.VOCABULARY)
    for enum in (FaultLevel, FaultType, Status, Role):
        for member in enum:
            assert member.label_zh in listed, member


def test_check_reports_a_string_missing_from_the_ts(tmp_path):
    ts = tmp_path / "desk_en.ts"
    tree = ET.parse(build.TS)
    context = next(c for c in tree.getroot().iter("context")
                   if c.findtext("name") == "MainWindow")
    gone = next(m for m in context.iter("message") if m.findtext("source") == "新建故障")
    context.remove(gone)
    tree.write(ts, encoding="utf-8")
    report = build.check(ts)
    assert "missing in desk_en.ts: [MainWindow] 新建故障" in report


def test_attachment_headers_are_translated(english):
    from PySide6.QtCore import Qt

    from ui.attachments import AttachmentTableModel

    model = AttachmentTableModel()
    headers = [model.headerData(i, Qt.Orientation.Horizontal) for i in range(model.columnCount())]
    assert headers == ["Name", "Category", "Size", "Added by", "Added at"]
