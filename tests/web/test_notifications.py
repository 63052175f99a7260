"""Notifications, end to end with real parts: an SMTP server (aiosmtpd) started here on a free
loopback port receives what the product sends after the action's commit; preferences, quiet
hours and digests decide when; the scheduler's digests and escalations run with explicit
times; no event reaches another network; the bell and the notification centre."""
from __future__ import annotations

import email
import email.policy
import re
import socket
import uuid
from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from tenant_app.extensions import db
from tenant_app.models import (AfterSaleTask, Appeal, CallbackItem, Delivery, Evaluation, Expense, HotAlert, JobRecord,
                               NegotiationRound, Network, Notification, Organisation, ServiceCallback,
                               User, Vehicle)
from tenant_app.services import announcements, expenses, notify, stations
from tenant_app.services.deals import with_check_digit
from tenant_app.services.notify import daily, delivery, events
from tenant_app.services.notify.channels import Message, scrub
from tests import factories

BASE = "https://crm.example.cn"
OWNER_PHONE = "13912345678"


class Inbox:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append((envelope.rcpt_tos, email.message_from_bytes(envelope.content, policy=email.policy.default)))
        return "250 OK"

    def to(self, address):
        return [m for rcpt, m in self.messages if address in rcpt]


@pytest.fixture(autouse=True)
def daytime(monkeypatch):
    """The default quiet hours (22:00-07:00 in the network's zone) would hold what a test run
    at night sends, and leave it held for the next test: deliveries see 10:00 local today
    unless a test passes its own time."""
    moment = _now_local(10, date.today())
    monkeypatch.setattr(delivery, "utcnow", lambda: moment)
    return moment


@pytest.fixture
def smtp(app, monkeypatch):
    """A real SMTP server on a free loopback port, and the app pointed at it."""
    from aiosmtpd.controller import Controller

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    monkeypatch.setitem(app.config, "SMTP_URL", f"smtp://127.0.0.1:{port}")
    monkeypatch.setitem(app.config, "MAIL_FROM", "crm@example.cn")
    monkeypatch.setitem(app.config, "BASE_URL", BASE)
    yield inbox
    controller.stop()


def _mail() -> str:
    return f"u{uuid.uuid4().hex[:8]}@example.cn"


def _person(org, *roles, **kw):
    user = factories.user(org, *roles, **kw)
    user.email = _mail()
    return user


def _body(message) -> tuple[str, str]:
    return (message.get_body(("plain",)).get_content(), message.get_body(("html",)).get_content())


def _now_local(hour: int, day: date) -> datetime:
    """Naive UTC for hour:00 on day in Asia/Shanghai (UTC+8)."""
    return datetime(day.year, day.month, day.day, hour) - timedelta(hours=8)


def _notes(s, user_id, kind=None):
    stmt = select(Notification).where(Notification.user_id == user_id)
    if kind:
        stmt = stmt.where(Notification.kind == kind)
    return s.scalars(stmt.order_by(Notification.id)).all()


# E-mail against a real SMTP server

def test_an_expense_submitted_reaches_the_general_manager_by_email_after_the_commit(build, smtp):
    with build() as s:
        dealer = factories.org("dealer")
        gm, staff = _person(dealer, "general_manager"), _person(dealer, "sales_manager")
        s.flush()
        expenses.submit_expense(staff, spent_on=date.today(), category="events", amount=880,
                                description="答谢会茶歇", payee="")
        assert smtp.messages == []  # nothing goes out before the commit
        gm_mail, staff_mail, gm_id = gm.email, staff.email, gm.id
    mails = smtp.to(gm_mail)
    assert len(mails) == 1 and smtp.to(staff_mail) == []
    message = mails[0]
    assert "费用待审批" in message["Subject"] and "880" in message["Subject"]
    assert message["From"].addresses[0].addr_spec == "crm@example.cn"
    plain, html = _body(message)
    assert "答谢会茶歇" in plain and f"{BASE}/d/expenses" in plain
    assert f'href="{BASE}/d/expenses"' in html
    with build() as s:
        row = s.scalar(select(Delivery).join(Delivery.notification).where(Notification.user_id == gm_id))
        assert (row.channel, row.status, row.attempts) == ("email", "sent", 1)
        assert row.recipient.startswith(gm_mail[0] + "***@")


