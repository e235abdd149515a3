"""A local stand-in for the group robots' webhooks, checking what the platforms check.

Written from the platforms' documentation (not from Desk's code):

- WeCom group robot: ``POST /cgi-bin/webhook/send?key=KEY``; JSON ``msgtype`` text
  (``text.content``, optional ``mentioned_mobile_list``) or markdown
  (``markdown.content``, at most 4096 bytes); an unknown key answers errcode 93000; more
  than 20 messages a minute answers errcode 45009.
- DingTalk custom robot with 加签: ``POST /robot/send?access_token=T&timestamp=MS&sign=S``
  where S is ``urlencode(base64(HmacSHA256(key=secret, msg=timestamp + "\\n" + secret)))``
  and the timestamp lies within an hour of the server's time (else errcode 310000);
  markdown needs ``markdown.title`` and ``markdown.text``; ``at.atMobiles`` a list; more
  than 20 a minute answers errcode 130101 ("send too fast").
- Feishu custom bot with signature verification: ``POST /open-apis/bot/v2/hook/TOKEN``
  with ``timestamp`` (seconds, within an hour) and ``sign`` =
  ``base64(HmacSHA256(key=timestamp + "\\n" + secret, msg=""))`` in the body (else code
  19021); ``msg_type`` interactive (``card``) or post (``content.post``); more than 100 a
  minute or 5 a second answers code 11232 ("frequency limited").
- Generic webhook: ``POST /hook`` with ``X-Desk-Signature: sha256=hex(HmacSHA256(key=
  secret, msg=raw body))`` (the shape Desk documents for it), else HTTP 401.

Every accepted message is kept in ``received`` with the server's time, so a test can
check the rate over any window. ``clock`` is the server's notion of now (seconds since
the epoch); a test with a fake clock for Desk gives the same clock here.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import hmac
import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit


@dataclass
class Received:
    robot: str  # wecom, dingtalk, feishu, webhook
    at: float
    payload: dict[str, Any]
    query: dict[str, str]
    headers: dict[str, str]


@dataclass
class RobotServer:
    wecom_key: str = "0f4c2b1e-5a6d-4e7f-8a9b-1c2d3e4f5a6b"
    dingtalk_token: str = "d1ngd1ngaccesstoken0123456789"
    dingtalk_secret: str = "SECa1b2c3d4e5f60718293a4b5c6d7e8f901234567890abcdef"
    feishu_token: str = "fe15hu-hook-token-0123456789"
    feishu_secret: str = "fEiShUsEcReT0123"
    webhook_secret: str = "generic-webhook-secret-42"
    clock: Callable[[], float] = time.time
    received: list[Received] = field(default_factory=list)
    refused: list[tuple[str, Any, str]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    stall: float = 0.0  # seconds to wait before answering (to test timeouts)

    def start(self) -> RobotServer:
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def do_POST(self) -> None:  # noqa: N802
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length)
                if server.stall:
                    time.sleep(server.stall)
                status, answer = server.handle(self.path, dict(self.headers.items()), raw)
                body = json.dumps(answer, ensure_ascii=False).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                with contextlib.suppress(BrokenPipeError):  # the sender gave up (timeout test)
                    self.wfile.write(body)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.httpd.server_address[1]
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()
        return self

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    # -- the URLs an administrator would paste ---------------------------------------------

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def wecom_url(self) -> str:
        return f"{self.base}/cgi-bin/webhook/send?key={self.wecom_key}"

    @property
    def dingtalk_url(self) -> str:
        return f"{self.base}/robot/send?access_token={self.dingtalk_token}"

    @property
    def feishu_url(self) -> str:
        return f"{self.base}/open-apis/bot/v2/hook/{self.feishu_token}"

    @property
    def webhook_url(self) -> str:
        return f"{self.base}/hook"

    def of(self, robot: str) -> list[Received]:
        with self.lock:
            return [r for r in self.received if r.robot == robot]

    def max_in_window(self, robot: str, seconds: float) -> int:
        """The most messages this robot accepted within any window of ``seconds``."""
        times = sorted(r.at for r in self.of(robot))
        best, start = 0, 0
        for end, t in enumerate(times):
            while t - times[start] >= seconds:
                start += 1
            best = max(best, end - start + 1)
        return best

    # -- checking ---------------------------------------------------------------------------

    def _count_since(self, robot: str, seconds: float, now: float) -> int:
        return sum(1 for r in self.received if r.robot == robot and now - r.at < seconds)

    def handle(self, path: str, headers: dict[str, str], raw: bytes) -> tuple[int, Any]:
        parts = urlsplit(path)
        query = {k: v[0] for k, v in parse_qs(parts.query).items()}
        with self.lock:
            now = self.clock()
            if parts.path == "/cgi-bin/webhook/send":
                return self._wecom(query, headers, raw, now)
            if parts.path == "/robot/send":
                return self._dingtalk(query, headers, raw, now)
            if parts.path.startswith("/open-apis/bot/v2/hook/"):
                return self._feishu(parts.path.rsplit("/", 1)[1], query, headers, raw, now)
            if parts.path == "/hook":
                return self._webhook(query, headers, raw, now)
        return 404, {"error": "not found"}

    def _refuse(self, robot: str, payload: Any, why: str) -> None:
        self.refused.append((robot, payload, why))

    def _wecom(self, query: dict[str, str], headers: dict[str, str], raw: bytes,
               now: float) -> tuple[int, Any]:
        if query.get("key") != self.wecom_key:
            self._refuse("wecom", None, "key")
            return 200, {"errcode": 93000, "errmsg": "invalid webhook url"}
        try:
            data = json.loads(raw.decode("utf-8"))
        except ValueError:
            self._refuse("wecom", raw, "json")
            return 200, {"errcode": 40008, "errmsg": "invalid message type"}
        kind = data.get("msgtype")
        ok = (kind == "markdown" and isinstance(data.get("markdown", {}).get("content"), str)
              and 0 < len(data["markdown"]["content"].encode()) <= 4096) or (
              kind == "text" and isinstance(data.get("text", {}).get("content"), str)
              and isinstance(data["text"].get("mentioned_mobile_list", []), list))
        if not ok:
            self._refuse("wecom", data, "shape")
            return 200, {"errcode": 40008, "errmsg": "invalid message type"}
        if self._count_since("wecom", 60, now) >= 20:
            self._refuse("wecom", data, "rate")
            return 200, {"errcode": 45009, "errmsg": "api freq out of limit"}
        self.received.append(Received("wecom", now, data, query, headers))
        return 200, {"errcode": 0, "errmsg": "ok"}

    def _dingtalk(self, query: dict[str, str], headers: dict[str, str], raw: bytes,
                  now: float) -> tuple[int, Any]:
        if query.get("access_token") != self.dingtalk_token:
            self._refuse("dingtalk", None, "token")
            return 200, {"errcode": 300001, "errmsg": "token is not exist"}
        timestamp = query.get("timestamp", "")
        # parse_qs has url-decoded the sign already: compare with the Base64 text
        string_to_sign = f"{timestamp}\n{self.dingtalk_secret}".encode()
        expected = base64.b64encode(hmac.new(self.dingtalk_secret.encode(), string_to_sign,
                                             hashlib.sha256).digest()).decode()
        fresh = timestamp.isdigit() and abs(now * 1000 - int(timestamp)) <= 3_600_000
        if not fresh or not hmac.compare_digest(expected, query.get("sign", "")):
            self._refuse("dingtalk", None, "sign")
            return 200, {"errcode": 310000, "errmsg": "sign not match"}
        try:
            data = json.loads(raw.decode("utf-8"))
        except ValueError:
            return 200, {"errcode": 40035, "errmsg": "缺少参数 json"}
        md = data.get("markdown") if data.get("msgtype") == "markdown" else None
        if not (isinstance(md, dict) and isinstance(md.get("title"), str) and md.get("title")
                and isinstance(md.get("text"), str) and md.get("text")
                and isinstance(data.get("at", {}).get("atMobiles", []), list)):
            self._refuse("dingtalk", data, "shape")
            return 200, {"errcode": 40035, "errmsg": "缺少参数 markdown"}
        if self._count_since("dingtalk", 60, now) >= 20:
            self._refuse("dingtalk", data, "rate")
            return 200, {"errcode": 130101, "errmsg": "send too fast, exceed 20 times per minute"}
        self.received.append(Received("dingtalk", now, data, query, headers))
        return 200, {"errcode": 0, "errmsg": "ok"}

    def _feishu(self, token: str, query: dict[str, str], headers: dict[str, str], raw: bytes,
                now: float) -> tuple[int, Any]:
        if token != self.feishu_token:
            return 200, {"code": 19001, "msg": "param invalid: incoming webhook access token invalid"}
        try:
            data = json.loads(raw.decode("utf-8"))
        except ValueError:
            return 200, {"code": 9499, "msg": "Bad Request"}
        timestamp = str(data.get("timestamp", ""))
        key = f"{timestamp}\n{self.feishu_secret}".encode()
        expected = base64.b64encode(hmac.new(key, b"", hashlib.sha256).digest()).decode()
        fresh = timestamp.isdigit() and abs(now - int(timestamp)) <= 3600
        if not fresh or not hmac.compare_digest(expected, str(data.get("sign", ""))):
            self._refuse("feishu", data, "sign")
            return 200, {"code": 19021, "msg": "sign match fail or timestamp is not within one "
                         "hour from current time"}
        kind = data.get("msg_type")
        card = data.get("card")
        ok = (kind == "interactive" and isinstance(card, dict)
              and isinstance(card.get("elements"), list) and card["elements"]) or (
              kind == "post" and isinstance(data.get("content", {}).get("post"), dict))
        if not ok:
            self._refuse("feishu", data, "shape")
            return 200, {"code": 9499, "msg": "Bad Request"}
        if self._count_since("feishu", 60, now) >= 100 or self._count_since("feishu", 1, now) >= 5:
            self._refuse("feishu", data, "rate")
            return 200, {"code": 11232, "msg": "frequency limited psm"}
        self.received.append(Received("feishu", now, data, query, headers))
        return 200, {"code": 0, "msg": "success", "data": {}}

    def _webhook(self, query: dict[str, str], headers: dict[str, str], raw: bytes,
                 now: float) -> tuple[int, Any]:
        given = {k.lower(): v for k, v in headers.items()}.get("x-desk-signature", "")
        expected = "sha256=" + hmac.new(self.webhook_secret.encode(), raw,
                                        hashlib.sha256).hexdigest()
        if not hmac.compare_digest(given, expected):
            self._refuse("webhook", None, "signature")
            return 401, {"error": "bad signature"}
        try:
            data = json.loads(raw.decode("utf-8"))
        except ValueError:
            return 400, {"error": "not JSON"}
        if not (isinstance(data.get("title"), str) and isinstance(data.get("text"), str)):
            self._refuse("webhook", data, "shape")
            return 400, {"error": "title and text required"}
        self.received.append(Received("webhook", now, data, query, headers))
        return 200, {"ok": True}
