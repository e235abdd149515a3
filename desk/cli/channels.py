"""The ``desk channel`` commands: group robots as notification channels.

``desk channel add {wecom,dingtalk,feishu,webhook} NAME --url URL [--secret-stdin] --as
ADMIN`` adds one (the signing secret read from the first line of standard input, never
from the command line); ``desk channel list [--json]`` shows them with their URLs masked;
``desk channel test NAME`` sends a test message now; ``desk channel remove NAME --as
ADMIN`` removes one. A rule names a channel as ``channel:NAME`` (or ``channels``: all);
``desk channel route NAME --trigger T --as ADMIN`` adds it to the rules of a trigger;
``desk channel announce NUMBER --text … --as LEAD`` posts a major-incident update.
``desk channel enable NAME`` and ``desk channel disable NAME`` switch a channel on and off
(while off, nothing new is queued for it and what waits stays in the outbox until it is
on again); ``desk channel limit NAME [--per-minute N] [--per-second N | --no-per-second]``
sets its rate limits (administrators, ``--as ADMIN`` optional).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from typing import Any

from desk.cli.identity import acting
from desk.cli.output import count
from desk.db import Database
from desk.errors import pick
from desk.notify import channels
from desk.process import channels as channel_settings

LIMIT = count(channel_settings.LIMIT_MIN, channel_settings.LIMIT_MAX)


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
    for action, text in (("enable", "switch a channel on (administrators)"),
                         ("disable", "switch a channel off: nothing new is queued for it, "
                          "what waits stays queued (administrators)")):
        sw = actions.add_parser(action, help=text)
        sw.add_argument("name", help="the channel's name")
        sw.add_argument("--as", dest="actor", metavar="ADMIN_NO",
                        help="who acts: must be who is signed in (optional)")
    lim = actions.add_parser("limit", help="set a channel's rate limits (administrators)",
                             description="Set how many messages the service sends to the "
                             "channel a minute and, optionally, a second; held from the "
                             "service's next round. Messages over the limit wait.")
    lim.add_argument("name", help="the channel's name")
    lim.add_argument("--per-minute", type=LIMIT, metavar="N",
                     help=f"at most N messages a minute ({channel_settings.LIMIT_MIN}–"
                     f"{channel_settings.LIMIT_MAX})")
    second = lim.add_mutually_exclusive_group()
    second.add_argument("--per-second", type=LIMIT, metavar="N",
                        help="at most N messages a second")
    second.add_argument("--no-per-second", action="store_true",
                        help="no per-second limit (only the per-minute one)")
    lim.add_argument("--as", dest="actor", metavar="ADMIN_NO",
                     help="who acts: must be who is signed in (optional)")
    return {"channel": _cmd_channel}


def _state_line(state: channel_settings.ChannelState) -> str:
    limit = pick(f"{state.per_minute} 条/分钟", f"{state.per_minute}/minute")
    if state.per_second:
        limit += pick(f"，{state.per_second} 条/秒", f", {state.per_second}/second")
    on = pick("启用", "enabled") if state.enabled else pick("停用", "disabled")
    return pick(f"{state.name}：{on}，{limit}，待发 {state.waiting} 条",
                f"{state.name}: {on}, {limit}, {state.waiting} waiting")


def _cmd_switch(db: Database, args: argparse.Namespace, on: bool) -> int:
    state = channel_settings.configure_channel(db, acting(db, args), args.name, enabled=on)
    if not state.changed:
        print(pick(f"渠道 {state.name} 本已{'启用' if on else '停用'}，未作更改。",
                   f"The channel {state.name} was {'enabled' if on else 'disabled'} "
                   "already; nothing changed."))
    elif on:
        print(pick(f"已启用渠道 {state.name}。", f"Channel {state.name} enabled."))
    else:
        print(pick(f"已停用渠道 {state.name}：不再为它排入新消息。",
                   f"Channel {state.name} disabled: nothing new is queued for it."))
    if state.waiting:
        print(pick(f"{state.waiting} 条消息在发件箱中等待，{'将按频率上限发出' if on else '重新启用后发出'}。",
                   f"{state.waiting} messages wait in the outbox; they go out "
                   f"{'within the rate limit' if on else 'when it is enabled again'}."))
    print(_state_line(state))
    return 0


def _cmd_limit(db: Database, args: argparse.Namespace) -> int:
    if args.per_minute is None and args.per_second is None and not args.no_per_second:
        print("desk: " + pick("请至少给出 --per-minute、--per-second 或 --no-per-second 之一。",
                              "Give at least one of --per-minute, --per-second or "
                              "--no-per-second."), file=sys.stderr)
        return 2
    state = channel_settings.configure_channel(
        db, acting(db, args), args.name, per_minute=args.per_minute,
        per_second=args.per_second, no_per_second=args.no_per_second)
    if not state.changed:
        print(pick("频率上限未变。", "The rate limits were so already."))
    else:
        print(pick(f"已设置渠道 {state.name} 的频率上限。",
                   f"Rate limits of {state.name} set."))
    print(_state_line(state))
    minute, second = channels.DEFAULT_LIMITS.get(state.kind, (None, None))
    if state.kind != "webhook" and minute is not None and (
            state.per_minute > minute or (second and (state.per_second or 0) > second)):
        zh, en = channels.KIND_LABELS[state.kind]
        print(pick(f"注意：高于{zh}公布的上限（{minute} 条/分钟"
                   f"{f'，{second} 条/秒' if second else ''}），平台会拒收超出的消息，"
                   "它们在发件箱中等待后重试。",
                   f"Note: above what the {en} allows ({minute}/minute"
                   f"{f', {second}/second' if second else ''}); the platform refuses what is "
                   "over it, and those messages wait in the outbox and are tried again."),
              file=sys.stderr)
    return 0


def _cmd_channel(db: Database, args: argparse.Namespace) -> int:
    action = args.channel_action
    if action in ("enable", "disable"):
        return _cmd_switch(db, args, action == "enable")
    if action == "limit":
        return _cmd_limit(db, args)
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
        state = "启用" if r.enabled else "停用"
        print(f"{r.name:<16} {r.kind_label_zh:<10} {state} {signed} {limit}  待发 {r.pending}  "
              f"失败 {r.failed}  {r.url}")
    return 0