def test_rolled_back_action_tells_nobody(build, smtp, in_network, world):
    with in_network(world["networks"]["liuqi"]) as s:
        dealer = factories.org("dealer")
        gm, staff = _person(dealer, "general_manager"), _person(dealer, "sales_manager")
        s.flush()
        gm_id = gm.id
        expenses.submit_expense(staff, spent_on=date.today(), category="events", amount=5, description="x")
        # in_network rolls back
    with build() as s:
        assert _notes(s, gm_id) == []
    assert smtp.messages == []


def _alert(s, station, phone=OWNER_PHONE, today=None):
    today = today or date.today()
    vehicle = Vehicle(network_id=station.network_id, vin=with_check_digit(f"LGAX2A{uuid.uuid4().int % 10**11:011d}"),
                      model="H7", owner_name="韦师傅", owner_phone=phone, registered_by_org_id=station.id)
    repair = stations.open_repair(station, vehicle, kind="repair", date_in=today - timedelta(days=3), mileage=1000)
    s.flush()
    rules = stations.settings(station.network_id)
    callback = stations.close_repair(repair, today - timedelta(days=2), rules)
    s.flush()
    return stations.reached(callback, today, rules, scores={"overall": 1, "timeliness": 2, "quality": 3, "price": 4,
                                                          "attitude": 2, "facility": 5},
                            complaint=True, comments=f"客户说打 {phone} 没人接")


def test_a_hot_alert_email_carries_masked_phones_only(build, smtp):
    with build() as s:
        station = factories.org("service", province="广西")
        manager = _person(station, "manager")
        alert = _alert(s, station)
        address, alert_id = manager.email, alert.id
    [message] = smtp.to(address)
    plain, html = _body(message)
    raw = message.as_string()
    assert "139****5678" in plain and "139****5678" in html
    assert OWNER_PHONE not in plain and OWNER_PHONE not in html and OWNER_PHONE not in raw
    assert "热点预警" in message["Subject"] and f"{BASE}/s/alerts/{alert_id}" in plain
    with build() as s:
        # the maker's staff of the region are told in the centre, with their own link
        maker_notes = s.scalars(select(Notification).where(Notification.kind == "alert_raised",
                                                           Notification.object_id == alert_id,
                                                           Notification.link == f"/m/alerts/{alert_id}")).all()
        assert maker_notes and all(n.user.org.kind == "manufacturer" for n in maker_notes)


def test_scrub_masks_any_whole_mobile_number():
    assert scrub("电话13812345678，座机 0772-1234567") == "电话138****5678，座机 0772-1234567"
    assert scrub("订单 213812345678901") == "订单 213812345678901"  # part of a longer number


def test_an_event_processed_twice_is_sent_once(build, smtp):
    with build() as s:
        dealer = factories.org("dealer")
        gm, staff = _person(dealer, "general_manager"), _person(dealer, "sales_manager")
        s.flush()
        expense = expenses.submit_expense(staff, spent_on=date.today(), category="gifts", amount=100, description="礼品")
        s.flush()
        expense_id, gm_id, address = expense.id, gm.id, gm.email
    with build() as s:
        events.expense_submitted(s.get(Expense, expense_id))  # the same event again
    with build() as s:
        [note] = _notes(s, gm_id, "expense_submitted")
        assert delivery.deliver(s, [note.id]) is False  # delivering again: already sent
        assert s.scalar(select(func.count(Delivery.id)).where(Delivery.notification_id == note.id)) == 1
    assert len(smtp.to(address)) == 1


