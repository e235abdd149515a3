"""The desk that gets killed in ``test_crash``: saves faults and moves them on, forever.

Run as ``python tests/crash_child.py URL SEED``. After each service call has returned
(its transaction committed) it prints ``confirmed <number> <action>`` and flushes, so
every line the parent reads is a save the person was told had happened.
"""

from __future__ import annotations

import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from desk.bootstrap import open_database  # noqa: E402
from desk.process import people, workflow
from desk.process.reporting import FaultReport, report_fault
from models import FaultType  # noqa: E402

TRIAGE = {"first_contact": "已电话联系报告人。", "confirmed_details": "可复现。",
          "reproducible": True, "fault_type": "NET", "level": 3}


def main(url: str, seed: int) -> None:
    rng = random.Random(seed)
    db = open_database(url)
    ids = {no: people.person_id(db, no) for no in ("IT001", "LEAD01", "OP003", "SALES005")}
    print("ready", flush=True)
    while True:
        detail = report_fault(db, FaultReport(
            fault_type=FaultType.NETWORK, affected_business="办公网络",
            phenomenon="断线" * rng.randint(1, 400)), ids["SALES005"])
        print(f"confirmed {detail.number} report", flush=True)
        workflow.perform(db, "triage", detail.number, ids["IT001"], TRIAGE)
        print(f"confirmed {detail.number} triage", flush=True)
        if rng.random() < 0.5:
            workflow.perform(db, "dispatch", detail.number, ids["LEAD01"],
                             {"level": 3, "module_engineer_id": ids["OP003"]})
            print(f"confirmed {detail.number} dispatch", flush=True)


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]))
