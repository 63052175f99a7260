"""A period that has not ended is evaluated only as provisional (临时): never ranked for the
party nor issued as final; evaluated again after its last day it becomes final. Items that do
not apply print 不适用 without a score and stay out of the chart; the ranking report ranks each
party among its own kind, with regional averages per party."""
import re
from datetime import date, datetime


from tenant_app.services import scorecards as service


def _flat(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_a_period_not_ended_is_provisional_and_final_once_evaluated_after_it_ended(app, world, in_network):
    net = world["networks"]["demo2"]
    with in_network(net) as s:
        evaluation, _ = service.open_evaluation(net, "2021-Q2")
        assert evaluation.provisional, "not computed yet"
        service.compute(evaluation)
        assert not evaluation.provisional, "computed after 2021-06-30"
        evaluation.computed_at = datetime(2021, 6, 20, 9, 0)  # as if computed on 20 June 2021
        assert evaluation.provisional
        revisions = {c.org_id: c.revision for c in evaluation.scorecards}
        ranking = evaluation.ranking_revision
        service.compute(evaluation)  # the same period again, now that it has ended
        assert not evaluation.provisional
        assert all(c.revision == revisions[c.org_id] + 1 for c in evaluation.scorecards), "re-issued as final"
        assert evaluation.ranking_revision == ranking + 1, "the ranking report is due again, final"
        service.compute(evaluation)
        assert all(c.revision == revisions[c.org_id] + 1 for c in evaluation.scorecards), "final stays final"

        today = date.today()
        current, _ = service.open_evaluation(net, service.period_label("month", today))
        service.compute(current)
        assert current.provisional, "today is not after the month's last day"


def _past_card(s, net, period="2021-Q2"):
    evaluation, _ = service.open_evaluation(net, period)
    service.compute(evaluation)
    card = next(c for c in evaluation.scorecards if c.org.kind == "dealer")
    return evaluation, card


def test_the_pdfs_of_a_provisional_evaluation_say_so_and_show_no_rank(app, world, in_network):
    from tenant_app.reports.scorecard_pdf import ranking_html, scorecard_html
    net = world["networks"]["demo2"]
    with in_network(net) as s:
        evaluation, card = _past_card(s, net)
        final, final_ranking = _flat(scorecard_html(card)), _flat(ranking_html(evaluation))
        assert "临时" not in final and "全网排名" in final and "临时" not in final_ranking
        evaluation.computed_at = datetime.combine(evaluation.ends_on, datetime.min.time())
        html, ranking = scorecard_html(card), ranking_html(evaluation)
        assert 'class="watermark">临时' in html and "（临时）" in _flat(html)
        assert "全网排名" not in _flat(html) and "区域排名" not in _flat(html), "no rank for the dealer"
        assert 'class="watermark">临时' in ranking and "考评排名 2021-Q2（临时）" in _flat(ranking)


def test_items_that_do_not_apply_print_no_score_and_stay_out_of_the_chart(app, world, in_network):
    from tenant_app.reports.scorecard_pdf import scorecard_html
    from tenant_app.vocab import SCORE_RULES
    net = world["networks"]["demo2"]
    with in_network(net) as s:
        _, card = _past_card(s, net)
        items = [dict(i) for i in card.items]
        items[0].update(applicable=False, numerator=0, denominator=0, points=0.0, ratio=0.0, adjusted=None)
        items[1].update(applicable=True, numerator=1, denominator=2, ratio=0.5, adjusted=None,
                        points=round(items[1]["weight"] / 2 / items[1]["full_at"], 2))
        card.items = items
        html = scorecard_html(card)
        table, chart = html.split("<svg", 1)
        rows = {m[0]: m[1] for m in re.findall(r"<tr><td>([^<]+)</td>(.*?)</tr>", table, re.S)}
        na = _flat(rows[SCORE_RULES[items[0]["key"]]])
        assert na.count("不适用") == 2 and not re.search(r"\d+\.\d", na.split("/")[-1]), na
        applicable = _flat(rows[SCORE_RULES[items[1]["key"]]])
        rate = round(100 * items[1]["points"] / items[1]["weight"], 1)
        assert "50.0%" in applicable and f"{rate}%" in applicable, "达成率 and 得分率 both shown"
        assert SCORE_RULES[items[0]["key"]] not in chart and SCORE_RULES[items[1]["key"]] in chart
        assert f">{rate:g}%<" in chart or f">{rate}%<" in chart, "the chart shows the table's 得分率"
        assert "达成率 = " in _flat(html) and "得分率 = 得分 ÷ 权重" in _flat(html), "both measures explained"


def test_the_ranking_report_ranks_each_party_apart_with_regional_averages_per_party(app, world, in_network):
    from tenant_app.reports.scorecard_pdf import ranking_html
    from tests import factories
    net = world["networks"]["demo2"]
    with in_network(net) as s:
        factories.org("service", province="海南", city="海口")
        factories.org("dealer", province="海南", city="三亚")
        s.flush()
        evaluation, _ = service.open_evaluation(net, "2021-Q3")
        service.compute(evaluation)
        html = ranking_html(evaluation)
        for kind in ("dealer", "service"):
            cards = [c for c in evaluation.scorecards if c.org.kind == kind]
            table = html.split(f'data-kind="{kind}"', 1)[1].split("</table>", 1)[0]
            ranks = [int(r) for r in re.findall(r'<tr><td class="num">(\d+)</td>', table)]
            assert ranks and min(ranks) == 1 and len(ranks) == len(cards), (kind, ranks)
            assert ranks == sorted(ranks), "in rank order"
            assert all(c.org.name in table for c in cards)
            hainan = [c.total for c in cards if c.org.province == "海南"]
            avg = round(sum(hainan) / len(hainan), 1)
            section = html.split(f'data-kind="{kind}"', 1)[0].rsplit("<h2", 1)[1]
            assert "海南" in section and f">{avg:g}<" in section.replace(f">{avg:.1f}<", f">{avg:g}<"), (kind, avg)


def test_a_provisional_scorecard_cannot_be_appealed(app, world, in_network, login_as):
    """The figures of a period that has not ended may still change: the dealer appeals the final card."""
    from sqlalchemy import func, select

    from tenant_app.models import Appeal, Organisation, Scorecard
    net = world["networks"]["demo2"]
    with in_network(net) as s:
        evaluation, _ = service.open_evaluation(net, "2019-Q1")
        service.compute(evaluation)
        evaluation.computed_at = datetime.combine(evaluation.ends_on, datetime.min.time())  # on the last day
        card = s.scalar(select(Scorecard).join(Organisation, Organisation.id == Scorecard.org_id).where(
            Scorecard.evaluation_id == evaluation.id, Organisation.code == "SD-JN-001"))
        card_id, key = card.id, card.items[0]["key"]
        s.commit()
    dealer = login_as("sd-jn-001.gm", network="demo2")
    page = _flat(dealer.get(f"/org/scorecards/{card_id}").get_data(as_text=True))
    assert "这是临时考评" in page and "提交申诉" not in page, "no appeal form on a provisional card"
    resp = dealer.post(f"/org/scorecards/{card_id}/appeals", data={"item": key, "reason": "十二月漏计了两条回访"},
                       follow_redirects=True)
    assert "临时考评不能申诉" in _flat(resp.get_data(as_text=True))
    with in_network(net) as s:
        assert s.scalar(select(func.count(Appeal.id)).where(Appeal.scorecard_id == card_id)) == 0
        s.get(Scorecard, card_id).evaluation.computed_at = datetime(2019, 4, 2, 9, 0)  # evaluated after it ended
        s.commit()
    page = _flat(dealer.get(f"/org/scorecards/{card_id}").get_data(as_text=True))
    assert "提交申诉" in page or "申诉期已于" in page, "the final card offers the appeal (or says its window closed)"