def test_a_failing_channel_is_logged_and_tried_again_without_holding_back_the_action(build, app, monkeypatch):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        dead = sock.getsockname()[1]  # nothing listens there once closed
    monkeypatch.setitem(app.config, "SMTP_URL", f"smtp://127.0.0.1:{dead}")
    with build() as s:
        dealer = factories.org("dealer")
        gm, staff = _person(dealer, "general_manager"), _person(dealer, "sales_manager")
        s.flush()
        expense = expenses.submit_expense(staff, spent_on=date.today(), category="gifts", amount=100, description="礼品")
        s.flush()
        expense_id, gm_id = expense.id, gm.id
    with build() as s:
        assert s.get(Expense, expense_id) is not None  # the action stands
        [note] = _notes(s, gm_id)
        row = s.scalar(select(Delivery).where(Delivery.notification_id == note.id))
        assert (row.status, row.attempts) == ("failed", 1) and "ConnectionRefused" in row.error
        assert note.read_at is None  # the centre has it whatever e-mail did
        # the scheduler's retry, after the backoff
        assert delivery.retry_failed(s, row.at + timedelta(seconds=10)) == 0
        assert delivery.retry_failed(s, row.at + timedelta(minutes=2)) == 1
        s.refresh(row)
        assert (row.status, row.attempts) == ("failed", 2)



def test_what_redis_could_not_queue_is_sent_by_the_scheduler_once(build, app, smtp, monkeypatch):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        dead = sock.getsockname()[1]
    monkeypatch.setitem(app.config, "JOBS_INLINE", False)
    monkeypatch.setitem(app.config, "REDIS_URL", f"redis://127.0.0.1:{dead}/0")  # Redis is down
    with build() as s:
        dealer = factories.org("dealer")
        gm, staff = _person(dealer, "general_manager"), _person(dealer, "sales_manager")
        s.flush()
        notify.save_preferences(gm, {"expense_submitted": ["email"]})  # no quiet hours: sent whenever it runs
        expense = expenses.submit_expense(staff, spent_on=date.today(), category="gifts", amount=5, description="水")
        s.flush()
        gm_mail, gm_id, expense_id = gm.email, gm.id, expense.id
    with build() as s:
        assert s.get(Expense, expense_id) is not None, "the action stands"
        [note] = _notes(s, gm_id)
        assert smtp.to(gm_mail) == [] and s.scalar(select(func.count(Delivery.id))
                                                    .where(Delivery.notification_id == note.id)) == 0
        recorded = note.created_at
        assert delivery.deliver_unsent(s, recorded + timedelta(seconds=30)) == 0, "a worker may still take it"
        assert delivery.deliver_unsent(s, recorded + timedelta(minutes=3)) >= 1
        assert delivery.deliver_unsent(s, recorded + timedelta(minutes=4)) == 0
        assert s.scalar(select(Delivery.status).where(Delivery.notification_id == note.id)) == "sent"
    assert len(smtp.to(gm_mail)) == 1


# Preferences, quiet hours, digests

def test_preferences_turn_email_off_for_a_kind(build, smtp):
    with build() as s:
        dealer = factories.org("dealer")
        gm, staff = _person(dealer, "general_manager"), _person(dealer, "sales_manager")
        s.flush()
        notify.save_preferences(gm, {"expense_submitted": []})
        address, staff_id = gm.email, staff.id
    with build() as s:
        staff = s.get(User, staff_id)
        expenses.submit_expense(staff, spent_on=date.today(), category="gifts", amount=1, description="茶叶")
    assert smtp.to(address) == []


def test_quiet_hours_hold_messages_until_they_end_then_send_them_together(build, smtp):
    day = date(2026, 12, 9)
    night = _now_local(23, day)
    with build() as s:
        dealer = factories.org("dealer")
        gm, staff = _person(dealer, "general_manager"), _person(dealer, "sales_manager")
        s.flush()
        notify.save_preferences(gm, {"expense_submitted": ["email"]}, quiet_from=22, quiet_to=7)
        notes = []
        for amount in (10, 20):
            e = factories.expense(dealer, staff, amount=amount)
            notes += events.tell([gm], "expense_submitted", f"t{e.id}", f"费用待审批：{amount} 元", "", "/d/expenses")
        s.info.pop(notify.PENDING)  # delivered below at a chosen time, not after this commit
        ids, address = [n.id for n in notes], gm.email
    with build() as s:
        delivery.deliver(s, ids, now=night)
        rows = s.scalars(select(Delivery).where(Delivery.notification_id.in_(ids))).all()
        assert {r.status for r in rows} == {"queued"}
        assert {r.due_at for r in rows} == {_now_local(7, day + timedelta(days=1))}
        assert delivery.flush_held(s, _now_local(6, day + timedelta(days=1))) == 0
        assert smtp.to(address) == []
        assert delivery.flush_held(s, _now_local(7, day + timedelta(days=1))) == 2
    [message] = smtp.to(address)  # one message for both
    plain, _ = _body(message)
    assert "2 条新通知" in message["Subject"] and "10 元" in plain and "20 元" in plain


