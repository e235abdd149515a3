"""The ``desk channel`` commands: group robots as notification channels.

``desk channel add {wecom,dingtalk,feishu,webhook} NAME --url URL [--secret-stdin] --as
ADMIN`` adds one (the signing secret read from the first line of standard input, never
from the command line); ``desk channel list [--json]`` shows them with their URLs masked;
``desk channel test NAME`` sends a test message now; ``desk channel remove NAME --as
ADMIN`` removes one. A rule names a channel as ``channel:NAME`` (or ``channels``: all);
``desk channel route NAME --trigger T --as ADMIN`` adds it to the rules of a trigger;
``desk channel announce NUMBER --text … --as LEAD`` posts a major-incident update.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from typing import Any

from desk.cli.identity import acting
from desk.db import Database
from desk.notify import channels


def register(sub: Any) -> dict[str, Callable[[Database, argparse.Namespace], int]]:
    ch = sub.add_parser("channel", help="group robots (WeCom, DingTalk, Feishu, webhook) / 群机器人",
                        description="Group robots and webhooks that notices go to.")
    actions = ch.add_subparsers(dest="channel_action", metavar="ACTION", required=True)
    add = actions.add_parser("add", help="add a group robot or webhook (administrators)")
    add.add_argument("kind", choices=list(channels.KINDS),
                     help="the platform: WeCom, DingTalk or Feishu group robot, or a webhook")
    add.add_argument("name", help="the channel's name, as rules name it (channel:NAME)")
    add.add_argument("--url", required=True, help="the webhook URL as the platform gives it")
    add.add_argument("--secret-stdin", action="store_true",
                     help="read the signing secret from the first line of standard input")
    add.add_argument("--per-minute", type=int, help="rate limit (default: the platform's)")
    add.add_argument("--as", dest="actor", metavar="ADMIN_NO",
                    help="who acts: must be who is signed in (optional)")
    ls = actions.add_parser("list", help="the channels, URLs masked")
    ls.add_argument("--json", action="store_true")
    test = actions.add_parser("test", help="send a test message to a channel now")
    test.add_argument("name", help="the channel to send a test message to")
    rm = actions.add_parser("remove", help="remove a channel (administrators)")
    rm.add_argument("name", help="the channel to remove")
    rm.add_argument("--as", dest="actor", metavar="ADMIN_NO",
                    help="who acts: must be who is signed in (optional)")
    rt = actions.add_parser("route", help="name the channel in the rules of a trigger "
                            "(the level-1 report and the breach warnings go to every channel "
                            "already)")
    rt.add_argument("name", help="the channel to add to the rule")
    rt.add_argument("--trigger", required=True, choices=list(channels.ROUTABLE),
                    help="the notification rule the channel joins")
    rt.add_argument("--remove", action="store_true", help="take it out of those rules")
    rt.add_argument("--as", dest="actor", metavar="ADMIN_NO",
                    help="who acts: must be who is signed in (optional)")
    an = actions.add_parser("announce", help="a major-incident update to every channel")
    an.add_argument("number", help="the fault's number")
    an.add_argument("--text", required=True, help="what happened, what comes next")
    an.add_argument("--as", dest="actor", metavar="EMPLOYEE_NO",
                    help="who acts: must be who is signed in (optional)")
    return {"channel": _cmd_channel}


def _cmd_channel(db: Database, args: argparse.Namespace) -> int:
    action = args.channel_action
    if action == "add":
        secret = sys.stdin.readline().strip() if args.secret_stdin else ""
        view = channels.add_channel(db, acting(db, args), args.kind, args.name,
                                    args.url, secret, per_minute=args.per_minute)
        print(f"已添加渠道 {view.name}（{view.kind_label_zh}）{view.url} / channel added")
        return 0
    if action == "remove":
        unsent = channels.remove_channel(db, acting(db, args), args.name)
        print(f"已删除渠道 {args.name}，{unsent} 条未发送消息标为失败 / channel removed, "
              f"{unsent} unsent messages marked failed")
        return 0
    if action == "route":
        changed = channels.route(db, acting(db, args), args.name, args.trigger,
                                 args.remove)
        print(f"已更新 {changed} 条通知规则 / {changed} notification rules changed")
        return 0
    if action == "announce":
        ids = channels.announce(db, acting(db, args), args.number, args.text)
        print(f"已加入发件箱 {len(ids)} 条群消息 / {len(ids)} group messages queued")
        return 0
    if action == "test":
        view = channels.test_channel(db, args.name)
        print(f"测试消息已发送到 {view.name} / test message sent to {view.name}")
        return 0
    rows = channels.list_channels(db)
    if args.json:
        print(json.dumps([r.to_json() for r in rows], ensure_ascii=False, indent=2))
        return 0
    if not rows:
        print("尚无通知渠道 / no channels yet")
    for r in rows:
        limit = f"{r.per_minute}/分钟" + (f"，{r.per_second}/秒" if r.per_second else "")
        signed = "加签" if r.has_secret else "未加签"
        print(f"{r.name:<16} {r.kind_label_zh:<10} {signed} {limit}  待发 {r.pending}  "
              f"失败 {r.failed}  {r.url}")
    return 0
