"""Notifications: what is waiting for someone, told in the product and on the channels they chose.

- `events.py`: one function per event kind; it decides who is concerned from the data and
  records a notification per person in the caller's transaction (`tell`), so an action rolled
  back tells nobody. The services call them, one line each.
- `channels.py`: the channels (in-app, e-mail, group robots, SMS) behind one interface;
  `robots.py` the 企业微信/钉钉/飞书 group robots of each organisation, `sms.py` the SMS providers.
- `delivery.py`: after the commit, a job sends each new notification on the person's channels
  (preferences, quiet hours, digests), logging every attempt in `deliveries`.
Every notification has a key: recording the same event twice tells nobody twice.
"""
from __future__ import annotations

from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select, update

from ...extensions import db
from ...models import Notification, NotificationPreference, User
from ...models.base import utcnow
from ...vocab import N_
from ..errors import DomainError

KINDS = {
    "plan_items_assigned": N_("回访计划项分配给我"),
    "customers_assigned": N_("客户分配给我"),
    "callbacks_due": N_("回访到期与逾期（每日汇总）"),
    "next_step_due": N_("商机下一步到期"),
    "task_due": N_("售后任务到期"),
    "expense_submitted": N_("费用待我审批"),
    "expense_decided": N_("我的费用已审批"),
    "give_up_requested": N_("放弃申请待我审批"),
    "give_up_decided": N_("我的放弃申请已审批"),
    "appeal_filed": N_("考评申诉待处理"),
    "appeal_resolved": N_("考评申诉已处理"),
    "alert_raised": N_("热点预警"),
    "alert_overdue": N_("热点预警逾期升级"),
    "alert_closed": N_("热点预警已关闭"),
    "announcement": N_("政策与促销发布"),
    "training": N_("培训邀请"),
    "scorecard_issued": N_("考评结果发布"),
    "job_done": N_("导入或考评完成"),
    "job_failed": N_("导入或考评失败"),
}
CHANNEL_LABELS = {"inapp": N_("站内"), "email": N_("电子邮件"), "wecom": N_("企业微信群"), "dingtalk": N_("钉钉群"),
                  "feishu": N_("飞书群"), "sms": N_("短信")}  # a channel added later adds its label here
PENDING = "notify.pending"  # session.info: (network id, notification id) recorded in this transaction
DEFAULT_DIGEST_HOUR = 8     # the callbacks' daily summary, for a user who chose no hour

# Beyond the notification centre (always on), what reaches each role by e-mail unless they choose otherwise:
# heads what waits for their decision, the maker's staff escalations, everyone their own day's work.
DEFAULT_EMAIL = {
    "network_admin": {"alert_overdue", "job_failed", "job_done"},
    "supervisor": {"appeal_filed", "alert_overdue", "alert_raised"},
    "general_manager": {"expense_submitted", "give_up_requested", "appeal_resolved", "alert_overdue",
                        "scorecard_issued", "announcement"},
    "manager": {"expense_submitted", "give_up_requested", "alert_raised", "alert_overdue", "scorecard_issued",
                "announcement"},
    "brand_manager": {"give_up_requested", "announcement"},
    "*": {"callbacks_due", "expense_decided", "give_up_decided", "training", "job_failed"},
}


class PreferenceError(DomainError):
    pass


def tell(users, kind: str, key: str, title, body="", link: str = "", obj=None, session=None) -> list[Notification]:
    """A notification of this event for each of users (active ones, each once), in the caller's
    transaction; none for a user already told (same kind and key). title and body may be lazy
    strings: each is rendered in its recipient's language."""
    assert kind in KINDS, kind
    session = session or db.session
    people = {u.id: u for u in users if u is not None and u.status == "active"}
    if not people:
        return []
    key = str(key)[:120]
    told = set(session.scalars(select(Notification.user_id).where(
        Notification.kind == kind, Notification.key == key, Notification.user_id.in_(list(people)))))
    made = []
    for user in people.values():
        if user.id in told:
            continue
        with force_locale(user.locale or "zh_CN"):
            made.append(Notification(network_id=user.network_id, org_id=user.org_id, user_id=user.id, kind=kind,
                                     key=key, title=str(title)[:200], body=str(body or ""), link=link,
                                     object_type=type(obj).__name__ if obj is not None else "",
                                     object_id=getattr(obj, "id", None)))
    if made:
        session.add_all(made)
        session.flush()
        session.info.setdefault(PENDING, []).extend((n.network_id, n.id) for n in made)
    return made


# The notification centre.