def test_a_daily_digest_hour_replaces_one_message_per_event(build, smtp):
    day = date(2026, 12, 9)
    with build() as s:
        dealer = factories.org("dealer")
        gm = _person(dealer, "general_manager")
        s.flush()
        notify.save_preferences(gm, {"expense_submitted": ["email"]}, digest_hour=18)
        notes = events.tell([gm], "expense_submitted", "d1", "费用一", "", "/d/expenses") + \
            events.tell([gm], "expense_submitted", "d2", "费用二", "", "/d/expenses")
        s.info.pop(notify.PENDING)
        ids, address = [n.id for n in notes], gm.email
    with build() as s:
        delivery.deliver(s, ids, now=_now_local(9, day))
        assert delivery.flush_held(s, _now_local(17, day)) == 0
        assert delivery.flush_held(s, _now_local(18, day)) == 2
        assert delivery.flush_held(s, _now_local(19, day)) == 0
    [message] = smtp.to(address)
    assert "费用一" in _body(message)[0] and "费用二" in _body(message)[0]


def test_the_preferences_page_saves_and_refuses_a_bad_hour(build, login_as):
    with build() as s:
        dealer = factories.org("dealer")
        gm = _person(dealer, "general_manager")
        s.flush()
        username, gm_id = gm.username, gm.id
    client = login_as(username)
    page = client.get("/account/notifications").get_data(as_text=True)
    assert "费用待我审批" in page and 'name="ch-expense_submitted" value="email"' in page
    assert "尚未配置" in page  # no SMTP_URL in this test: the page says e-mail is off
    r = client.post("/account/notifications", data={"ch-training": "email", "quiet": "on", "quiet_from": "21",
                                                    "quiet_to": "6"})
    assert r.status_code == 302
    with build() as s:
        prefs = notify.preferences(s.get(User, gm_id), s)
        assert prefs["channels"]["training"] == ["email"] and prefs["channels"]["expense_submitted"] == []
        assert (prefs["quiet_from"], prefs["quiet_to"], prefs["digest_hour"]) == (21, 6, None)
    r = client.post("/account/notifications", data={"digest": "on", "digest_hour": "25"})
    assert "钟点须在 0 到 23 之间" in r.get_data(as_text=True)


def test_default_channels_follow_the_role(build):
    with build() as s:
        dealer = factories.org("dealer")
        gm, sales = factories.user(dealer, "general_manager"), factories.user(dealer, "sales_manager")
        assert "email" in notify.preferences(gm, s)["channels"]["expense_submitted"]
        assert notify.preferences(sales, s)["channels"]["expense_submitted"] == []
        assert "email" in notify.preferences(sales, s)["channels"]["callbacks_due"]


# The scheduler: digests per role, escalation with time travel

