"""Scorecard PDFs and a whole period. Run from the project root:

    .venv/bin/python -m bench.scorecards                       # SQLite, inline jobs, smaller network
    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/postgres REDIS_URL=redis://127.0.0.1:6379/0 \\
        .venv/bin/python -m bench.scorecards                   # 300 dealers, 1,000,000 customers, 2 workers

1. One dealer's two-page Chinese scorecard with its SVG charts, rendered by WeasyPrint:
   the layout alone (the floor), the whole PDF as the jobs make it (HarfBuzz subsetting),
   and the naive set-up (the same Noto Sans CJK named by family, subset by fontTools),
   with the ratios; then the text read back from the PDF against the input, rare
   characters in the dealer's name included, and the glyphs drawn (none may be missing).
2. A whole period: "evaluate" to the last PDF for every dealer of the generated network,
   on BENCH_WORKERS `flask rq worker` processes (2) when REDIS_URL is set, inline otherwise,
   with the peak memory of each worker process and work horse.

stdout: one figure a line, ``name: value unit``; progress on stderr. See bench/README.md.
"""
from __future__ import annotations

import io
import os
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

from bench import fresh as fresh_mod  # noqa: F401  (first: INSTANCE_PATH, SECRET_KEY)
from bench.fresh import dispose, fresh_database, migrated_app
from bench.gen import generate
from bench.timing import note, report

RARE = "喆堃犇淼燚𠮷䶮龘"
RUNS = int(os.environ.get("BENCH_PDF_RUNS", "7"))
NAIVE_RUNS = int(os.environ.get("BENCH_NAIVE_RUNS", "2"))
WORKERS = int(os.environ.get("BENCH_WORKERS", "2"))
PERIOD = os.environ.get("BENCH_PERIOD", "2026-Q3")


def _median_s(fn, runs: int) -> float:
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def one_scorecard(app) -> None:
    from pypdf import PdfReader
    from sqlalchemy import select
    from weasyprint import HTML
    from weasyprint.pdf import fonts as pdf_fonts

    from tenant_app.extensions import db
    from tenant_app.models import Network, Scorecard
    from tenant_app.reports.scorecard_pdf import scorecard_html
    from tenant_app.tenancy import use_network
    from tests.scorecards.test_pdf import MISSING, fonts, glyph_ids

    with app.app_context():
        network = db.session.scalar(select(Network).where(Network.code == "liuqi"))
        use_network(db.session, network.id)
        card = db.session.scalar(select(Scorecard).order_by(Scorecard.id))
        card.org.name = f"{RARE}重卡销售有限公司"  # in memory only: rare characters in the name
        markup = scorecard_html(card)
        db.session.rollback()
        db.session.remove()

    from tenant_app.reports.pdf import TEMPLATES

    def doc():
        return HTML(string=markup, base_url=str(TEMPLATES))  # as reports/pdf.to_pdf: the stylesheet beside

    doc().write_pdf()  # warm-up: fonts found and loaded once per process
    layout = _median_s(lambda: doc().render(), RUNS)
    full = _median_s(lambda: doc().write_pdf(), RUNS)
    pdf = doc().write_pdf()
    saved = pdf_fonts.harfbuzz_subset
    pdf_fonts.harfbuzz_subset = None  # what WeasyPrint does without libharfbuzz-subset0: fontTools
    try:
        naive = _median_s(lambda: doc().write_pdf(), NAIVE_RUNS)
    finally:
        pdf_fonts.harfbuzz_subset = saved
    pages = PdfReader(io.BytesIO(pdf)).pages
    text = "".join(p.extract_text() for p in pages).replace(" ", "").replace("\n", "")
    report("scorecard_pages", len(pages), "pages")
    report("scorecard_layout_only_median_s", layout, "s")
    report("scorecard_pdf_median_s", full, "s")
    report("scorecard_pdf_naive_median_s", naive, "s")
    report("scorecard_pdf_over_layout", full / layout, "x")
    report("scorecard_naive_over_pdf", naive / full, "x")
    report("scorecard_pdf_bytes", len(pdf), "bytes")
    report("scorecard_rare_name_read_back", int(f"{RARE}重卡销售有限公司" in text), "(1 = identical)")
    report("scorecard_missing_glyphs", sum(1 for g in glyph_ids(pdf) if g in MISSING), "glyphs")
    report("scorecard_fonts", len(fonts(pdf)), "(" + ", ".join(sorted(fonts(pdf))) + ")")


