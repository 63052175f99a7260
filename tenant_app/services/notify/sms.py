"""SMS through a provider: the channel (channels.Sms) calls `provider()`, which answers the
deployment's configured provider or None (SMS off: deliveries are skipped and logged so, and
the preferences page says the channel is off).

A provider is a subclass of SmsProvider registered by name (`@register`); SMS_PROVIDER picks
one. An adapter for a commercial provider (阿里云, 腾讯云 ...) is one more class here, and nothing
that sends changes. Each is given the whole recipient number (it must dial it) and a text in
which every other mobile number is already masked.

The generic HTTP gateway ("http"), for the many Chinese SMS gateways with a JSON API:
POST SMS_URL (https; http only to a loopback address), JSON
  {"account": SMS_ACCOUNT, "mobile": "13812345678", "template_id": SMS_TEMPLATE_ID,
   "sign_name": SMS_SIGNATURE, "params": {"title": …, "link": …}, "content": "【签名】…",
   "timestamp": <seconds>, "nonce": <hex>}
headers `X-Api-Key: SMS_API_KEY` and, with SMS_API_SECRET, `X-Signature: sha256=<hex
HMAC-SHA256(key=SMS_API_SECRET, msg=the body's bytes)>`. A 2xx answer is success unless its
JSON says otherwise (code or errcode other than 0/"OK"); anything else raises ChannelError.
"""
from __future__ import annotations

import hashlib
import hmac
import json
import secrets
import time
from urllib.parse import urlsplit

from flask import current_app

from .channels import LOOPBACK, ChannelError
from .webhooks import post, refused

PROVIDERS: dict[str, type["SmsProvider"]] = {}


def register(cls):
    PROVIDERS[cls.name] = cls
    return cls


class SmsProvider:
    name = ""

    def __init__(self, config):
        self.config = config

    def configured(self) -> bool:
        raise NotImplementedError

    def send(self, mobile: str, params: dict, text: str) -> None:
        """Send text (the template's params beside it) to mobile, or raise ChannelError."""
        raise NotImplementedError


@register
class HttpGateway(SmsProvider):
    name = "http"

    def configured(self) -> bool:
        c = self.config
        return bool(c.get("SMS_URL") and c.get("SMS_ACCOUNT") and c.get("SMS_API_KEY"))

    def body(self, mobile: str, params: dict, text: str) -> dict:
        c = self.config
        signature = c.get("SMS_SIGNATURE") or ""
        return {"account": c["SMS_ACCOUNT"], "mobile": mobile, "template_id": c.get("SMS_TEMPLATE_ID") or "",
                "sign_name": signature, "params": params,
                "content": (f"【{signature}】" if signature else "") + text,
                "timestamp": int(time.time()), "nonce": secrets.token_hex(8)}

    def send(self, mobile: str, params: dict, text: str) -> None:
        c = self.config
        url = urlsplit(c["SMS_URL"])
        if url.scheme != "https" and not (url.scheme == "http" and url.hostname in LOOPBACK):
            raise ChannelError("SMS_URL must be https://")
        data = json.dumps(self.body(mobile, params, text), ensure_ascii=False).encode("utf-8")
        headers = {"X-Api-Key": c["SMS_API_KEY"]}
        if c.get("SMS_API_SECRET"):
            mac = hmac.new(c["SMS_API_SECRET"].encode("utf-8"), data, hashlib.sha256).hexdigest()
            headers["X-Signature"] = f"sha256={mac}"
        try:
            _status, answer = post(c["SMS_URL"], data, headers)
        except ChannelError as exc:
            raise ChannelError(f"SMS gateway: {exc}") from exc
        error = refused(answer)
        if error:
            raise ChannelError(f"SMS gateway: {error}")


def provider() -> SmsProvider | None:
    """The configured provider, or None when SMS is off (no SMS_PROVIDER, or its settings incomplete)."""
    cls = PROVIDERS.get(current_app.config.get("SMS_PROVIDER") or "")
    if cls is None:
        return None
    made = cls(current_app.config)
    return made if made.configured() else None