def test_callback_digests_per_person_at_their_hour_once_a_day(build):
    day = date(2026, 12, 9)
    with build() as s:
        dealer = factories.org("dealer")
        info, sales = factories.user(dealer, "information_manager"), factories.user(dealer, "sales_manager")
        other = factories.user(dealer, "sales_manager")
        for _ in range(3):
            factories.customer(dealer)
        plan = factories.plan(dealer, info, starts_on=day - timedelta(days=20), days=30)
        items = factories.plan_items(plan)[:3]
        for item, due in zip(items, (day + timedelta(days=1), day - timedelta(days=2), day - timedelta(days=5))):
            item.assignee_id, item.due_on = sales.id, due
        station = factories.org("service")
        staff = factories.user(station, "staff")
        vehicle = Vehicle(network_id=station.network_id, vin=with_check_digit(f"LGAX2A{uuid.uuid4().int % 10**11:011d}"),
                          model="H7", owner_name="覃师傅", owner_phone="13700001111", registered_by_org_id=station.id)
        repair = stations.open_repair(station, vehicle, kind="repair", date_in=date.today(), mileage=10)
        s.flush()
        s.add(ServiceCallback(network_id=station.network_id, org_id=station.id, repair_id=repair.id,
                              first_due_on=day + timedelta(days=1), due_on=day + timedelta(days=1)))
        notify.save_preferences(other, {}, digest_hour=None)
        sales_id, staff_id, other_id = sales.id, staff.id, other.id
    with build() as s:
        assert not any(p.id == sales_id for p, *_ in daily.digests(s, _now_local(7, day)))  # before 8:00
        told = {p.id: (t, o) for p, t, o in daily.digests(s, _now_local(8, day))}
        assert told[sales_id] == (1, 2) and told[staff_id] == (1, 0) and other_id not in told
    with build() as s:
        daily.digests(s, _now_local(9, day))  # a later tick the same day
        [note] = _notes(s, sales_id, "callbacks_due")
        assert "明天到期 1 条" in note.title and "已逾期 2 条" in note.title and note.link == "/d/callbacks"
        [station_note] = _notes(s, staff_id, "callbacks_due")
        assert station_note.link == "/s/callbacks"


def test_a_hot_alert_past_its_deadline_is_escalated_once(build):
    today = date.today()
    with build() as s:
        station = factories.org("service", province="广西")
        manager = factories.user(station, "manager")
        far_station = factories.org("service", province="云南")
        alert = _alert(s, station, today=today)
        s.flush()
        alert_id, deadline, manager_id = alert.id, alert.deadline, manager.id
        regional = s.scalar(select(User).where(User.username == "supervisor"))  # 督导 limited to 广西
        regional_id = regional.id
        _alert(s, far_station, today=today)
    with build() as s:
        assert [a.id for a in daily.escalations(s, _now_local(12, deadline)) if a.id == alert_id] == []
    with build() as s:
        assert alert_id in [a.id for a in daily.escalations(s, _now_local(9, deadline + timedelta(days=1)))]
    with build() as s:
        daily.escalations(s, _now_local(10, deadline + timedelta(days=2)))  # the next day: no second message
        notes = s.scalars(select(Notification).where(Notification.kind == "alert_overdue",
                                                     Notification.object_id == alert_id)).all()
        people = {n.user_id for n in notes}
        assert manager_id in people and regional_id in people and len(notes) == len(people)
        assert all(n.user.org_id == s.get(HotAlert, alert_id).org_id or n.user.org.kind == "manufacturer" for n in notes)
        # the 云南 station's alert goes to no supervisor limited to 广西
        far = s.scalars(select(Notification).where(Notification.kind == "alert_raised",
                                                   Notification.user_id == regional_id,
                                                   Notification.object_id != alert_id,
                                                   Notification.created_at >= datetime.utcnow() - timedelta(minutes=5))).all()
        assert all(s.get(HotAlert, n.object_id).org.province == "广西" for n in far)


def test_the_scheduler_tick_records_escalations_and_digests(app, build):
    from tenant_app.jobs.schedule import tick
    today = date.today()
    with build() as s:
        station = factories.org("service", province="广西")
        manager = factories.user(station, "manager")
        alert = _alert(s, station, today=today)
        s.flush()
        alert_id, deadline, manager_id = alert.id, alert.deadline, manager.id
    with app.app_context():
        said = tick(today=today, now=_now_local(9, deadline + timedelta(days=1)))
    assert any("alerts past deadline" in line for line in said)
    with build() as s:
        assert _notes(s, manager_id, "alert_overdue")


# No event reaches another network

