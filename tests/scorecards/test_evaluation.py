"""Scoring arithmetic, template versions, evaluating a period (twice), ranks, trend,
deductions, appeals and the scheduler's tick."""
from datetime import date, timedelta
from types import SimpleNamespace

import pytest
from sqlalchemy import func, select

from tenant_app.models import Appeal, Evaluation, EvaluationSchedule, Scorecard, ScorecardTemplate
from tenant_app.services import scorecards as service

TPL = SimpleNamespace(deduction_cap=10.0, grade_bands=[[90, "A"], [80, "B"], [0, "C"]])


def item(key="coverage", weight=10, full_at=1.0, cap=10):
    return {"key": key, "weight": weight, "full_at": full_at, "cap": cap}


def test_points_scale_with_the_ratio_up_to_the_cap():
    assert service.score_item(item(), 1, 2)["points"] == 5.0
    assert service.score_item(item(full_at=0.5), 1, 2)["points"] == 10.0
    assert service.score_item(item(full_at=0.05, cap=15), 1, 10)["points"] == 15.0, "over-achievement, capped"
    empty = service.score_item(item(), 0, 0)
    assert (empty["applicable"], empty["points"]) == (False, 0.0)


def test_the_total_scales_applicable_items_to_100_and_caps_deductions():
    items = [service.score_item(item("a", 60, cap=60), 1, 2), service.score_item(item("b", 40, cap=40), 0, 0)]
    score, deducted, total, grade = service.total_of(items, [], TPL)
    assert (score, total, grade) == (50.0, 50.0, "C"), "30 of the 60 applicable points"
    items[0]["adjusted"] = 57.0  # an upheld appeal
    assert service.total_of(items, [3, 4, 5], TPL) == (95.0, 10.0, 85.0, "B"), "deductions capped at 10"


def test_equal_totals_share_a_rank():
    cards = [SimpleNamespace(org_id=i, total=t) for i, t in enumerate([70, 90, 70, 50])]
    assert service._competition_ranks(cards) == {1: 1, 0: 2, 2: 2, 3: 4}


@pytest.mark.parametrize("text,expected", [
    ("2026-q3", ("2026-Q3", "quarter", date(2026, 7, 1), date(2026, 9, 30))),
    ("2026-02", ("2026-02", "month", date(2026, 2, 1), date(2026, 2, 28))),
    ("2025", ("2025", "year", date(2025, 1, 1), date(2025, 12, 31)))])
def test_periods_parse(text, expected):
    assert service.parse_period(text) == expected


@pytest.mark.parametrize("bad", ["2026-Q5", "2026-13", "26-Q1", "", "1999", "2026-Q3; drop"])
def test_bad_periods_are_refused(bad):
    with pytest.raises(service.ScorecardError):
        service.parse_period(bad)


def test_a_template_change_is_a_new_version_and_issued_scorecards_keep_theirs(app, world, in_network):
    with in_network(world["networks"]["demo2"]) as s:
        evaluation, _ = service.open_evaluation(world["networks"]["demo2"], "2024-Q1")
        service.compute(evaluation)
        s.commit()
        used = evaluation.template
        draft = service.draft_of(world["networks"]["demo2"])
        assert (draft.version, draft.status) == (used.version + 1, "draft")
        draft.items = [dict(i, weight=i["weight"] * 2 if i["key"] == "coverage" else i["weight"]) for i in draft.items]
        with pytest.raises(service.ScorecardError, match="100"):
            service.publish(draft)  # weights no longer add up to 100
        draft.items = [dict(i, weight=20, cap=20) if i["key"] == "coverage" else
                       dict(i, weight=5, cap=5) if i["key"] == "callback_completion" else i for i in draft.items]
        service.publish(draft)
        s.commit()
        assert s.get(ScorecardTemplate, used.id).status == "retired"
        assert service.current_template(world["networks"]["demo2"]).id == draft.id
        service.compute(evaluation)  # re-running the old period keeps its version
        cards = s.scalars(select(Scorecard).where(Scorecard.evaluation_id == evaluation.id)).all()
        assert cards and {c.template_id for c in cards} == {used.id}
        assert {i["weight"] for c in cards for i in c.items if i["key"] == "coverage"} == {10}
        later, _ = service.open_evaluation(world["networks"]["demo2"], "2024-Q2")
        assert later.template_id == draft.id
        s.commit()


def test_evaluating_twice_gives_the_same_result_and_no_duplicates(app, world, in_network):
    net = world["networks"]["liuqi"]
    with in_network(net) as s:
        evaluation, created = service.open_evaluation(net, "2025-Q1")
        service.compute(evaluation)
        s.commit()
        first = {c.org_id: (c.total, c.grade, c.rank_network, c.rank_region, c.revision) for c in evaluation.scorecards}
        again, created_again = service.open_evaluation(net, "2025-q1")
        assert (again.id, created, created_again) == (evaluation.id, True, False)
        service.compute(again)
        s.commit()
        s.expire_all()
        second = {c.org_id: (c.total, c.grade, c.rank_network, c.rank_region, c.revision) for c in again.scorecards}
        assert first == second, "same data, same scorecards, not re-issued"
        n = s.scalar(select(func.count()).select_from(Scorecard).where(Scorecard.evaluation_id == evaluation.id))
        assert n == len(first) == len(service.scored_orgs())
        ranks = sorted(r[2] for r in second.values())
        assert ranks[0] == 1 and all(ranks[i] <= ranks[i + 1] for i in range(len(ranks) - 1))


