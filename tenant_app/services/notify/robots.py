"""Group robots of 企业微信, 钉钉 and 飞书: an organisation's group, where messages for its people
are posted when they chose that platform in their preferences (the message names them).

- 企业微信: POST the webhook (…/cgi-bin/webhook/send?key=…) `{"msgtype": "markdown",
  "markdown": {"content": …}}`; no signature (the key in the URL is the secret).
- 钉钉: POST the webhook (…/robot/send?access_token=…) with the query parameters `timestamp`
  (ms) and `sign` = urlencode(base64(HMAC-SHA256(key=secret, msg="{timestamp}\\n{secret}")))
  and `{"msgtype": "markdown", "markdown": {"title": …, "text": …}}`.
- 飞书: POST the webhook (…/open-apis/bot/v2/hook/…) `{"timestamp": "<seconds>", "sign":
  base64(HMAC-SHA256(key="{timestamp}\\n{secret}", msg="")), "msg_type": "interactive",
  "card": …}`, the card's text in lark_md.
An answer with an HTTP error, or errcode/code other than 0, raises ChannelError: the delivery is
logged as failed and tried again. Webhook URLs must name the platform's own hosts (or one of
ROBOT_EXTRA_HOSTS): the server calls nothing else a head types in.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import time
from urllib.parse import parse_qsl, quote_plus, urlsplit, urlunsplit

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import object_session

from ...extensions import db
from ...models import GroupRobot
from ...vocab import N_
from ..errors import DomainError
from .channels import LOOPBACK, ChannelError, Message, scrub
from .webhooks import post_json, refused

PLATFORMS = {"wecom": N_("企业微信"), "dingtalk": N_("钉钉"), "feishu": N_("飞书")}
SIGNED = ("dingtalk", "feishu")  # the platforms whose robots sign each call with a secret
HOSTS = {"wecom": ("qyapi.weixin.qq.com",), "dingtalk": ("oapi.dingtalk.com",),
         "feishu": ("open.feishu.cn", "open.larksuite.com")}
WECOM_LIMIT = 4096  # bytes of markdown content 企业微信 accepts
TEXT_LIMIT = 3500   # characters of text before it is cut (each platform's limit is higher)


class RobotError(DomainError):
    pass


# Settings.

def robots_of(org, session=None) -> dict[str, GroupRobot]:
    session = session or object_session(org) or db.session
    return {r.platform: r for r in session.scalars(select(GroupRobot).where(GroupRobot.org_id == org.id))}


def robot_of(org, platform: str, session=None) -> GroupRobot | None:
    if org is None:
        return None
    session = session or object_session(org) or db.session
    return session.scalar(select(GroupRobot).where(GroupRobot.org_id == org.id, GroupRobot.platform == platform))


def check_url(platform: str, url: str) -> str:
    url = (url or "").strip()
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    allowed = set(HOSTS[platform]) | set(current_app.config.get("ROBOT_EXTRA_HOSTS") or ())
    if len(url) > 500 or host not in allowed or parts.username or parts.password:
        raise RobotError(_l("机器人地址须是%(platform)s的 Webhook 地址（%(hosts)s）。",
                            platform=_l(PLATFORMS[platform]), hosts=", ".join(HOSTS[platform])))
    if parts.scheme != "https" and not (parts.scheme == "http" and host in LOOPBACK):
        raise RobotError(_l("机器人地址须以 https:// 开头。"))
    return url


def save_robot(org, platform: str, webhook_url: str = "", secret: str = "", enabled: bool = True,
               clear_secret: bool = False) -> GroupRobot:
    """Set the organisation's robot on platform. A blank URL or secret keeps the one stored
    (they are never shown back to be typed again); clear_secret forgets the secret."""
    if platform not in PLATFORMS:
        raise RobotError(_l("未知的平台。"))
    robot = robot_of(org, platform, db.session)
    url = check_url(platform, webhook_url) if (webhook_url or "").strip() else ""
    if robot is None:
        if not url:
            raise RobotError(_l("请填写机器人的 Webhook 地址。"))
        robot = GroupRobot(network_id=org.network_id, org_id=org.id, platform=platform, webhook_url=url, secret="")
        db.session.add(robot)
    elif url:
        robot.webhook_url = url
    secret = (secret or "").strip()
    if secret:
        if platform not in SIGNED:
            raise RobotError(_l("企业微信群机器人没有签名密钥，地址中的 key 即是密钥。"))
        if len(secret) > 200 or not secret.isascii() or not secret.isprintable():
            raise RobotError(_l("签名密钥格式不对，请从机器人设置中原样复制。"))
        robot.secret = secret
    elif clear_secret:
        robot.secret = ""
    robot.enabled = bool(enabled)
    db.session.flush()
    return robot


def remove_robot(robot: GroupRobot) -> None:
    db.session.delete(robot)


def mask_secret(secret: str) -> str:
    """What the page shows of a secret: its length hidden, its last 4 characters."""
    return f"••••••{secret[-4:]}" if len(secret) > 8 else ("••••••" if secret else "")


def mask_url(url: str) -> str:
    """The webhook URL with its token (a query value, or the last path segment) masked."""
    parts = urlsplit(url or "")
    query = "&".join(f"{k}={mask_secret(v)}" for k, v in parse_qsl(parts.query))
    path = parts.path
    if not parts.query and "/" in path:
        head, _, last = path.rpartition("/")
        path = f"{head}/{mask_secret(last)}"
    return urlunsplit((parts.scheme, parts.netloc, path, query, ""))


# Signatures, as each platform documents them.

def dingtalk_sign(secret: str, timestamp_ms: int) -> str:
    """base64(HMAC-SHA256(key=secret, msg="{timestamp}\\n{secret}")), before urlencoding."""
    digest = hmac.new(secret.encode("utf-8"), f"{timestamp_ms}\n{secret}".encode("utf-8"), hashlib.sha256).digest()
    return base64.b64encode(digest).decode("ascii")


def feishu_sign(secret: str, timestamp_s: int) -> str:
    """base64(HMAC-SHA256(key="{timestamp}\\n{secret}", msg=b""))."""
    digest = hmac.new(f"{timestamp_s}\n{secret}".encode("utf-8"), b"", hashlib.sha256).digest()
    return base64.b64encode(digest).decode("ascii")


# Messages.

def _cut(text: str, limit: int = TEXT_LIMIT) -> str:
    return text if len(text) <= limit else text[:limit - 1] + "…"


def markdown(message: Message, mentions=()) -> tuple[str, str]:
    """(title, markdown text) of message for a group: whom it is for, the text, the items of a
    digest, the link. Whole mobile numbers masked."""
    with force_locale(message.locale or "zh_CN"):
        title = scrub(message.subject)
        lines = [f"**{title}**"]
        if mentions:
            lines.append(_("提醒 %(names)s", names=" ".join(f"@{scrub(name)}" for name in mentions)))
        lines += [scrub(p) for p in (message.text or "").split("\n") if p.strip()]
        lines += [f"- [{scrub(t)}]({link})" + (f" {scrub(b)}" if b else "") for t, b, link in message.items]
        if message.link:
            lines.append(f"[{_('在系统中查看')}]({message.link})")
    return title, _cut("\n\n".join(lines))


def _wecom(message, mentions):
    _title, text = markdown(message, mentions)
    while len(text.encode("utf-8")) > WECOM_LIMIT:
        text = text[:int(len(text) * 0.9)] + "…"
    return {"msgtype": "markdown", "markdown": {"content": text}}


def _dingtalk(message, mentions):
    title, text = markdown(message, mentions)
    return {"msgtype": "markdown", "markdown": {"title": title[:60], "text": text}}


def _feishu(message, mentions):
    title, text = markdown(message, mentions)
    text = text.split("\n\n", 1)[1] if "\n\n" in text else ""  # the title is the card's header
    elements = [{"tag": "div", "text": {"tag": "lark_md", "content": text}}]
    if message.link:
        with force_locale(message.locale or "zh_CN"):
            label = _("在系统中查看")
        elements.append({"tag": "action", "actions": [{"tag": "button", "type": "primary", "url": message.link,
                                                       "text": {"tag": "plain_text", "content": label}}]})
    return {"msg_type": "interactive",
            "card": {"config": {"wide_screen_mode": True},
                     "header": {"template": "blue", "title": {"tag": "plain_text", "content": title[:100]}},
                     "elements": elements}}


BUILDERS = {"wecom": _wecom, "dingtalk": _dingtalk, "feishu": _feishu}


def request_for(robot: GroupRobot, message: Message, mentions=(), now: float | None = None) -> tuple[str, dict]:
    """The URL and JSON body of one call, signed when the robot has a secret."""
    now = time.time() if now is None else now
    url, body = robot.webhook_url, BUILDERS[robot.platform](message, mentions)
    if robot.secret and robot.platform == "dingtalk":
        timestamp = int(now * 1000)
        sign = quote_plus(dingtalk_sign(robot.secret, timestamp))
        url += ("&" if "?" in url else "?") + f"timestamp={timestamp}&sign={sign}"
    elif robot.secret and robot.platform == "feishu":
        timestamp = int(now)
        body = {"timestamp": str(timestamp), "sign": feishu_sign(robot.secret, timestamp), **body}
    return url, body


def post(robot: GroupRobot, message: Message, mentions=()) -> None:
    """Post message to the robot's group (naming mentions), or raise ChannelError."""
    url, body = request_for(robot, message, mentions)
    status, answer = post_json(url, body)
    error = refused(answer)
    if error:
        raise ChannelError(f"{robot.platform} robot: {error}")
    if answer is None:
        raise ChannelError(f"{robot.platform} robot: HTTP {status}, an answer that is not JSON")


def send_test(robot: GroupRobot, by) -> None:
    """A test message to the robot's group, now; a failure is the user's to see (RobotError)."""
    base = current_app.config.get("BASE_URL", "").rstrip("/")
    with force_locale(by.locale or "zh_CN"):
        message = Message(subject=str(_l("【%(network)s】通知测试", network=by.network.name)),
                          text=str(_l("这是%(org)s的%(platform)s群机器人发出的测试消息，由%(name)s发送。",
                                      org=robot.org.name, platform=_l(PLATFORMS[robot.platform]), name=by.name)),
                          link=base + "/notifications", locale=by.locale or "zh_CN")
        try:
            post(robot, message)
        except ChannelError as exc:
            raise RobotError(_l("测试消息未能发出：%(error)s", error=str(exc)[:300])) from exc
