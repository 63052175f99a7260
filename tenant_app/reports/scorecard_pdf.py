"""The scorecard PDF and the ranking report of an evaluation: their HTML (templates in
reports/templates), rendered by WeasyPrint (reports/pdf.py) and stored with their SHA-256
on the scorecard or the evaluation. The caller commits."""
from __future__ import annotations

import os
from collections import Counter, defaultdict

from sqlalchemy import func, select

from ..extensions import db
from ..models import Deduction, Evaluation, Network, Organisation, Scorecard
from ..services import scorecards as service
from ..services.brands import maker_name
from ..vocab import APPEAL_STATUSES, SCORE_RULES, label
from . import pdf


def _context(evaluation: Evaluation) -> dict:
    return {"evaluation": evaluation, "network": db.session.get(Network, evaluation.network_id), "maker": maker_name(),
            "rule_labels": {k: label(SCORE_RULES, k) for k in SCORE_RULES},
            "appeal_labels": {k: label(APPEAL_STATUSES, k) for k in APPEAL_STATUSES}}


def peer_sizes(evaluation: Evaluation) -> Counter:
    """How many scorecards of each party, and of each party in each province, the evaluation
    has (a card is ranked among its own party): one query, for every PDF of a render job."""
    rows = db.session.execute(select(Organisation.kind, Organisation.province, func.count(Scorecard.id))
                              .join(Organisation, Organisation.id == Scorecard.org_id)
                              .where(Scorecard.evaluation_id == evaluation.id)
                              .group_by(Organisation.kind, Organisation.province))
    sizes = Counter()
    for kind, province, n in rows:
        sizes[kind] += n
        sizes[kind, province or ""] += n
    return sizes


def scorecard_html(card: Scorecard, sizes: Counter | None = None) -> str:
    evaluation = card.evaluation
    sizes = sizes if sizes is not None else peer_sizes(evaluation)
    deductions = db.session.scalars(select(Deduction).where(Deduction.evaluation_id == evaluation.id,
                                                            Deduction.org_id == card.org_id)
                                    .order_by(Deduction.id)).all()
    bars = [(label(SCORE_RULES, i["key"]),
             round(100 * (i["points"] if i.get("adjusted") is None else i["adjusted"]) / i["weight"], 1))
            for i in card.items if i["applicable"] or i.get("adjusted") is not None]
    return pdf.html("scorecard.html", card=card, org=card.org, template=card.template, deductions=deductions,
                    appeals=[a for a in card.appeals if a.status != "open"], item_bars=bars,
                    network_size=sizes[card.org.kind], region_size=sizes[card.org.kind, card.org.province or ""],
                    appeal_until=service.appeal_open_until(card).isoformat(), **_context(evaluation))


def render_scorecard(card: Scorecard, sizes: Counter | None = None) -> None:
    data = pdf.to_pdf(scorecard_html(card, sizes))
    old = card.pdf_path
    path, digest = pdf.store(data, card.network_id, f"{card.evaluation_id}/{card.org.code}-r{card.revision}.pdf")
    card.pdf_path, card.pdf_sha256, card.pdf_revision = path, digest, card.revision
    if old and old != path:
        _remove(old)


def ranking_html(evaluation: Evaluation) -> str:
    """Dealers ranked among dealers and stations among stations: a table, a grade distribution
    and regional averages per party (a station's total never lowers a dealers' region)."""
    groups, grade_bars, region_bars = {}, {}, {}
    for kind in ("dealer", "service"):
        cards = sorted((c for c in evaluation.scorecards if c.org.kind == kind),
                       key=lambda c: (c.rank_network, c.org.code))
        grades = Counter(c.grade for c in cards)
        regions = defaultdict(list)
        for c in cards:
            regions[c.org.province or "—"].append(c.total)
        groups[kind] = cards
        grade_bars[kind] = [(g, grades.get(g, 0)) for _, g in evaluation.template.grade_bands]
        region_bars[kind] = sorted(((r, round(sum(t) / len(t), 1)) for r, t in regions.items()), key=lambda x: -x[1])
    return pdf.html("ranking.html", groups=groups, template=evaluation.template, grade_bars=grade_bars,
                    region_bars=region_bars, **_context(evaluation))


def render_ranking(evaluation: Evaluation) -> None:
    revision = evaluation.ranking_revision
    data = pdf.to_pdf(ranking_html(evaluation))
    old = evaluation.ranking_pdf_path
    path, digest = pdf.store(data, evaluation.network_id, f"{evaluation.id}/ranking-r{revision}.pdf")
    evaluation.ranking_pdf_path, evaluation.ranking_pdf_sha256 = path, digest
    evaluation.ranking_pdf_revision = revision
    if old and old != path:
        _remove(old)


def _remove(path: str) -> None:
    try:
        os.remove(path)
    except OSError:
        pass
