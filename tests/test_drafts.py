"""Drafts on disk: written, read back, replaced, removed, expired after seven days."""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime, timedelta

import pytest

from desk.config import load_config
from desk.process import drafts
from desk.process.drafts import DraftStore


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 11, 27, 2, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def store(tmp_path, clock) -> DraftStore:
    return DraftStore(tmp_path / "drafts", clock=clock)


def test_write_and_read_back(store, clock):
    store.save(42, {"phenomenon": "提交后报错 500", "business_interrupted": True},
               base_version=3, person_id=7, meta={"db": "abc"})
    draft = store.load(42)
    assert draft is not None
    assert draft.key == "42" and draft.base_version == 3 and draft.person_id == 7
    assert draft.values == {"phenomenon": "提交后报错 500", "business_interrupted": True}
    assert draft.saved_at == clock.now and draft.meta == {"db": "abc"}
    path = store.folder / "42.json"
    assert json.loads(path.read_text(encoding="utf-8"))["values"]["phenomenon"] == "提交后报错 500"
    # a later write replaces it; no temporary files are left behind
    clock.now += timedelta(minutes=1)
    store.save(42, {"phenomenon": "第二稿"}, base_version=3)
    assert store.load(42).values == {"phenomenon": "第二稿"}
    assert sorted(p.name for p in store.folder.iterdir()) == ["42.json"]


def test_remove_and_missing(store):
    assert store.load("new") is None
    store.save("new", {"affected_business": "OA"})
    assert store.load("new") is not None
    store.remove("new")
    assert store.load("new") is None
    store.remove("new")  # removing twice is fine


def test_list_drafts_newest_first(store, clock):
    store.save(1, {"a": 1})
    clock.now += timedelta(hours=1)
    store.save("new", {"b": 2})
    assert [d.key for d in store.list_drafts()] == ["new", "1"]


def test_expired_draft_is_deleted_and_never_offered(store, clock):
    store.save(5, {"phenomenon": "很旧"})
    clock.now += timedelta(days=6, hours=23)
    store.save(6, {"phenomenon": "较新"})
    assert store.load(5) is not None  # six days and 23 hours: still offered
    clock.now += timedelta(hours=2)
    assert store.load(5) is None
    assert not (store.folder / "5.json").exists()
    assert [d.key for d in store.list_drafts()] == ["6"]
    clock.now += timedelta(days=8)
    assert store.expire() == 1
    assert store.list_drafts() == []


def test_damaged_file_is_ignored_not_an_error(store):
    store.folder.mkdir(parents=True)
    (store.folder / "9.json").write_text("{not json", encoding="utf-8")
    assert store.load(9) is None
    assert store.list_drafts() == []
    assert not (store.folder / "9.json").exists()


def test_keys_cannot_leave_the_folder(store):
    with pytest.raises(ValueError):
        store.save("../evil", {})


def test_default_folder_is_in_the_data_folder():
    config = load_config()
    assert config.data_dir == drafts.folder_for(config.data_dir).parent
    assert os.environ["DESK_HOME"] in str(drafts.default_store().folder)
    drafts.default_store().save("new", {"x": 1})
    assert [d.key for d in drafts.list_drafts()] == ["new"]
    assert (config.data_dir / "drafts" / "new.json").exists()