def unread_count(user) -> int:
    return db.session.scalar(select(func.count(Notification.id)).where(Notification.user_id == user.id,
                                                                      Notification.read_at.is_(None))) or 0


def mine(user):
    """The user's notifications, newest first (a select for the page's pagination)."""
    return select(Notification).where(Notification.user_id == user.id).order_by(Notification.id.desc())


def mark_read(notification: Notification) -> None:
    if notification.read_at is None:
        notification.read_at = utcnow()


def mark_all_read(user) -> int:
    return db.session.execute(update(Notification).where(
        Notification.network_id == user.network_id, Notification.user_id == user.id,
        Notification.read_at.is_(None)).values(read_at=utcnow())).rowcount


# Preferences.

def extra_channels():
    """The channels a user may choose beyond the notification centre."""
    from .channels import CHANNELS
    return [name for name in CHANNELS if name != "inapp"]


def defaults(user) -> dict:
    roles = list(user.roles or []) + ["*"]
    email = set().union(*(DEFAULT_EMAIL.get(r, set()) for r in roles))
    return {"channels": {kind: (["email"] if kind in email else []) for kind in KINDS},
            "quiet_from": 22, "quiet_to": 7, "digest_hour": None}


def preferences(user, session=None) -> dict:
    """What the user chose, over the defaults of their roles."""
    session = session or db.session
    row = session.scalar(select(NotificationPreference).where(NotificationPreference.user_id == user.id))
    chosen = defaults(user)
    if row is not None:
        chosen["channels"].update({k: list(v) for k, v in (row.channels or {}).items() if k in KINDS})
        chosen.update(quiet_from=row.quiet_from, quiet_to=row.quiet_to, digest_hour=row.digest_hour)
    return chosen


def _hour(value) -> int | None:
    if value in (None, ""):
        return None
    try:
        hour = int(value)
    except (TypeError, ValueError):
        hour = -1
    if not 0 <= hour <= 23:
        raise PreferenceError(_l("钟点须在 0 到 23 之间。"))
    return hour


def save_preferences(user, channels: dict, quiet_from=None, quiet_to=None, digest_hour=None) -> NotificationPreference:
    """channels: kind -> the channels chosen (unknown ones ignored)."""
    quiet_from, quiet_to, digest_hour = _hour(quiet_from), _hour(quiet_to), _hour(digest_hour)
    if (quiet_from is None) != (quiet_to is None) or (quiet_from is not None and quiet_from == quiet_to):
        raise PreferenceError(_l("免打扰时段须有开始和结束，且两者不同。"))
    known = set(extra_channels())
    row = db.session.scalar(select(NotificationPreference).where(NotificationPreference.user_id == user.id))
    if row is None:
        row = NotificationPreference(network_id=user.network_id, user_id=user.id)
        db.session.add(row)
    row.channels = {kind: sorted(set(channels.get(kind, ())) & known) for kind in KINDS}
    row.quiet_from, row.quiet_to, row.digest_hour = quiet_from, quiet_to, digest_hour
    return row


# Local time (the network's hours: quiet hours, digests).

def local_zone() -> ZoneInfo:
    return ZoneInfo(current_app.config.get("BABEL_DEFAULT_TIMEZONE") or "Asia/Shanghai")


def local(now: datetime) -> datetime:
    """A naive UTC time (as stored) in local time."""
    return now.replace(tzinfo=timezone.utc).astimezone(local_zone())


def to_utc(moment: datetime) -> datetime:
    return moment.astimezone(timezone.utc).replace(tzinfo=None)


def in_quiet_hours(prefs: dict, now: datetime) -> datetime | None:
    """When the quiet hours around now (naive UTC) end, or None outside them."""
    start, end = prefs.get("quiet_from"), prefs.get("quiet_to")
    if start is None or end is None:
        return None
    here = local(now)
    hour = here.hour
    quiet = (start <= hour < end) if start < end else (hour >= start or hour < end)
    if not quiet:
        return None
    until = here.replace(hour=end, minute=0, second=0, microsecond=0)
    if until <= here:
        until += timedelta(days=1)
    return to_utc(until)


def next_hour(hour: int, now: datetime) -> datetime:
    """The next time (naive UTC) the local clock shows hour:00, after now."""
    here = local(now)
    at = here.replace(hour=hour, minute=0, second=0, microsecond=0)
    if at <= here:
        at += timedelta(days=1)
    return to_utc(at)


def recipients(session, *conditions):
    return session.scalars(select(User).where(User.status == "active", *conditions).order_by(User.id)).all()
