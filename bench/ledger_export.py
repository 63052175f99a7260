"""A 50,000-row ledger sheet written the way the exports write it (append_text_row, the deck's
23 columns, a formula-looking cell in every row): time to fill, time to save, peak RSS."""
from __future__ import annotations

import io
import os
import time
import resource

from openpyxl import Workbook

from tenant_app.services.ledger_excel import append_text_row

from .timing import report

ROWS = int(os.environ.get("BENCH_EXPORT_ROWS", "50000"))


def main() -> None:
    wb = Workbook()
    ws = wb.active
    started = time.perf_counter()
    for n in range(1, ROWS + 1):
        append_text_row(ws, [n, "广西柳州", f"柳州市客户{n:05d}物流有限公司", "长途", "私有", "张伟", "138 1234 5678",
                             "乘龙", "H7", 3, "豪沃", "T7H", 2, None, None, None, "3年", None, "一般客户",
                             "=备注看起来像公式", "城市运输", "朋友介绍", "业务经理 莫丽萍"])
    filled = time.perf_counter()
    wb.save(io.BytesIO())
    saved = time.perf_counter()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # the process's peak RSS (Linux: KiB)
    report("ledger_export_rows", ROWS)
    report("ledger_export_fill_s", filled - started, "s")
    report("ledger_export_save_s", saved - filled, "s")
    report("ledger_export_total_s", saved - started, "s")
    report("ledger_export_peak_rss_mb", peak / 2**20, "MB")


if __name__ == "__main__":
    main()
