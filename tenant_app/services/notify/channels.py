"""The channels a notification goes out on, behind one small interface.

A channel is an object with
- `name`: its key in CHANNELS, in preferences and in the delivery log;
- `configured(org) -> bool`: whether it can send for this organisation now (settings present);
  a channel that is not configured is skipped and logged as such, never pretended;
- `address(user) -> str`: where this user is reached on it ("" : not reachable there);
- `send(message, address, org=None) -> None`: sends one message (org: the recipient's
  organisation, whose settings a group robot uses), or raises ChannelError with a reason
  (the delivery is logged as failed and retried with backoff).
A new channel is one class here and one line in CHANNELS; nothing that records events
changes. The group robots (robots.py) post to the recipient's organisation's group, naming
them; SMS goes through the deployment's provider (sms.py). Messages carry masked phone
numbers only (`scrub`).
"""
from __future__ import annotations

import html
import re
import smtplib
import ssl
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import formataddr, make_msgid
from urllib.parse import unquote, urlsplit

from flask import current_app

# a whole mainland mobile number anywhere in a text (not part of a longer run of digits)
WHOLE_MOBILE = re.compile(r"(?<!\d)(1[3-9]\d)(\d{4})(\d{4})(?!\d)")


LOOPBACK = ("localhost", "127.0.0.1", "::1")


class ChannelError(Exception):
    """A message could not be sent; the text says why (logged with the delivery)."""


@dataclass
class Message:
    subject: str
    text: str                 # plain text, one or more paragraphs
    link: str = ""            # absolute URL into the product
    items: list = field(default_factory=list)  # a digest: (title, text, link) per notification
    locale: str = "zh_CN"     # the recipient's: a channel's own words (a link's label) in it


def scrub(text: str) -> str:
    """No whole mobile number leaves the product: 13812345678 becomes 138****5678."""
    return WHOLE_MOBILE.sub(lambda m: f"{m.group(1)}****{m.group(3)}", text or "")


def mask_address(address: str) -> str:
    """For the delivery log: z***@example.com."""
    if "@" in address:
        local, _, domain = address.partition("@")
        return f"{local[:1]}***@{domain}"
    return scrub(address)[:120]


class Channel:
    name = ""
    shared = False  # True: one message reaches everyone of an organisation (its group), address names them

    def configured(self, org) -> bool:
        raise NotImplementedError

    def address(self, user) -> str:
        raise NotImplementedError

    def send(self, message: Message, address: str, org=None) -> None:
        raise NotImplementedError


class InApp(Channel):
    """The notification centre: the notification row is the message, so there is nothing to send."""

    name = "inapp"

    def configured(self, org) -> bool:
        return True

    def address(self, user) -> str:
        return str(user.id)

    def send(self, message: Message, address: str, org=None) -> None:
        return None


class Email(Channel):
    """SMTP: SMTP_URL smtp://user:pass@host:587 (STARTTLS when the server offers it) or
    smtps://user:pass@host:465 (TLS from the start); MAIL_FROM the sender."""

    name = "email"

    def configured(self, org) -> bool:
        return bool(current_app.config.get("SMTP_URL"))

    def address(self, user) -> str:
        return (user.email or "").strip()

    def build(self, message: Message, address: str) -> EmailMessage:
        sender = current_app.config.get("MAIL_FROM") or "noreply@localhost"
        mail = EmailMessage()
        mail["Subject"] = scrub(message.subject)
        mail["From"] = formataddr((str(current_app.config.get("MAIL_FROM_NAME") or "客户营销联合组织"), sender)) \
            if "<" not in sender else sender
        mail["To"] = address
        mail["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2].strip(">") or "localhost")
        text, items = scrub(message.text), [(scrub(t), scrub(b), link) for t, b, link in message.items]
        plain = [text] + [f"· {t}\n  {b}\n  {link}" for t, b, link in items]
        if message.link:
            plain.append(message.link)
        mail.set_content("\n\n".join(p for p in plain if p))
        rows = "".join(f'<li><a href="{html.escape(link)}">{html.escape(t)}</a><br>{html.escape(b)}</li>'
                       for t, b, link in items)
        mail.add_alternative(
            "<!doctype html><html><body style=\"font-family:sans-serif\">"
            + "".join(f"<p>{html.escape(p)}</p>" for p in text.split("\n") if p)
            + (f"<ul>{rows}</ul>" if rows else "")
            + (f'<p><a href="{html.escape(message.link)}">{html.escape(message.link)}</a></p>' if message.link else "")
            + "</body></html>", subtype="html")
        return mail

    def send(self, message: Message, address: str, org=None) -> None:
        url = urlsplit(current_app.config.get("SMTP_URL") or "")
        if url.scheme not in ("smtp", "smtps") or not url.hostname:
            raise ChannelError("SMTP_URL is not smtp://… or smtps://…")
        mail = self.build(message, address)
        try:
            if url.scheme == "smtps":
                server = smtplib.SMTP_SSL(url.hostname, url.port or 465, timeout=20,
                                          context=ssl.create_default_context())
            else:
                server = smtplib.SMTP(url.hostname, url.port or 587, timeout=20)
            with server:
                if url.scheme == "smtp":
                    server.ehlo()
                    if server.has_extn("starttls"):
                        server.starttls(context=ssl.create_default_context())
                        server.ehlo()
                    elif url.hostname not in LOOPBACK:  # never a password or a message in clear over a network
                        raise ChannelError("the SMTP server offers no STARTTLS")
                if url.username:
                    server.login(unquote(url.username), unquote(url.password or ""))
                server.send_message(mail)
        except (OSError, smtplib.SMTPException) as exc:
            raise ChannelError(f"{type(exc).__name__}: {exc}") from exc


class RobotChannel(Channel):
    """The recipient's organisation's group robot on one platform (set by a head of the
    organisation): the message is posted to the group and names the person."""

    shared = True  # the same event for several of the organisation's people: one post naming them all

    def __init__(self, platform: str):
        self.name = platform

    def configured(self, org) -> bool:
        from .robots import robot_of
        robot = robot_of(org, self.name)
        return robot is not None and robot.enabled

    def address(self, user) -> str:
        """Whom the group message names (several, one a line, when one post is for several people)."""
        return " ".join((user.name or user.username or "").split())

    def send(self, message: Message, address: str, org=None) -> None:
        from .robots import post, robot_of
        robot = robot_of(org, self.name)
        if robot is None or not robot.enabled:
            raise ChannelError(f"the organisation has no {self.name} robot")
        post(robot, message, mentions=[name for name in address.split("\n") if name.strip()])


class Sms(Channel):
    """A text message to the user's mobile through the deployment's SMS provider (sms.py):
    the subject and the link; every other mobile number in it masked."""

    name = "sms"

    def configured(self, org) -> bool:
        from .sms import provider
        return provider() is not None

    def address(self, user) -> str:
        from ..phones import MOBILE, NotAPhone, normalise_phone
        try:
            phone = normalise_phone(user.phone)
        except NotAPhone:
            return ""
        return phone if MOBILE.fullmatch(phone) else ""

    def send(self, message: Message, address: str, org=None) -> None:
        from .sms import provider
        sender = provider()
        if sender is None:
            raise ChannelError("no SMS provider is configured")
        title = scrub(message.subject)[:70]
        sender.send(address, {"title": title, "link": message.link}, f"{title} {message.link}".strip())


CHANNELS: dict[str, Channel] = {c.name: c for c in (InApp(), Email(), RobotChannel("wecom"), RobotChannel("dingtalk"),
                                                     RobotChannel("feishu"), Sms())}
