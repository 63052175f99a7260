"""Presentation helpers shared by every blueprint: language, template globals, error pages."""
from __future__ import annotations

import re
from functools import partial

from flask import current_app, flash, g, has_request_context, render_template, request, session
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import DataError
from werkzeug.routing import IntegerConverter
from flask_login import current_user

from .extensions import db
from .models import (ROLES, MarketingEvent, Announcement, AuditEntry, Brand, GroupRobot, VocabularyAlias, CallbackPlan, Customer, Evaluation, Expense, Network,
                     Organisation, Project, ScorecardTemplate, ServiceSettings, TrainingSession, User)
from .policies import can
from . import vocab
from .reports import charts
from .services.brands import maker_name as network_maker_name
from .services.targets import METRICS as TARGET_METRICS
from .services.phones import format_phone
from .services.privacy import mask_phone
from .services import my_work, onboarding
from .services.stations import alert_reason

ORG_KIND_LABELS = {
    "manufacturer": _l("主机厂"),
    "dealer": _l("经销商"),
    "bodybuilder": _l("改装厂"),
    "service": _l("服务商"),
}
STATUS_LABELS = {"active": _l("正常"), "suspended": _l("已停用")}
PARTY_HOME = {
    "manufacturer": "manufacturer.home",
    "dealer": "dealer.home",
    "bodybuilder": "bodybuilder.home",
    "service": "station.home",
}


def due_badge() -> int | None:
    """The count of what is due for the signed-in person, once per request. The policies'
    scopes are applied directly (not through scope(), which would mark the view authorised)."""
    if not current_user.is_authenticated:
        return None
    if "due_badge" not in g:
        from .policies.base import policy_for
        g.due_badge = my_work.due_count(current_user, lambda stmt, model: policy_for(model).scope(current_user, stmt),
                                        PARTY_HOME[current_user.party].split(".")[0])
    return g.due_badge
def _unread_notifications() -> int:
    from .services import notify
    return notify.unread_count(current_user) if current_user.is_authenticated else 0


def locale_selector() -> str:
    languages = current_app.config["LANGUAGES"]
    if not has_request_context():  # CLI and jobs speak the default language
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    lang = session.get("lang")
    if lang in languages:
        return lang
    if current_user and current_user.is_authenticated and current_user.locale in languages:
        return current_user.locale
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def role_label(role: str) -> str:
    for roles in ROLES.values():
        if role in roles:
            return roles[role]
    return role


def phone_for(record) -> str:
    """The phone of a person record as the current user may see it: grouped (138 1234 5678), or masked."""
    if can(current_user, "view_phone", record):
        return format_phone(record.phone)
    return mask_phone(record.phone)


def dial_link(phone: str | None):
    """A whole number as a tap-to-call link with a text-message link beside it (phones in the
    field); the number dialled is its digits (and a leading +)."""
    from markupsafe import Markup
    shown = format_phone(phone)
    if not shown:
        return ""
    digits = re.sub(r"[^\d+]", "", phone)
    return Markup('<a class="tel" href="tel:{d}" data-test="tel">{s}</a> '
                  '<a class="sms" href="sms:{d}" data-test="sms" aria-label="{label}" title="{label}">✉</a>').format(
        d=digits, s=shown, label=_l("发短信"))


def phone_link(record):
    """phone_for as a link: tap to call or text where the user may see the whole number; the
    masked number stays plain text."""
    if can(current_user, "view_phone", record):
        return dial_link(record.phone)
    return mask_phone(record.phone)


def controlled(record, field: str):
    """A controlled field as a customer's page shows it: its label, or the value as written
    while it waits to be classified (待归类), or —."""
    from markupsafe import Markup, escape

    from .services.vocabulary import VOCABULARIES
    code = getattr(record, field)
    if code not in ("", None):
        return vocab.label(VOCABULARIES[field][1], code, maker=maker_name)
    waiting = next((p.text for p in record.pending if p.field == field), None)
    if waiting:
        return Markup('<span class="badge bg-warning text-dark">%s</span> %s') % (_l("待归类"), escape(waiting))
    return "—"


def link_args() -> dict:
    """The current view's arguments and query, for pager and sort links; never url_for's own keywords."""
    args = dict(request.view_args or {})
    args.update({k: v for k, v in request.args.items() if k != "endpoint" and not k.startswith("_")})
    return args


