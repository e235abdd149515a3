"""A second desk for the live-update tests: a process of its own on the same database.

Run as ``python -m tests.live_peer URL``. It reads one JSON command per line on stdin
and answers one JSON line on stdout (``{"ok": ..., "at": time.time()}``) after the
unit of work committed:

    {"do": "report", "phenomenon": "...", "person": "SALES005"}
    {"do": "transition", "name": "triage", "ticket": 3, "person": "IT001", "data": {...}}
    {"do": "presence", "ticket": 3, "person": "CTO01", "editing": false}
    {"do": "leave"}
    {"do": "quit"}
"""

from __future__ import annotations

import json
import sys
import time

from desk.bootstrap import open_database
from desk.errors import DeskError
from desk.process import people, presence, reporting, workflow
from models import FaultType

DESK_ID = "peer-desk"


def main(url: str) -> int:
    db = open_database(url, upgrade=False)
    try:
        print(json.dumps({"ok": "ready", "at": time.time()}), flush=True)
        for line in sys.stdin:
            cmd = json.loads(line)
            try:
                result = handle(db, cmd)
            except DeskError as exc:
                print(json.dumps({"error": exc.en, "at": time.time()}), flush=True)
                continue
            print(json.dumps({"ok": result, "at": time.time()}), flush=True)
            if cmd["do"] == "quit":
                break
    finally:
        db.dispose()
    return 0


def handle(db: object, cmd: dict[str, object]) -> object:
    do = cmd["do"]
    if do == "report":
        detail = reporting.report_fault(
            db,  # type: ignore[arg-type]
            reporting.FaultReport(fault_type=FaultType.APPLICATION,
                                affected_business=str(cmd.get("business", "销售订单系统")),
                                phenomenon=str(cmd["phenomenon"])),
            people.person_id(db, str(cmd["person"])),  # type: ignore[arg-type]
        )
        return {"id": detail.id, "number": detail.number, "version": detail.version}
    if do == "transition":
        detail = workflow.perform(db, str(cmd["name"]), int(cmd["ticket"]),  # type: ignore[arg-type, call-overload]
                                  people.person_id(db, str(cmd["person"])),  # type: ignore[arg-type]
                                  cmd.get("data") or {})  # type: ignore[arg-type]
        return {"id": detail.id, "version": detail.version}
    if do == "presence":
        presence.heartbeat(db, DESK_ID, people.person_id(db, str(cmd["person"])),  # type: ignore[arg-type]
                           int(cmd["ticket"]), bool(cmd.get("editing")))  # type: ignore[call-overload]
        return "present"
    if do == "leave":
        presence.leave(db, DESK_ID)  # type: ignore[arg-type]
        return "left"
    if do == "quit":
        return "bye"
    raise ValueError(f"unknown command {do!r}")


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