# --------------------------------------------------------------------------- the period
class MemoryWatch(threading.Thread):
    """Peak resident memory of the worker processes and of every work horse they fork."""

    def __init__(self, roots: list[int]):
        super().__init__(daemon=True)
        self.roots, self.stop, self.peak_worker, self.peak_horse = set(roots), False, 0, 0

    @staticmethod
    def _rss_kb(pid: int) -> int:
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
        except OSError:
            pass
        return 0

    def run(self):
        while not self.stop:
            from tests.jobs.test_scorecard_jobs import children
            for root in self.roots:
                self.peak_worker = max(self.peak_worker, self._rss_kb(root))
                for child in children(root):
                    self.peak_horse = max(self.peak_horse, self._rss_kb(child))
            time.sleep(0.1)


def whole_period(app, fresh, facts) -> None:
    from sqlalchemy import func, select

    from tenant_app.extensions import db
    from tenant_app.jobs.scorecards import start_evaluation
    from tenant_app.models import Evaluation, JobRecord, Scorecard
    from tenant_app.services.scorecards import open_evaluation
    from tenant_app.tenancy import use_network

    redis_url = os.environ.get("REDIS_URL")
    workers, watch = [], None
    if redis_url:
        from redis import Redis
        from rq import Queue
        Queue("reports", connection=Redis.from_url(redis_url)).empty()
        env = dict(os.environ, FLASK_APP="wsgi", DATABASE_URL=fresh.app_url, REDIS_URL=redis_url)
        workers = [subprocess.Popen([sys.executable, "-m", "flask", "rq", "worker", "reports"], env=env,
                                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL) for _ in range(WORKERS)]
        time.sleep(3)
        watch = MemoryWatch([w.pid for w in workers])
        watch.start()
        app.config.update(JOBS_INLINE=False, REDIS_URL=redis_url)
    report("period_workers", len(workers) or 0, "(0 = inline)")
    try:
        with app.app_context():
            use_network(db.session, facts.network_id)
            start = time.perf_counter()
            evaluation, _ = open_evaluation(facts.network_id, PERIOD)
            db.session.commit()
            record = start_evaluation(evaluation, None)
            evaluation_id, record_id = evaluation.id, record.id
            while True:
                db.session.expire_all()
                ev = db.session.get(Evaluation, evaluation_id)
                job = db.session.get(JobRecord, record_id)
                left = db.session.scalar(select(func.count(Scorecard.id)).where(
                    Scorecard.evaluation_id == evaluation_id, Scorecard.pdf_revision != Scorecard.revision))
                if job.status == "failed":
                    raise SystemExit(f"evaluation failed: {job.error}")
                if job.status == "done" and left == 0 and ev.ranking_pdf_revision == ev.ranking_revision:
                    break
                if time.perf_counter() - start > 1800:
                    raise SystemExit("period: gave up after 30 minutes")
                time.sleep(0.2)
            total = time.perf_counter() - start
            cards = db.session.scalar(select(func.count(Scorecard.id)).where(Scorecard.evaluation_id == evaluation_id))
            compute = (job.finished_at - job.started_at).total_seconds()
            report("period_dealers", cards, "scorecards")
            report("period_customers", facts.customers, "customers")
            report("period_compute_s", compute, "s")
            report("period_evaluate_to_last_pdf_s", total, "s")
            report("period_pdfs_per_s", cards / max(total - compute, 1e-6), "PDFs/s")
            db.session.remove()
    finally:
        for w in workers:
            w.terminate()
        for w in workers:
            w.wait(timeout=60)
        if watch:
            watch.stop = True
            report("period_worker_peak_rss_mb", watch.peak_worker / 1024, "MB")
            report("period_horse_peak_rss_mb", watch.peak_horse / 1024, "MB")


def main() -> int:
    app = None
    with fresh_database("bench_scorecards") as fresh:
        try:
            app = migrated_app(fresh)
            from tenant_app.extensions import db
            from tenant_app.services.audit import set_actor
            from tenant_app.demo import seed
            with app.app_context():
                set_actor(db.session, label="bench")
                for line in seed(customers=400):
                    note(line)
                db.session.remove()
            one_scorecard(app)
            facts = generate(app, fresh)
            whole_period(app, fresh, facts)
        finally:
            dispose(app)
    return 0


if __name__ == "__main__":
    sys.exit(main())
