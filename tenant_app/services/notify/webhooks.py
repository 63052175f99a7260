"""One JSON POST to an outside service (group robots, SMS gateways): no redirects followed
(a webhook must not bounce the call elsewhere), a timeout, and every failure, an HTTP error
or an answer that says so, raised as ChannelError with the reason for the delivery log."""
from __future__ import annotations

import json
import urllib.error
import urllib.request

from .channels import ChannelError

TIMEOUT = 10  # seconds


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None  # the 3xx answer is then raised as an HTTPError


_OPENER = urllib.request.build_opener(_NoRedirect)


def post_json(url: str, body: dict, headers: dict | None = None) -> tuple[int, object]:
    """POST body as UTF-8 JSON; (status, the answer's JSON or None when it is not JSON)."""
    return post(url, json.dumps(body, ensure_ascii=False).encode("utf-8"), headers)


def post(url: str, data: bytes, headers: dict | None = None) -> tuple[int, object]:
    """POST data (JSON bytes, as the caller signed them); (status, the answer's JSON or None)."""
    request = urllib.request.Request(url, data=data, method="POST",
                                     headers={"Content-Type": "application/json; charset=utf-8", **(headers or {})})
    try:
        with _OPENER.open(request, timeout=TIMEOUT) as resp:
            status, raw = resp.status, resp.read(64 * 1024)
    except urllib.error.HTTPError as exc:
        detail = exc.read(300).decode("utf-8", "replace") if exc.fp is not None else ""
        raise ChannelError(f"HTTP {exc.code} {exc.reason}: {detail}".strip()) from exc
    except (urllib.error.URLError, OSError, ValueError) as exc:
        raise ChannelError(f"{type(exc).__name__}: {getattr(exc, 'reason', exc)}") from exc
    try:
        answer = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        answer = None
    return status, answer


def refused(answer) -> str:
    """The error an answer reports ('' when it reports success): 企业微信 and 钉钉 say errcode/errmsg,
    飞书 code/msg (older hooks StatusCode/StatusMessage)."""
    if not isinstance(answer, dict):
        return ""
    for code, text in (("errcode", "errmsg"), ("code", "msg"), ("StatusCode", "StatusMessage")):
        if code in answer and str(answer[code]) not in ("0", "OK", "ok"):
            return f"{code} {answer[code]}: {answer.get(text, '')}"[:500]
    return ""
