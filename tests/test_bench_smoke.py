"""The benchmark runner still runs: ``bench/run_all.py --quick`` prints its table and
writes its JSON (figures themselves are read by people, not asserted here)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_quick_run_prints_the_table_and_writes_json(tmp_path: Path) -> None:
    out = tmp_path / "latest.json"
    proc = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "run_all.py"), "--quick", "--out", str(out)],
        capture_output=True, text=True, timeout=120, cwd=ROOT,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    lines = proc.stdout.splitlines()
    assert lines[0].split()[:3] == ["backend", "tickets", "measure"]
    names = {"queue first page", "filter: open, level 1-2", "free-text search",
             "sort by business", "open ticket (50 events, 10 files)", "report a fault (p99)",
             "report a fault (median)", "cold start to first queue page", "peak memory, queue open",
             "service report, one month"}
    for name in names | {"GUI stall, queue operations"}:
        assert any(name in line for line in lines), name
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["options"]["quick"] is True
    rows = {r["name"]: r for r in data["rows"]}
    stall = [name for name in rows if name.startswith("GUI stall, queue operations")]
    assert len(stall) == 1 and rows[stall[0]]["unit"] == "ms"  # the window's queue, paged
    assert set(rows) - set(stall) == names
    for row in rows.values():
        assert row["backend"] == "sqlite" and row["size"] == 2000
        assert row["value_ms"] > 0
    assert rows["open ticket (50 events, 10 files)"]["floor_ms"] > 0
    assert rows["service report, one month"]["floor_ms"] > 0
    assert rows["peak memory, queue open"]["unit"] == "MB"
    assert f"written: {out}" in proc.stdout
