"""A 50,000-row ledger imported from Excel: read_ledger() (stream, checks, duplicates),
then import_rows() + commit into an empty dealer; time and peak memory. Then next month's
export of the same dealer: 50,000 rows of which 40,000 are customers already in the ledger
(each with a change: a new contact, and for half of them a fleet line) and 10,000 are new,
re-imported as updates; its time and memory beside the first import's. Run from the
project root:

    .venv/bin/python -m bench.ledger_import                                                         # SQLite
    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/postgres .venv/bin/python -m bench.ledger_import  # PostgreSQL

stdout: one figure a line, ``name: value unit``; progress on stderr. Figures only, never
assertions (the targets: a first import under 60 s and under 500 MB peak; the re-import
within 1.5× of the first import). See bench/README.md.
"""
from __future__ import annotations

import os
import random
import resource
import sys
import tracemalloc
from datetime import date

from bench import fresh as fresh_mod  # noqa: F401  (first: INSTANCE_PATH, SECRET_KEY)
from bench.fresh import dispose, fresh_database, migrated_app
from bench.gen import CITIES, SURNAMES, GIVEN, NameSpace, PASSWORD, RIVAL_MODELS, OWN_MODELS
from bench.timing import note, report, time_ms

ROWS = int(os.environ.get("BENCH_IMPORT_ROWS", "50000"))
MATCHED = int(os.environ.get("BENCH_REIMPORT_MATCHED", str(ROWS * 4 // 5)))  # rows of the re-import already in the ledger

# The deck's layout, exactly as tests/web/test_ledger_excel.py's deck_file() writes it.
GROUP_ROW = ["序号", "区域", "客户信息", None, None, None, None, "目前使用车型信息"] + [None] * 8 + \
            ["客户购车情况", None, "客户级别", "备注"]
NAME_ROW = [None, None, "客户单位(个人)名称", "运输类型", "客户性质", "主要负责人", "联系电话"] + \
           ["品牌", "车型", "数量"] * 3 + ["已购买柳汽产品(使用柳汽时间)", "未购买过柳汽产品(使用车辆时间)", None, None]
MERGES = (("A1", "A2"), ("B1", "B2"), ("C1", "G1"), ("H1", "P1"), ("Q1", "R1"), ("S1", "S2"), ("T1", "T2"))

TRANSPORT = ["长途", "中短途", "土石方运输", "水泥搅拌"]
NATURE = ["私有", "私有", "私有", "股份", "国有", "合资(独资)"]
OWN_TEXTS = ["乘龙", "柳汽", "霸龙", "东风柳汽"]
RIVAL_TEXTS = {"一汽解放": ["解放", "一汽解放"], "中国重汽": ["豪沃", "重汽", "汕德卡"], "陕汽": ["德龙", "陕汽"],
               "东风商用车": ["天龙", "东风天龙"], "福田欧曼": ["欧曼"], "上汽红岩": ["红岩"], "北奔": ["北奔"],
               "华菱": ["汉马", "华菱"], "大运": ["大运"], "江淮格尔发": ["格尔发"], "徐工": ["徐工", "汉风"], "三一": ["三一重卡"]}


def mb(kib: int) -> float:
    return kib / 1024.0  # ru_maxrss is in KiB on Linux


def peak_rss_kib() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def deck_rows(rows: int, seed: int = 2026, phone_prefix: str = "", name_suffix: str = ""):
    """rows customers' cells in the deck's layout. Names and phones are unique; a region is
    written once and left empty below it while it repeats (a region merged down, as people
    do); full-width digits, phones with spaces or dashes, quantities as 12 or 12台, years as
    6年 or 2018."""
    rnd = random.Random(seed)
    # names: distinct per row, from several cities' name spaces
    per_city = -(-rows // 8)
    names = []
    for province, city, districts in CITIES[:8]:
        space = NameSpace(city, districts)
        for is_ind, i in space.sample(rnd, per_city):
            names.append((province, city, districts, is_ind, space.individual(i)[0] if is_ind else space.company(i)[0]))
    rnd.shuffle(names)
    names.sort(key=lambda n: n[1])  # a ledger is kept by region: rows of a city together
    phones = rnd.sample(range(10 ** 9), rows)  # 9 digits after "13"/"15"/...: unique
    region_prev = None
    this_year = date.today().year
    for n in range(rows):
        province, city, districts, is_ind, name = names[n]
        region = f"{province}{city}{rnd.choice(districts)}" if rnd.random() < 0.3 or region_prev is None else region_prev
        region_cell = None if region == region_prev else region
        region_prev = region
        digits = f"{phone_prefix or '1' + '35789'[n % 5]}{phones[n]:09d}"
        style = rnd.random()
        phone = (digits if style < 0.6 else f"{digits[:3]} {digits[3:7]} {digits[7:]}" if style < 0.8
                 else f"{digits[:3]}-{digits[3:7]}-{digits[7:]}")
        contact = rnd.choice(SURNAMES) + rnd.choice(GIVEN)
        groups, own_years, other_years = [], None, None
        for _ in range(rnd.choices((0, 1, 2, 3), (2, 5, 3, 1))[0]):
            if rnd.random() < 0.35:
                brand, model = rnd.choice(OWN_TEXTS), rnd.choice(OWN_MODELS)
                own_years = own_years or f"{rnd.randint(1, 12)}年"
            else:
                canonical = rnd.choice(list(RIVAL_TEXTS))
                brand, model = rnd.choice(RIVAL_TEXTS[canonical]), rnd.choice(RIVAL_MODELS[canonical])
                other_years = other_years or (str(rnd.randint(this_year - 12, this_year)) if rnd.random() < 0.5
                                              else f"{rnd.randint(1, 12)}年")
            qty = 1 if is_ind else rnd.choice((1, 2, 3, 5, 8, 12, 20, 35))
            groups.append((brand, model, qty if rnd.random() < 0.8 else f"{qty}台"))
        groups += [(None, None, None)] * (3 - len(groups))
        cells = [n + 1, region_cell, name + name_suffix, rnd.choice(TRANSPORT), "个体" if is_ind else rnd.choice(NATURE),
                 contact, phone]
        for g in groups:
            cells += list(g)
        klass = "行业性大客户" if (not is_ind and rnd.random() < 0.02) else None
        cells += [own_years, other_years if not own_years else None, klass, "老客户" if rnd.random() < 0.05 else None]
        yield cells


def write_deck(path: str, rows, seed: int = 2026) -> None:
    """The deck's two header rows, then rows (a count, for deck_rows(), or the cells), written
    with openpyxl write_only (streamed to disk)."""
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("客户信息管理台帐")
    for a, b in MERGES:
        ws.merged_cells.add(f"{a}:{b}")
    ws.append(GROUP_ROW)
    ws.append(NAME_ROW)
    for cells in (deck_rows(rows, seed) if isinstance(rows, int) else rows):
        ws.append(cells)
    wb.save(path)


def next_month(rows: int, matched: int, seed: int = 2026):
    """The same dealer's export a month on: the first `matched` customers of deck_rows(rows, seed)
    again, each with a new contact, half of them with a fleet line changed (one more truck),
    a tenth with the phone written +86 …; then rows - matched customers that are new."""
    rnd = random.Random(seed + 1)
    for n, cells in enumerate(deck_rows(rows, seed)):
        if n >= matched:
            break
        cells = list(cells)
        cells[5] = rnd.choice(SURNAMES) + rnd.choice(GIVEN) + "经理"
        if n % 2 == 0:
            if cells[9] is not None:
                qty = int(str(cells[9]).rstrip("台"))
                cells[9] = qty + 1
            else:
                cells[7:10] = [rnd.choice(OWN_TEXTS), rnd.choice(OWN_MODELS), 1]
        if n % 10 == 3:
            cells[6] = "+86 " + str(cells[6])
        yield cells
    for n, cells in enumerate(deck_rows(rows - matched, seed + 7, phone_prefix="16", name_suffix="（新）")):
        cells[0] = matched + n + 1
        yield cells


def empty_dealer(app, code: str):
    """A network (through services.networks) on first call, and an empty dealer in it."""
    from sqlalchemy import select

    from tenant_app.extensions import db
    from tenant_app.models import Network
    from tenant_app.services.audit import set_actor
    from tenant_app.services.networks import create_network
    from tenant_app.services.orgs import create_org
    from tenant_app.tenancy import use_network

    with app.app_context():
        set_actor(db.session, label="bench")
        network_id = db.session.scalar(select(Network.id).where(Network.code == "bench"))
        if network_id is None:
            network, _, _ = create_network(code="bench", name="基准测试联合组织", maker_name="东风柳州汽车有限公司",
                                           admin_password=PASSWORD, province="广西", city="柳州")
            network_id = network.id
        use_network(db.session, network_id)
        org = create_org(network_id=network_id, kind="dealer", code=code, name=f"导入测试经销商{code}",
                         province="广西", city="柳州")
        db.session.commit()
        org_id = org.id
        db.session.remove()
    return network_id, org_id


def timed_import(app, network_id: int, org_id: int, path: str):
    """check_upload + read_ledger (timed), then import_rows + commit (timed), as the web
    import's confirm step does. Returns (read ms, write ms, row counts by status, written)."""
    from tenant_app.extensions import db
    from tenant_app.models import Organisation
    from tenant_app.services.ledger_excel import check_upload, import_rows, read_ledger
    from tenant_app.tenancy import use_network

    with app.app_context():
        use_network(db.session, network_id)
        org = db.session.get(Organisation, org_id)
        check_upload(path, os.path.getsize(path))
        read_ms, rep = time_ms(lambda: read_ledger(path, org, progress=lambda n: n % 10000 or note(f"  read {n:,}")))
        if rep.problems:
            for p in rep.problems[:20]:
                note(f"  problem: row {p.row} {p.column}: {p.message}")
            raise SystemExit(f"{len(rep.problems)} problems in the generated file {path}")
        counts = {s: rep.count(s) for s in ("new", "updated", "unchanged")}
        note(f"read {len(rep.rows):,} rows ({rep.layout}) in {read_ms / 1000:.1f} s: {counts}")

        def write():
            n = import_rows(org, rep)
            db.session.commit()
            return n
        write_ms, written = time_ms(write)
        db.session.remove()
    return read_ms, write_ms, counts, written


def main() -> int:
    from tenant_app.extensions import db

    app = None
    with fresh_database("bench_import") as fresh:
        try:
            app = migrated_app(fresh)
            network_id, org_id = empty_dealer(app, "IMP-001")
            path = os.path.join(fresh.tmp, "ledger.xlsx")
            elapsed, _ = time_ms(lambda: write_deck(path, ROWS))
            note(f"wrote {ROWS:,} rows to {path} ({os.path.getsize(path) / 1e6:.1f} MB) in {elapsed / 1000:.1f} s")
            report("import_file_mb", os.path.getsize(path) / 1e6, "MB")
            report("import_gen_seconds", elapsed / 1000.0, "s")
            report("import_rss_baseline_mb", mb(peak_rss_kib()), "MB")  # peak so far: app + generator

            from tenant_app.models import Organisation
            from tenant_app.services.ledger_excel import import_rows, read_ledger
            from tenant_app.tenancy import use_network

            read_ms, write_ms, _, imported = timed_import(app, network_id, org_id, path)
            report("import_rows", imported, "rows")
            report("import_read_seconds", read_ms / 1000.0, "s")
            report("import_write_seconds", write_ms / 1000.0, "s")
            report("import_total_seconds", (read_ms + write_ms) / 1000.0, "s")
            report("import_peak_rss_mb", mb(peak_rss_kib()), "MB")
            first_total = (read_ms + write_ms) / 1000.0

            # next month's export, re-imported: 40,000 updates and 10,000 new customers
            again = os.path.join(fresh.tmp, "ledger-next-month.xlsx")
            elapsed, _ = time_ms(lambda: write_deck(again, next_month(ROWS, MATCHED)))
            note(f"wrote the re-import ({MATCHED:,} known, {ROWS - MATCHED:,} new) in {elapsed / 1000:.1f} s")
            read_ms, write_ms, counts, _ = timed_import(app, network_id, org_id, again)
            report("reimport_rows", ROWS, "rows")
            report("reimport_new", counts["new"], "rows")
            report("reimport_updated", counts["updated"], "rows")
            report("reimport_unchanged", counts["unchanged"], "rows")
            report("reimport_read_seconds", read_ms / 1000.0, "s")
            report("reimport_write_seconds", write_ms / 1000.0, "s")
            report("reimport_total_seconds", (read_ms + write_ms) / 1000.0, "s")
            report("reimport_over_import", (read_ms + write_ms) / 1000.0 / first_total, "x")
            report("reimport_peak_rss_mb", mb(peak_rss_kib()), "MB")

            # tracemalloc slows Python down severalfold, so allocation peaks are measured on a
            # second, untimed run of both steps into a second empty dealer: the first file
            # (read + write), then the re-import (read + write).
            _, org2_id = empty_dealer(app, "IMP-002")
            peaks = {}
            for label, path_ in (("import", path), ("reimport", again)):
                with app.app_context():
                    use_network(db.session, network_id)
                    org2 = db.session.get(Organisation, org2_id)
                    tracemalloc.start()
                    rep_ = read_ledger(path_, org2)
                    import_rows(org2, rep_)
                    db.session.commit()
                    _, peaks[label] = tracemalloc.get_traced_memory()
                    tracemalloc.stop()
                    del rep_
                    db.session.remove()
                note(f"traced {label}: {peaks[label] / 1024 / 1024:.0f} MB")
            report("import_tracemalloc_peak_mb", peaks["import"] / 1024 / 1024, "MB")
            report("reimport_tracemalloc_peak_mb", peaks["reimport"] / 1024 / 1024, "MB")
            report("reimport_memory_over_import", peaks["reimport"] / peaks["import"], "x")
            return 0
        finally:
            dispose(app)


if __name__ == "__main__":
    sys.exit(main())
