"""Alert intake over HTTP: Prometheus Alertmanager (webhook version 4) and a generic shape.

``POST /alerts/alertmanager`` takes Alertmanager's webhook payload as its documentation
shows it (``version`` "4", ``groupKey``, ``alerts`` with ``status``, ``labels``,
``annotations``, ``startsAt``, ``endsAt``, ``generatorURL``, ``fingerprint``).

``POST /alerts/generic`` takes, for Zabbix, Grafana or a script::

    {"source": "zabbix",                     # optional, shown as the reporter
     "alerts": [{"key": "zabbix-trigger-1234",  # required: what identifies the problem
                 "status": "firing",            # or "resolved"
                 "labels": {"severity": "high", "service": "网上银行"},
                 "title": "…",                  # the alert's name (label alertname)
                 "summary": "…", "description": "…",   # or "annotations": {…}
                 "starts_at": "2026-11-27T09:30:00+08:00",  # optional
                 "ends_at": "…",                # optional, for resolved
                 "url": "https://zabbix.example/…"}]}    # optional

(one alert object without ``alerts`` is accepted too). Both need ``Authorization:
Bearer TOKEN`` (``desk intake token``). A body over ``MAX_BODY`` bytes, malformed JSON,
an unknown shape or a wrong token is refused with a clear JSON error, one log line and a
row in the intake log; the service keeps running.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import re
import threading
from collections.abc import Callable
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from desk.admin import intake as intake_settings
from desk.db import Database
from desk.errors import DatabaseError, DeskError
from desk.process import intake

log = logging.getLogger(__name__)

MAX_BODY = 1024 * 1024
PATHS = {"/alerts/alertmanager": "alertmanager", "/alerts/generic": "generic"}


class PayloadError(ValueError):
    pass


def _time(value: Any) -> datetime | None:
    if not value or not isinstance(value, str) or value.startswith("0001-01-01"):
        return None
    text = value.strip().replace("Z", "+00:00")
    text = re.sub(r"(\.\d{6})\d+", r"\1", text)  # Go prints nanoseconds
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise PayloadError(f"not a time: {value!r}") from None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _strings(value: Any, what: str) -> dict[str, str]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise PayloadError(f"{what} must be an object")
    return {str(k)[:200]: str(v)[:4000] for k, v in value.items()}


def _key_of(labels: dict[str, str], extra: str = "") -> str:
    canon = json.dumps(labels, sort_keys=True, ensure_ascii=False) + extra
    return "labels:" + hashlib.sha256(canon.encode()).hexdigest()[:16]


def parse_alertmanager(data: Any) -> list[intake.AlertIn]:
    if not isinstance(data, dict) or not isinstance(data.get("alerts"), list):
        raise PayloadError("an Alertmanager payload has an 'alerts' list")
    if str(data.get("version", "")) != "4":
        raise PayloadError(f"unsupported Alertmanager webhook version {data.get('version')!r}"
                           " (4 expected)")
    sender = str(data.get("receiver") or data.get("externalURL") or "alertmanager")
    out = []
    for item in data["alerts"]:
        if not isinstance(item, dict):
            raise PayloadError("each alert is an object")
        labels = _strings(item.get("labels"), "labels")
        status = str(item.get("status") or data.get("status") or "firing")
        if status not in ("firing", "resolved"):
            raise PayloadError(f"unknown alert status {status!r}")
        key = str(item.get("fingerprint") or "") or _key_of(labels, str(data.get("groupKey")))
        out.append(intake.AlertIn(
            source="alertmanager", key=key, status=status, labels=labels,
            annotations=_strings(item.get("annotations"), "annotations"),
            starts_at=_time(item.get("startsAt")), ends_at=_time(item.get("endsAt")),
            generator_url=str(item.get("generatorURL") or "")[:2000], sender=sender[:100]))
    return out


def parse_generic(data: Any) -> list[intake.AlertIn]:
    if not isinstance(data, dict):
        raise PayloadError("the payload is a JSON object")
    items = data.get("alerts", [data]) if "alerts" in data else [data]
    if not isinstance(items, list) or not items:
        raise PayloadError("'alerts' is a non-empty list")
    source = str(data.get("source") or "generic")[:40]
    out = []
    for item in items:
        if not isinstance(item, dict):
            raise PayloadError("each alert is an object")
        labels = _strings(item.get("labels"), "labels")
        key = str(item.get("key") or item.get("fingerprint") or "")
        if not key:
            raise PayloadError("each alert needs a 'key'")
        status = str(item.get("status") or "firing").lower()
        status = {"problem": "firing", "ok": "resolved", "alerting": "firing"}.get(status, status)
        if status not in ("firing", "resolved"):
            raise PayloadError(f"unknown alert status {status!r}")
        annotations = _strings(item.get("annotations"), "annotations")
        for name in ("summary", "description", "message"):
            if item.get(name):
                annotations.setdefault(name, str(item[name])[:4000])
        if item.get("title"):
            annotations.setdefault("summary", str(item["title"])[:4000])
            labels.setdefault("alertname", str(item["title"])[:200])  # what the mapping names
        out.append(intake.AlertIn(
            source=source, key=key[:300], status=status, labels=labels, annotations=annotations,
            starts_at=_time(item.get("starts_at")), ends_at=_time(item.get("ends_at")),
            generator_url=str(item.get("url") or "")[:2000], sender=source))
    return out


def handle(db: Database, kind: str, authorization: str,
           body: bytes) -> tuple[int, dict[str, Any]]:
    """Take one request; (HTTP status, JSON answer). Never raises for bad input."""
    token = authorization[7:].strip() if authorization.lower().startswith("bearer ") else ""
    if not intake_settings.token_matches(intake_settings.token_digest(db), token):
        intake.record_refused(db, kind, "wrong or missing bearer token")
        log.warning("alerts/%s: refused: wrong or missing bearer token", kind)
        return 401, {"error": "wrong or missing bearer token"}
    try:
        data = json.loads(body.decode("utf-8"))
        alerts = parse_alertmanager(data) if kind == "alertmanager" else parse_generic(data)
    except (UnicodeDecodeError, ValueError) as exc:  # PayloadError and JSONDecodeError too
        reason = str(exc)[:300]
        intake.record_refused(db, kind, f"malformed payload: {reason}")
        log.warning("alerts/%s: refused: malformed payload: %s", kind, reason)
        return 400, {"error": f"malformed payload: {reason}"}
    mapping = intake_settings.mapping(db)
    results = []
    for alert in alerts:
        try:
            outcome = intake.file_alert(db, alert, mapping)
        except DatabaseError:
            raise
        except DeskError as exc:
            intake.record_refused(db, kind, f"{alert.key}: {exc.en}")
            log.warning("alerts/%s: %s refused: %s", kind, alert.key, exc.en)
            results.append({"key": alert.key, "outcome": intake.REFUSED, "error": exc.en})
            continue
        note = " (no mapping rule matched its labels: default used)" if outcome.unmapped else ""
        log.info("alerts/%s: %s %s → %s %s%s", kind, alert.key, alert.status, outcome.outcome,
                 outcome.number, note)
        results.append({"key": alert.key, "outcome": outcome.outcome,
                         "number": outcome.number})
    return 200, {"received": len(alerts), "results": results}


class AlertServer:
    """The listener: a threaded HTTP server on its own thread."""

    def __init__(self, db: Database, host: str, port: int,
                 on_error: Callable[[str], None] | None = None) -> None:
        self.db = db
        service = self

        class Handler(BaseHTTPRequestHandler):
            server_version = "Desk"
            sys_version = ""
            timeout = 30  # a client that stalls mid-request gives its thread back

            def log_message(self, *args: Any) -> None:
                pass

            def _answer(self, status: int, payload: dict[str, Any]) -> None:
                body = json.dumps(payload, ensure_ascii=False).encode("utf-8")
                self.send_response(status)
                self.send_header("Content-Type", "application/json; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_GET(self) -> None:  # noqa: N802
                self._answer(404 if self.path != "/health" else 200,
                             {"ok": True} if self.path == "/health" else {"error": "not found"})

            def do_POST(self) -> None:  # noqa: N802
                kind = PATHS.get(self.path.split("?", 1)[0])
                if kind is None:
                    self._answer(404, {"error": "not found"})
                    return
                try:
                    length = int(self.headers.get("Content-Length") or "0")
                except ValueError:
                    length = -1
                if length < 0 or length > MAX_BODY:
                    log.warning("alerts/%s: refused: body of %s bytes (at most %d)", kind,
                                self.headers.get("Content-Length"), MAX_BODY)
                    with contextlib.suppress(DeskError):
                        intake.record_refused(service.db, kind,
                                              f"body too large: {length} bytes")
                    self.close_connection = True
                    self._answer(413, {"error": f"body over {MAX_BODY} bytes"})
                    return
                body = self.rfile.read(length)
                try:
                    status, answer = handle(service.db, kind,
                                            self.headers.get("Authorization") or "", body)
                except DeskError as exc:  # the database is away: the sender retries
                    log.warning("alerts/%s: not taken: %s", kind, exc.en)
                    status, answer = 503, {"error": exc.en}
                except Exception as exc:  # noqa: BLE001 - one bad request never stops the service
                    log.error("alerts/%s: internal error: %s: %s", kind, type(exc).__name__, exc)
                    status, answer = 500, {"error": "internal error"}
                self._answer(status, answer)

        self.httpd = ThreadingHTTPServer((host, port), Handler)
        self.httpd.daemon_threads = True
        self.address = self.httpd.server_address
        self.thread = threading.Thread(target=self.httpd.serve_forever, name="desk-alerts",
                                       daemon=True)

    def start(self) -> AlertServer:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