def maker_name() -> str:
    """The current network's maker as its pages name it (its own brand), read once per request."""
    if not has_request_context():
        return network_maker_name()
    if "maker_name" not in g:
        g.maker_name = network_maker_name() if current_user.is_authenticated else ""
    return g.maker_name


def setup_steps() -> list:
    """The set-up checklist of the user's organisation (services.onboarding), for whoever keeps its
    ledger; nobody else has it to do. Read once per request."""
    if not current_user.is_authenticated or not can(current_user, "import", Customer):
        return []
    if "setup_steps" not in g:
        g.setup_steps = onboarding.setup_steps(current_user.org)
    return g.setup_steps


def current_network():
    return db.session.get(Network, current_user.network_id) if current_user.is_authenticated else None


def _error(code: int, title, message):
    def handler(error):
        return render_template("error.html", code=code, title=title, message=message), code
    return handler


def _job_deferred(record) -> None:
    """Redis could not take a job: the page says it will run when the workers are back."""
    if has_request_context():
        flash(_l("后台任务已排队：处理服务暂时不可用，恢复后会自动运行，无需重新提交。"), "warning")


class DatabaseIntConverter(IntegerConverter):
    def __init__(self, url_map, fixed_digits=0, min=None, max=2**31 - 1, signed=False):
        super().__init__(url_map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


def _data_error(exc):
    """A value the database refuses (out of range, malformed) that validation let through: the
    request is refused as invalid, never a 500, and nothing of it is saved."""
    db.session.rollback()
    current_app.logger.warning("refused a value the database would not take: %s", exc.orig)
    return _error(400, _l("请求无效"), _l("提交的数据无效，请检查后重试。"))(exc)


def init_app(app):
    app.jinja_env.globals["unread_notifications"] = _unread_notifications  # the bell in the nav
    app.jinja_env.globals.update(
        can=can, phone_for=phone_for, role_label=role_label, ORG_KIND_LABELS=ORG_KIND_LABELS,
        STATUS_LABELS=STATUS_LABELS, PARTY_HOME=PARTY_HOME, current_locale=locale_selector,
        vocab=vocab, label=partial(vocab.label, maker=maker_name), AuditEntry=AuditEntry, GroupRobot=GroupRobot, Organisation=Organisation, User=User, Customer=Customer, CallbackPlan=CallbackPlan, Brand=Brand, VocabularyAlias=VocabularyAlias, Expense=Expense, Announcement=Announcement, current_network=current_network, maker_name=maker_name, link_args=link_args, setup_steps=setup_steps, controlled=controlled,
        svg_charts=charts, target_metrics=TARGET_METRICS, evidence_kinds=vocab.EVIDENCE_RECORDS, alert_reason=alert_reason, due_badge=due_badge, phone_link=phone_link, dial_link=dial_link,
        TrainingSession=TrainingSession, Evaluation=Evaluation, ScorecardTemplate=ScorecardTemplate, ServiceSettings=ServiceSettings, Project=Project, MarketingEvent=MarketingEvent,
    )
    app.register_error_handler(403, _error(403, _l("无权访问"), _l("您没有执行此操作的权限。")))
    app.register_error_handler(404, _error(404, _l("未找到"), _l("页面或记录不存在，或您无权查看。")))
    app.register_error_handler(429, _error(429, _l("尝试过于频繁"), _l("登录尝试过于频繁，请稍后再试。")))
    app.register_error_handler(413, _error(413, _l("文件过大"), _l("上传的文件超过允许的大小。")))
    app.register_error_handler(400, _error(400, _l("请求无效"), _l("表单已过期或无效，请刷新页面后重试。")))
    app.register_error_handler(DataError, _data_error)
    # Record ids in URLs are the database's integers: /d/customers/2147483648 is a plain 404.
    app.url_map.converters["int"] = DatabaseIntConverter
    if not app.testing:
        app.register_error_handler(500, _error(500, _l("服务器错误"), _l("系统出现错误，已记录。请稍后重试。")))

    from . import jobs
    if _job_deferred not in jobs.DEFERRED:
        jobs.DEFERRED.append(_job_deferred)

    @app.context_processor
    def _request_path():
        return {"request_path": request.path}