def test_no_event_of_one_network_reaches_a_user_of_another(build, world, app):
    """Every event kind, raised in demo2: every notification it makes is demo2's, for demo2's users."""
    net = world["networks"]["demo2"]
    with build("demo2") as s:
        before = s.scalar(select(func.max(Notification.id))) or 0
    covered = set()
    with build("demo2") as s:
        dealer = s.scalars(select(Organisation).where(Organisation.kind == "dealer").order_by(Organisation.id)).first()
        station = s.scalars(select(Organisation).where(Organisation.kind == "service").order_by(Organisation.id)).first()
        gm = s.scalar(select(User).where(User.org_id == dealer.id))
        sales = factories.user(dealer, "sales_manager")
        customer = factories.customer(dealer)
        s.flush()
        item = s.scalars(select(CallbackItem).where(CallbackItem.org_id == dealer.id)).first()
        if item is None:
            item = factories.plan_items(factories.plan(dealer, gm))[0]
        item.assignee_id = sales.id
        events.plan_items_assigned(item.plan, [item]); covered.add("plan_items_assigned")
        events.customers_assigned({sales.id: [customer.id]}); covered.add("customers_assigned")
        events.callbacks_due(sales, date.today(), 1, 1); covered.add("callbacks_due")
        opp = factories.opportunity(customer, sales)
        step = NegotiationRound(network_id=net, org_id=dealer.id, opportunity=opp, held_on=date.today(),
                                next_step="报价", next_on=date.today())
        s.add(step)
        s.flush()
        events.next_step_due(opp, step); covered.add("next_step_due")
        task = AfterSaleTask(network_id=net, org_id=dealer.id, customer_id=customer.id, kind="delivery",
                             due_on=date.today(), assignee_id=sales.id)
        s.add(task)
        s.flush()
        task.customer = customer
        events.task_due(task); covered.add("task_due")
        expense = expenses.submit_expense(sales, spent_on=date.today(), category="events", amount=1, description="x")
        covered.add("expense_submitted")
        expenses.decide(expense, True, gm); covered.add("expense_decided")
        from tenant_app.services import deals
        deals.request_give_up(opp, sales, "客户转向竞品", "某品牌"); covered.add("give_up_requested")
        deals.decide_give_up(opp, gm, False); covered.add("give_up_decided")
        appeal = s.scalars(select(Appeal)).first()
        appeal.raised_by_id = gm.id
        events.appeal_filed(appeal); covered.add("appeal_filed")
        appeal.status, appeal.response = "rejected", "维持原分"
        events.appeal_resolved(appeal); covered.add("appeal_resolved")
        alert = _alert(s, station); covered.add("alert_raised")
        events.alert_overdue(alert); covered.add("alert_overdue")
        alert.status, alert.closed_on = "closed", date.today()
        events.alert_closed(alert); covered.add("alert_closed")
        admin = s.scalar(select(User).where(User.username == "admin"))
        announcements.publish(net, admin, kind="policy", title="跨网测试政策", body="内容", effective_from=date.today(),
                              effective_to=None, parties=["dealer", "service"], store="/tmp"); covered.add("announcement")
        from tenant_app.services import training
        training.create_session(title="跨网测试培训", held_on=date.today(), place="济南", topic="台帐", max_score=100,
                                orgs=[dealer], by=admin); covered.add("training")
        evaluation = s.scalars(select(Evaluation)).first()
        for card in evaluation.scorecards:
            card.revision += 1000  # a revision never told yet (the seed told the real ones)
        events.scorecards_issued(evaluation); covered.add("scorecard_issued")
        for card in evaluation.scorecards:
            card.revision -= 1000
        job = JobRecord(network_id=net, org_id=dealer.id, kind="ledger_import", created_by_id=gm.id, status="done")
        s.add(job)
        s.flush()
        events.job_finished(job); covered.add("job_done")
        job.error = "boom"
        events.job_failed(job); covered.add("job_failed")
        s.flush()
    assert covered == set(notify.KINDS), "a new event kind must be swept here too"
    with app.app_context():
        from tenant_app.tenancy import use_network
        for code, network_id in world["networks"].items():
            use_network(db.session, network_id)
            rows = db.session.execute(select(Notification.kind, Notification.network_id, User.network_id, User.org_id)
                                      .join(User, User.id == Notification.user_id)
                                      .where(Notification.id > before if code == "demo2" else Notification.id < 0)).all()
            if code == "demo2":
                assert {k for k, *_ in rows} == set(notify.KINDS)
                assert all(n == net and u == net for _k, n, u, _o in rows)
            db.session.rollback()
        # and nothing new in any other network
        for code, network_id in world["networks"].items():
            if code == "demo2":
                continue
            use_network(db.session, network_id)
            assert not db.session.scalar(select(func.count(Notification.id)).where(
                Notification.id > before, Notification.kind == "announcement",
                Notification.title.contains("跨网测试政策")))
            db.session.rollback()
        db.session.remove()