def test_trend_carries_earlier_periods_of_the_same_kind(app, world, in_network):
    net = world["networks"]["liuqi"]
    with in_network(net) as s:
        for period in ("2023-01", "2023-02", "2023-03"):
            evaluation, _ = service.open_evaluation(net, period)
            service.compute(evaluation)
            s.commit()
        card = s.scalar(select(Scorecard).where(Scorecard.evaluation_id == evaluation.id).limit(1))
        assert [p for p, _ in card.trend] == ["2023-01", "2023-02", "2023-03"]


def _card(s, net, period, org_code="GX-LZ-001"):
    evaluation, _ = service.open_evaluation(net, period)
    service.compute(evaluation)
    s.commit()
    from tenant_app.models import Organisation
    org = s.scalar(select(Organisation).where(Organisation.code == org_code))
    return s.scalar(select(Scorecard).where(Scorecard.evaluation_id == evaluation.id, Scorecard.org_id == org.id))


def test_a_deduction_reissues_the_scorecard(app, world, in_network, person):
    net = world["networks"]["liuqi"]
    admin = SimpleNamespace(id=person("admin").id)
    with in_network(net) as s:
        card = _card(s, net, "2022-Q1")
        before = (card.total, card.revision, card.evaluation.ranking_revision)
        with pytest.raises(service.ScorecardError):
            service.add_deduction(card, 2, "  ", admin)
        service.add_deduction(card, 2.5, "台帐弄虚作假（抽查发现两条虚构记录）", admin)
        s.commit()
        assert card.deducted == 2.5 and card.total == round(max(0, before[0] - 2.5), 2)
        assert card.revision == before[1] + 1 and card.evaluation.ranking_revision > before[2]
        service.compute(card.evaluation)  # re-running keeps the deduction
        assert card.deducted == 2.5


def test_an_appeal_within_the_window_upheld_reissues_and_rejected_does_not(app, world, in_network, person):
    net = world["networks"]["liuqi"]
    gm, admin = SimpleNamespace(id=person("gx-lz-001.gm").id), SimpleNamespace(id=person("admin").id)
    with in_network(net) as s:
        card = _card(s, net, "2022-Q2")
        key = "coverage"
        appeal = service.raise_appeal(card, key, "三月的回访记录漏录了两条，已补录。", gm)
        s.commit()
        with pytest.raises(service.ScorecardError, match="待处理"):
            service.raise_appeal(card, key, "再次申诉同一项目。", gm)
        with pytest.raises(service.ScorecardError):
            service.raise_appeal(card, "no_such_item", "没有这个项目。", gm)
        with pytest.raises(service.ScorecardError):
            service.raise_appeal(card, "conversion", "太晚了的申诉。", gm,
                                 today=service.appeal_open_until(card) + timedelta(days=1))
        with pytest.raises(service.ScorecardError):
            service.resolve_appeal(appeal, "upheld", "同意。", None, admin)  # upheld needs the new points
        revision, cap = card.revision, card.item(key)["cap"]
        service.resolve_appeal(appeal, "upheld", "核实属实，予以调整。", cap, admin)
        s.commit()
        assert card.revision == revision + 1 and card.item(key)["adjusted"] == cap
        with pytest.raises(service.ScorecardError, match="已处理"):
            service.resolve_appeal(appeal, "rejected", "改判。", None, admin)
        other = service.raise_appeal(card, "conversion", "成交转化率计算有误。", gm)
        s.flush()
        service.resolve_appeal(other, "rejected", "计算无误。", None, admin)
        s.commit()
        assert card.revision == revision + 1 and s.get(Appeal, other.id).status == "rejected"
        service.compute(card.evaluation)  # re-running keeps the upheld appeal
        assert card.item(key)["adjusted"] == cap and card.revision == revision + 1


def test_the_scheduler_evaluates_each_ended_period_once(app, world, in_network):
    from tenant_app.jobs.schedule import tick

    net = world["networks"]["demo2"]
    with in_network(net) as s:
        s.add(EvaluationSchedule(network_id=net, period_kind="quarter", day=5))
        s.commit()
    with app.app_context():
        assert not [line for line in tick(today=date(2021, 10, 3)) if "evaluating" in line], "before the configured day"
        said = tick(today=date(2021, 10, 6))
        assert any("demo2: evaluating 2021-Q3" in line for line in said)
        assert not any("2021-Q3" in line for line in tick(today=date(2021, 10, 7))), "once only"
    with in_network(net) as s:
        evaluation = s.scalar(select(Evaluation).where(Evaluation.period == "2021-Q3"))
        assert evaluation.status == "issued" and evaluation.scorecards
        assert all(c.pdf_revision == c.revision for c in evaluation.scorecards), "inline: rendered too"
        s.delete(s.scalar(select(EvaluationSchedule)))
        s.commit()


def test_the_command_line_evaluates_and_waits_for_the_pdfs(app, world, in_network):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["scorecards", "evaluate", "--network", "demo2", "--period", "2016-Q4"])
    assert result.exit_code == 0, result.output
    with in_network(world["networks"]["demo2"]) as s:
        evaluation = s.scalar(select(Evaluation).where(Evaluation.period == "2016-Q4"))
        n = len(evaluation.scorecards)
        assert n and all(c.pdf_revision == c.revision for c in evaluation.scorecards)
    assert f"{n} scorecards issued and rendered" in result.output and "PDFs" in result.output
    again = runner.invoke(args=["scorecards", "evaluate", "--network", "demo2", "--period", "2016-q4", "--no-wait"])
    assert again.exit_code == 0 and "demo2 2016-Q4: job" in again.output
    bad = runner.invoke(args=["scorecards", "evaluate", "--network", "demo2", "--period", "2016-Q9"])
    assert bad.exit_code != 0 and "2026-Q3" in bad.output
    assert runner.invoke(args=["scorecards", "evaluate", "--network", "nope", "--period", "2016"]).exit_code != 0