# The bell and the notification centre

def test_the_bell_counts_unread_and_the_centre_marks_them_read(build, login_as, world):
    with build() as s:
        dealer = factories.org("dealer")
        sales = factories.user(dealer, "sales_manager")
        other = factories.user(dealer, "sales_manager")
        for i in range(3):
            events.tell([sales], "callbacks_due", f"bell{i}", f"回访提醒 {i}", "请安排", "/d/callbacks")
        [foreign] = events.tell([other], "callbacks_due", "bell-other", "别人的提醒", "", "/d/callbacks")
        username, foreign_id = sales.username, foreign.id
    client = login_as(username)
    home = client.get("/d/").get_data(as_text=True)
    assert re.search(r'data-test="unread">3<', home)
    page = client.get("/notifications").get_data(as_text=True)
    assert page.count('data-test="notification"') == 3 and "别人的提醒" not in page
    assert page.index("回访提醒 2") < page.index("回访提醒 0")  # newest first
    first = re.search(r'action="/notifications/(\d+)/open"', page).group(1)
    r = client.post(f"/notifications/{first}/open")
    assert r.status_code == 302 and r.headers["Location"].endswith("/d/callbacks")
    assert re.search(r'data-test="unread">2<', client.get("/notifications").get_data(as_text=True))
    assert client.post(f"/notifications/{foreign_id}/open").status_code == 404
    assert client.post("/notifications/read-all").status_code == 302
    page = client.get("/notifications").get_data(as_text=True)
    assert 'data-test="unread"' not in page and 'data-unread="yes"' not in page


def test_the_delivery_log_is_the_network_administrators(build, login_as, smtp):
    with build() as s:
        dealer = factories.org("dealer")
        gm, staff = _person(dealer, "general_manager"), _person(dealer, "sales_manager")
        s.flush()
        expenses.submit_expense(staff, spent_on=date.today(), category="events", amount=66, description="日志测试")
        gm_name = gm.username
    page = login_as("admin").get("/m/notifications/log?channel=email&status=sent&q=" + gm_name).get_data(as_text=True)
    assert gm_name in page and "sent" in page and "@example.cn" in page and "***@" in page
    assert login_as("supervisor").get("/m/notifications/log").status_code == 403
    assert login_as("gx-lz-001.gm").get("/m/notifications/log").status_code in (403, 404)
    other = login_as("admin", network="demo2").get("/m/notifications/log?q=" + gm_name).get_data(as_text=True)
    assert 'data-test="deliveries"' not in other and "没有符合条件的记录" in other


def test_message_for_one_notification_links_into_the_product(app, build):
    with build() as s:
        dealer = factories.org("dealer")
        gm = factories.user(dealer, "general_manager")
        [note] = events.tell([gm], "training", "m1", "培训邀请：台帐", "12-10，南宁", "/org/training")
        with app.test_request_context():
            app.config["BASE_URL"], before = BASE, app.config["BASE_URL"]
            try:
                message = delivery.message_for(gm, [note])
            finally:
                app.config["BASE_URL"] = before
        assert isinstance(message, Message) and message.link == f"{BASE}/org/training"
        assert message.subject.endswith("培训邀请：台帐") and s.get(Network, gm.network_id).name in message.subject
