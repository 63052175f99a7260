"""The ledger in Excel: the deck's layout (slide 31) out and in, a flat one-row layout in,
the template to fill and the problem workbook to fix.

Import is all or nothing, and only for what a person must fix: a row without a customer
name, a phone that is not a phone, a quantity that is not a whole positive number, a
value longer than its field, duplicates within the file. Each problem names its cell and
the value as written. A value of a controlled column is never a reason to refuse: it is
matched through the network's dictionary (services.vocabulary) or kept as written and
marked 待归类. A row that is already a customer of the ledger updates it (services.
ledger_import has the rule). Files are checked before openpyxl opens them (services.
xlsx_check: size, that it is an .xlsx, what its zip unpacks to, the shared strings, the
declared range) and read as a stream (openpyxl read-only) within a bound of rows and
columns, so a 50,000-row ledger stays within memory and a hostile file is refused.
"""
from __future__ import annotations

import itertools
import os
import re
import unicodedata
import zipfile
from collections import defaultdict
from copy import copy
from dataclasses import asdict
from datetime import date, datetime
from typing import Callable, Iterable

from flask_babel import lazy_gettext as _l
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.cell import WriteOnlyCell
from openpyxl.utils import get_column_letter
from sqlalchemy import select

from .. import vocab
from ..extensions import db
from ..models import Brand, Customer
from ..vocab import N_
from .brands import brand_key, maker_names
from .errors import DomainError
from .ledger import name_key, one_line, phone_digits
from .ledger_import import ImportReport, ParsedRow, Problem, compare, import_rows, staff_of  # noqa: F401
from .phones import NotAPhone, normalise_phone, split_phones
from .vocabulary import VOCABULARIES, VocabularyResolver, code_value, term_key
from .xlsx_check import MAX_COLUMNS, PARSE_ERRORS, UNREADABLE, UploadRejected, check_upload  # noqa: F401

MAX_ROWS = 200_000  # data rows; the sheet's own bounds are in services.xlsx_check
HEAD_ROWS = 8  # where the header is looked for
FLEET_GROUPS = 3
MAX_QUANTITY = 10_000
SAMPLE_NAME = "（示例）鸿运物流有限公司"  # the template's sample row: skipped if left in

# Column names people use → field. Compared after _norm() (width, spaces, brackets).
ALIASES = {
    "seq": ["序号"], "region": ["区域", "地区", "所在地区"],
    "name": ["客户单位(个人)名称", "客户单位名称", "客户名称", "单位名称", "客户", "名称", "客户姓名"],
    "transport_type": ["运输类型", "运输类别"], "nature": ["客户性质", "性质", "企业性质"],
    "contact_name": ["主要负责人", "负责人", "联系人"],
    "phone": ["联系电话", "电话", "手机", "手机号", "手机号码", "联系方式"],
    "phone2": ["备用电话", "电话2", "其他电话"], "address": ["地址", "客户地址"], "industry": ["行业", "所在行业"],
    "use": ["用途", "车辆用途"], "source": ["信息来源", "来源", "客户来源"], "informant": ["信息员"],
    "first_contact_on": ["首次接触日期", "首次接触"], "responsible": ["负责业务经理", "业务经理", "跟进人", "销售顾问"],
    "kind": ["客户类型", "客户类别"], "intent_level": ["意向级别", "意向等级", "意向"],
    "klass": ["客户级别", "级别"], "notes": ["备注"],
    "own_years": ["已购买柳汽产品(使用柳汽时间)", "已购买柳汽产品", "使用柳汽时间"],
    "other_years": ["未购买过柳汽产品(使用车辆时间)", "未购买过柳汽产品", "使用车辆时间"],
    "brand": ["品牌"], "model": ["车型"], "quantity": ["数量", "台数"],
}
COLUMN_LABELS = {f: names[0] for f, names in ALIASES.items()}
# The columns' sizes (models/customers.py): a longer cell is refused, never cut.
TEXT_LIMITS = {"name": 120, "region": 60, "contact_name": 60, "address": 200, "industry": 60, "informant": 60,
               "notes": 2000}
ONE_LINE_FIELDS = ("name", "region", "contact_name", "address", "industry", "informant")

# What refuses the file, and what is imported but shown (grouped by kind, with counts).
REFUSALS = {"name": N_("客户名称为空"), "phone": N_("电话不是电话号码"), "quantity": N_("数量不是正整数"),
            "fleet": N_("车型信息不完整"), "too_long": N_("内容超过长度"), "duplicate": N_("文件中重复的客户"),
            "conflict": N_("电话和名称分属台帐中两位客户"), "file": N_("文件问题")}
NOTICES = {"date": N_("日期无法识别，未导入该日期"), "years": N_("年数无法识别，未导入该年数"),
           "responsible": N_("负责人不是本机构的用户，未指定负责人"), "sample": N_("模板中的示例行，已跳过")}


def _norm(text) -> str:
    s = unicodedata.normalize("NFKC", str(text or "")).strip()
    return re.sub(r"\s+", "", s).replace("（", "(").replace("）", ")")


_LOOKUP = {_norm(a): f for f, names in ALIASES.items() for a in names}


def field_of(header: str) -> tuple[str | None, int | None]:
    """('brand', 2) for 品牌2 / 品牌 (2); (field, None) for single columns."""
    h = _norm(header)
    if h in _LOOKUP:
        return _LOOKUP[h], None
    m = re.fullmatch(r"(品牌|车型|数量|台数)[(]?(\d{1,2})[)]?", h)
    if m:
        return _LOOKUP[m.group(1)], int(m.group(2))
    # the deck names the maker: 已购买柳汽产品(使用柳汽时间); another network's maker likewise
    if re.fullmatch(r"已购买.+产品.*", h):
        return "own_years", None
    if re.fullmatch(r"未购买过?.+产品.*", h):
        return "other_years", None
    return None, None


def recognised_columns(maker: str = "") -> list[tuple[str, list[str]]]:
    """(column as the template writes it, the other names recognised), for the import page."""
    out = []
    for f, names in ALIASES.items():
        if f in ("seq",):
            continue
        shown = [n.replace("柳汽", maker) if maker else n for n in names]
        out.append((shown[0], shown[1:]))
    return out


# --- reading ---------------------------------------------------------------------------
def _columns(header_rows: list[tuple]) -> dict[int, tuple[str, int | None]]:
    """Column index → (field, fleet group). Two header rows: the second names the column,
    the first only groups (merged cells read as empty), except where it names one itself."""
    top = header_rows[0]
    sub = header_rows[1] if len(header_rows) > 1 else ()
    columns, group_seen = {}, {"brand": 0, "model": 0, "quantity": 0}
    for i in range(max(len(top), len(sub))):
        text = sub[i] if i < len(sub) and sub[i] not in (None, "") else (top[i] if i < len(top) else None)
        f, n = field_of(text) if text not in (None, "") else (None, None)
        if f in group_seen:
            if n is None:
                group_seen[f] += 1
                n = group_seen[f]
        if f and (f, n) not in columns.values():  # the first of two columns with one name counts
            columns[i] = (f, n)
    return columns


def _as_written(header_rows: list[tuple], columns: dict[int, tuple[str, int | None]]) -> dict[str, str]:
    """The columns that name the maker (已购买柳汽产品 ...), labelled as this file writes them:
    each network's deck names its own maker."""
    top = header_rows[0]
    sub = header_rows[1] if len(header_rows) > 1 else ()
    written = {}
    for i, (f, _) in columns.items():
        if f in ("own_years", "other_years"):
            text = sub[i] if i < len(sub) and sub[i] not in (None, "") else top[i]
            written[f] = _text(text)
    return written


def _find_header(rows: list[tuple]) -> tuple[int, int] | None:
    """(first header row, header depth) among the first rows: the deck has its groups
    (客户信息 ...) in a row above the column names; a flat sheet has one header row."""
    for i, row in enumerate(rows):
        if "name" in {field_of(c)[0] for c in row if c not in (None, "")}:
            if i > 0 and "客户信息" in {_norm(c) for c in rows[i - 1] if c not in (None, "")}:
                return i - 1, 2
            return i, 1
    return None


def _text(value) -> str:
    """Text as written (names keep their full-width brackets), without stray spaces."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _num(value) -> str:
    """Text for numbers and dates: full-width digits become ASCII."""
    return unicodedata.normalize("NFKC", _text(value))


def _quantity(value) -> tuple[int | None, str | None]:
    """(quantity, None), or (None, why not) for a cell that is not a whole positive number."""
    text = _num(value).replace(",", "")
    m = re.fullmatch(r"([-−]?)\s*(\d+)\s*(台|辆)?", text)
    if not m:
        return None, str(_l("数量“%(v)s”不是整数。", v=_text(value)))
    n = int(m.group(2)) * (-1 if m.group(1) else 1)
    if n <= 0:
        return None, str(_l("数量 %(v)s 必须为正数。", v=n))
    if n > MAX_QUANTITY:
        return None, str(_l("数量 %(v)s 超过 %(max)s。", v=n, max=MAX_QUANTITY))
    return n, None


def _years_to_since(value, today: date) -> int | None | str:
    """'5年', '5', '2016', '2016年' → the year; '' → None; anything else → 'bad'."""
    text = _num(value)
    if not text:
        return None
    m = re.fullmatch(r"(\d{1,4})\s*(年|年以上)?", text)
    if not m:
        return "bad"
    n = int(m.group(1))
    if 1950 <= n <= today.year:
        return n
    if n <= 60:
        return today.year - n
    return "bad"


def _date(value) -> date | None | str:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = _num(value)
    if not text:
        return None
    m = re.fullmatch(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?", text)
    try:
        return date(int(m.group(1)), int(m.group(2)), int(m.group(3))) if m else "bad"
    except ValueError:
        return "bad"


def read_ledger(path: str, org, progress: Callable[[int], None] | None = None,
                mappings: dict | None = None) -> ImportReport:
    """Parse and check a file against org's ledger; writes nothing. mappings: unknown values
    mapped for this read only, {(field, key): (target field, code)} (a dry run's --map)."""
    report = ImportReport()
    check_upload(path, os.path.getsize(path))  # again: the file may not have come through the page
    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except PARSE_ERRORS as exc:
        raise UploadRejected(UNREADABLE) from exc
    try:
        ws = wb.worksheets[0]
        rows = _bounded(ws.iter_rows(values_only=True))
        head = []
        for row in rows:
            head.append(row)
            if len(head) >= HEAD_ROWS:
                break
        found = _find_header(head)
        if found is None:
            report.add(1, "", _l("找不到表头：需要“客户单位(个人)名称”或“客户名称”列。"), "file")
            return report
        start, depth = found
        header = head[start:start + depth]
        columns = _columns(header)
        report.layout = "deck" if depth == 2 else "flat"
        report.header_rows = start + depth
        report.columns = max((i + 1 for r in header for i, c in enumerate(r) if c not in (None, "")), default=0)
        first_data = start + depth
        Reader(report, org, columns, _as_written(header, columns), mappings).read(
            first_data + 1, _chain(head[first_data:], rows), progress)
    finally:
        wb.close()
    return report


def _bounded(rows: Iterable) -> Iterable:
    """The sheet's rows as openpyxl parses them, refused past MAX_COLUMNS cells (a row is as
    wide as its last cell, or as the declared range, already checked); a parse error
    (openpyxl reads as it goes) is the file's, told in words for people."""
    rows = iter(rows)
    for n in itertools.count(1):
        try:
            row = next(rows)
        except StopIteration:
            return
        except PARSE_ERRORS as exc:
            raise UploadRejected(UNREADABLE) from exc
        if len(row) > MAX_COLUMNS:
            raise UploadRejected(N_("第 %(row)s 行超过 %(cols)s 列的上限，已拒绝。请删除右侧多余的列后另存。"),
                                 row=n, cols=MAX_COLUMNS)
        yield row


def _chain(first: list, rest: Iterable) -> Iterable:
    yield from first
    yield from rest


class Reader:
    """One pass over the rows: each checked, resolved and matched against the ledger."""

    def __init__(self, report: ImportReport, org, columns, written=None, mappings=None):
        self.report, self.org, self.columns = report, org, columns
        self.labels = {**COLUMN_LABELS, **(written or {})}
        self.present = {f for f, g in columns.values() if g is None}
        self.index = {(f, g): i for i, (f, g) in columns.items()}
        self.today = date.today()
        self.makers = maker_names()
        self.words = VocabularyResolver(makers=self.makers, extra=mappings)
        self.own_keys = _known_brand_keys()
        self.staff = staff_of(org.id)
        self.by_name, self.by_phone = _existing_keys(org.id)
        self.seen_names, self.seen_phones, self.seen_matches = {}, {}, {}

    def cell(self, row_no: int, f: str, group: int | None = None) -> str:
        i = self.index.get((f, group))
        return f"{get_column_letter(i + 1)}{row_no}" if i is not None else ""

    def problem(self, row_no, f, message, kind, value="", group=None, column=None):
        label = column or (f"{self.labels.get(f, f)}{group or ''}" if f else "")
        self.report.add(row_no, label, message, kind, self.cell(row_no, f, group) if f else "", value)

    def notice(self, row_no, f, message, kind, value=""):
        self.report.notice(row_no, self.labels.get(f, f), message, kind, self.cell(row_no, f), value)

    def read(self, first_row_no: int, rows: Iterable, progress) -> None:
        region = ""
        for offset, row in enumerate(rows):
            row_no = first_row_no + offset
            if progress and offset % 1000 == 0:
                progress(offset)
            if offset >= MAX_ROWS:  # the whole file is refused: its problem workbook would be as large
                raise UploadRejected(N_("行数超过 %(n)s 行，请分批导入。"), n=MAX_ROWS)
            if all(_text(v) == "" for v in row or ()):
                continue  # blank rows are tolerated
            values, fleet_cells = {}, defaultdict(dict)
            for i, (f, group) in self.columns.items():
                v = row[i] if i < len(row) else None
                if group is not None:
                    fleet_cells[group][f] = v
                else:
                    values[f] = v
            # A region merged down over several rows reads as empty below its first row.
            region = one_line(values.get("region")) or region
            parsed = self.row(row_no, values, fleet_cells, region)
            if parsed is not None:
                self.report.rows.append(parsed)
        if not self.report.rows and not self.report.problems:
            self.report.add(first_row_no, "", _l("文件中没有客户数据。"), "file")
        if not self.report.problems:
            compare(self.report, self.org, self.own_keys)

    def row(self, row_no, values, fleet_cells, region) -> ParsedRow | None:
        data, pending = {}, {}
        for f in ONE_LINE_FIELDS:
            if f in values and one_line(values[f]):
                data[f] = one_line(values[f])
        if _text(values.get("notes")):
            data["notes"] = _text(values["notes"])
        if region:
            data["region"] = region
        for f, limit in TEXT_LIMITS.items():
            if len(data.get(f, "")) > limit:
                self.problem(row_no, f, _l("%(col)s最多 %(n)s 个字，这里有 %(m)s 个。", col=self.labels[f], n=limit,
                                           m=len(data[f])), "too_long", data[f][:30] + "…")
        name = data.get("name", "")
        if not name:
            self.problem(row_no, "name", _l("客户名称为空。"), "name")
        if name == SAMPLE_NAME:
            self.notice(row_no, "name", _l("这是模板中的示例行，已跳过。"), "sample", name)
            return None
        self.phones(row_no, values, data)
        self.controlled(row_no, values, data, pending)
        klass = one_line(values.get("klass"))
        if klass:
            data["industry_major"] = term_key(klass) in {term_key(vocab.CLASSES["industry_major"]), "行业大客户"}
        when = _date(values.get("first_contact_on"))
        if when == "bad":
            self.notice(row_no, "first_contact_on", _l("日期“%(v)s”无法识别（如 2026-03-18），未导入。",
                                                       v=_text(values.get("first_contact_on"))), "date",
                        _text(values.get("first_contact_on")))
        elif when is not None:
            data["first_contact_on"] = when
        who = one_line(values.get("responsible"))
        if who:
            if who in self.staff:
                data["responsible_id"] = self.staff[who][0]
            else:
                self.notice(row_no, "responsible", _l("“%(v)s”不是本机构的用户，负责人留空。", v=who), "responsible", who)
        fleet = self.fleet(row_no, values, fleet_cells)
        parsed = ParsedRow(row_no, data, fleet, has_fleet=bool(fleet), pending=pending)
        self.match(row_no, parsed)
        return parsed

    def phones(self, row_no, values, data) -> None:
        given = {}
        for f in ("phone", "phone2"):
            raw = one_line(values.get(f))
            if not raw:
                continue
            parts = split_phones(raw)
            out = []
            for part in parts:
                try:
                    out.append(normalise_phone(part))
                except NotAPhone as e:
                    self.problem(row_no, f, str(e), "phone", raw)
                    out = None
                    break
            if out is None:
                continue
            if len(out) > (2 if f == "phone" else 1):
                self.problem(row_no, f, _l("“%(v)s”中的电话太多：每格最多两个（第二个作为备用电话）。", v=raw), "phone", raw)
                continue
            given[f] = out
        phone = given.get("phone", [])
        if len(phone) == 2:
            if "phone2" in given:
                self.problem(row_no, "phone", _l("联系电话中有两个号码，备用电话也已填写：请只留一个。"), "phone",
                             one_line(values.get("phone")))
            else:
                given["phone2"] = [phone[1]]
        if phone:
            data["phone"] = phone[0]
        if given.get("phone2"):
            data["phone2"] = given["phone2"][0]

    def controlled(self, row_no, values, data, pending) -> None:
        """Each controlled column through the dictionary; unknown values wait as written."""
        elsewhere = {}
        for f in VOCABULARIES:
            text = one_line(values.get(f))
            if not text:
                continue
            found = self.words.resolve(f, text)
            if found is None:
                if len(text) > 60:
                    self.problem(row_no, f, _l("%(col)s最多 %(n)s 个字，这里有 %(m)s 个。", col=self.labels[f], n=60,
                                               m=len(text)), "too_long", text[:30] + "…")
                    continue
                self.wait(f, text, pending)
            elif found[0] == f:
                data[f] = code_value(f, found[1])
            else:
                elsewhere[found[0]] = (found[1], f, text)
        for target, (code, column, text) in elsewhere.items():
            if target not in data and target not in pending:
                data[target] = code_value(target, code)  # a use written under 运输类型, or the other way round
            elif data.get(target) != code_value(target, code):
                self.wait(column, text, pending)

    def wait(self, f, text, pending) -> None:
        pending[f] = text
        entry = self.report.pending.setdefault((f, term_key(text)), {"field": f, "text": text, "rows": 0})
        entry["rows"] += 1

    def fleet(self, row_no, values, fleet_cells) -> list[dict]:
        own_since = _years_to_since(values.get("own_years"), self.today)
        other_since = _years_to_since(values.get("other_years"), self.today)
        for f, v in (("own_years", own_since), ("other_years", other_since)):
            if v == "bad":
                written = _text(values.get(f))
                self.notice(row_no, f, _l("“%(v)s”不是年数或年份，未导入。", v=written), "years", written)
        fleet = []
        for group in sorted(fleet_cells):
            cells = fleet_cells[group]
            brand, model = one_line(cells.get("brand")), one_line(cells.get("model"))
            qty_text = _text(cells.get("quantity"))
            if not brand and not model and not qty_text:
                continue
            if not brand:
                self.problem(row_no, "brand", _l("填写了车型或数量，但品牌为空。"), "fleet", group=group)
                continue
            if not qty_text:
                self.problem(row_no, "quantity", _l("品牌“%(b)s”的数量为空。", b=brand), "quantity", group=group)
                continue
            qty, why = _quantity(cells.get("quantity"))
            if why:
                self.problem(row_no, "quantity", why, "quantity", qty_text, group=group)
                continue
            if len(brand) > 40 or len(model) > 60:
                f, n, text = ("brand", 40, brand) if len(brand) > 40 else ("model", 60, model)
                self.problem(row_no, f, _l("%(col)s最多 %(n)s 个字，这里有 %(m)s 个。", col=COLUMN_LABELS[f], n=n,
                                           m=len(text)), "too_long", text[:30] + "…", group=group)
                continue
            is_own = self.own_keys.get(brand_key(brand), False)
            since = own_since if is_own else other_since
            fleet.append({"brand": brand, "model": model, "quantity": qty, "heavy": True,
                          "since": since if isinstance(since, int) else None})
        return fleet

    def match(self, row_no, parsed: ParsedRow) -> None:
        """The ledger's customer this row is (same phone, else same name); duplicates within the file."""
        name, phone = parsed.data.get("name", ""), parsed.data.get("phone", "")
        key, digits = name_key(name), phone_digits(phone)
        by_phone = self.by_phone.get(digits) if digits else None
        by_name = self.by_name.get(key) if name else None
        if by_phone and by_name and by_phone != by_name:
            self.problem(row_no, "phone", _l("电话是台帐中“%(a)s”的，名称却是另一位客户“%(b)s”的：请核对。",
                                             a=_name_of(by_phone), b=_name_of(by_name)), "conflict", phone)
            return
        parsed.match_id = by_phone or by_name
        if name and key in self.seen_names:
            self.problem(row_no, "name", _l("与第 %(r)s 行客户同名。", r=self.seen_names[key]), "duplicate", name)
        elif digits and digits in self.seen_phones:
            self.problem(row_no, "phone", _l("与第 %(r)s 行客户电话相同。", r=self.seen_phones[digits]), "duplicate",
                         phone)
        elif parsed.match_id and parsed.match_id in self.seen_matches:
            self.problem(row_no, "name", _l("与第 %(r)s 行是台帐中的同一位客户（%(n)s）。", r=self.seen_matches[
                parsed.match_id], n=_name_of(parsed.match_id)), "duplicate", name)
        if name:
            self.seen_names.setdefault(key, row_no)
        if digits:
            self.seen_phones.setdefault(digits, row_no)
        if parsed.match_id:
            self.seen_matches.setdefault(parsed.match_id, row_no)


def _known_brand_keys() -> dict[str, bool]:
    keys = {}
    for brand in db.session.scalars(select(Brand)):
        for n in [brand.name, *(brand.aliases or [])]:
            keys[brand_key(n)] = brand.is_own
    return keys


def _existing_keys(org_id: int) -> tuple[dict, dict]:
    """The ledger's customers by name key and by phone (a re-import holds tens of thousands)."""
    names, phones = {}, {}
    for cid, key, digits in db.session.execute(
            select(Customer.id, Customer.name_key, Customer.phone_key).where(Customer.org_id == org_id)):
        names[key] = cid
        if digits:
            phones.setdefault(digits, cid)
    return names, phones


def _name_of(customer_id: int) -> str:
    """A ledger customer's name, for a message (rare: read when needed, not held for every row)."""
    return db.session.scalar(select(Customer.name).where(Customer.id == customer_id)) or ""


def grouped(problems: list[Problem], kinds: dict, first: int = 5) -> list[dict]:
    """Problems by kind (in kinds' order), each with its count and its first rows."""
    by_kind = defaultdict(list)
    for p in problems:
        by_kind[p.kind].append(p)
    order = list(kinds) + sorted(k for k in by_kind if k not in kinds)
    return [{"kind": k, "label": kinds.get(k, k), "count": len(by_kind[k]),
             "first": [asdict(p) for p in by_kind[k][:first]]} for k in order if by_kind[k]]


# --- writing Excel ---------------------------------------------------------------------
def append_text_row(ws, values) -> None:
    """Append a row in which text stays text: openpyxl would store "=..." as a formula,
    which Excel runs when the file is opened (spreadsheet injection)."""
    row = ws._current_row + 1  # openpyxl's own row counter: ws.max_row scans every cell (quadratic)
    ws.append(values)
    for column in range(1, len(values) + 1):
        cell = ws.cell(row=row, column=column)
        if cell.data_type == "f":
            cell.data_type = "s"


# The deck's layout, and after it the columns the deck lacks but a ledger may keep.
EXTRA = [("use", "用途"), ("source", "信息来源"), ("responsible", "负责业务经理")]


def _deck_sheet(wb, own_brand: str, groups: int = FLEET_GROUPS):
    """The two header rows with merged group cells; returns the sheet."""
    ws = wb.active
    ws.title = "客户信息管理台帐"
    thin = Side(style="thin", color="999999")
    head_style = dict(font=Font(bold=True), alignment=Alignment(horizontal="center", vertical="center", wrap_text=True),
                      fill=PatternFill("solid", fgColor="DDEBF7"), border=Border(thin, thin, thin, thin))
    layout = [("区域", 1), ("客户信息", 5), ("目前使用车型信息", 3 * groups), ("客户购车情况", 2), ("客户级别", 1),
              ("备注", 1), ("补充信息", len(EXTRA))]
    subheaders = (["客户单位(个人)名称", "运输类型", "客户性质", "主要负责人", "联系电话"] + ["品牌", "车型", "数量"] * groups
                  + [f"已购买{own_brand}产品(使用{own_brand}时间)", f"未购买过{own_brand}产品(使用车辆时间)"])
    ws.cell(1, 1, "序号")
    ws.merge_cells(start_row=1, start_column=1, end_row=2, end_column=1)
    col = 2
    for title, width in layout:
        ws.cell(1, col, title)
        if width > 1:
            ws.merge_cells(start_row=1, start_column=col, end_row=1, end_column=col + width - 1)
        elif title in ("区域", "客户级别", "备注"):
            ws.merge_cells(start_row=1, start_column=col, end_row=2, end_column=col)
        col += width
    for i, text in enumerate(subheaders + [None, None] + [label for _, label in EXTRA]):
        if text:
            ws.cell(2, 3 + i, text)
    for row in ws.iter_rows(min_row=1, max_row=2):
        for cell in row:
            for k, v in head_style.items():
                setattr(cell, k, v)
    widths = [6, 14, 28, 10, 10, 10, 15] + [10, 14, 6] * groups + [14, 14, 12, 24, 10, 12, 10]
    for i, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = width
    ws.freeze_panes = "C3"
    return ws


def _written(customer, field: str, maker: str = "") -> str | None:
    """A controlled value as the sheet writes it: its Chinese label, or the text waiting to be classified."""
    code = getattr(customer, field)
    if code not in ("", None):
        return vocab.chinese(VOCABULARIES[field][1], code, maker)
    waiting = next((p.text for p in customer.pending if p.field == field), None)
    return waiting


def _text_cell(ws, value):
    """A write-only cell; text that looks like a formula stays text (spreadsheet injection)."""
    if isinstance(value, str) and value.startswith("="):
        cell = WriteOnlyCell(ws, value)
        cell.data_type = "s"
        return cell
    return value


def _write_only_header(ws, own_brand: str, groups: int) -> None:
    """_deck_sheet's two header rows, merged group cells and widths, for a write-only sheet
    (rows go out as they are appended: memory stays flat however long the ledger)."""
    head = _deck_sheet(Workbook(), own_brand, groups)  # laid out once, copied cell by cell with its style
    for row in head.iter_rows(min_row=1, max_row=2):
        out = []
        for c in row:
            cell = WriteOnlyCell(ws, c.value)
            cell.font, cell.alignment, cell.fill, cell.border = (copy(c.font), copy(c.alignment), copy(c.fill),
                                                                 copy(c.border))
            out.append(cell)
        ws.append(out)
    for merged in head.merged_cells.ranges:
        ws.merged_cells.add(str(merged))
    for letter, dim in head.column_dimensions.items():
        ws.column_dimensions[letter].width = dim.width
    ws.freeze_panes = head.freeze_panes


def fleet_groups(customers: Iterable[Customer]) -> int:
    return max([FLEET_GROUPS] + [len(c.fleet) for c in customers])


def export_ledger(customers: Iterable[Customer], path_or_stream, own_brand: str = "柳汽", groups: int | None = None,
                  progress: Callable[[int], None] | None = None) -> int:
    """The deck's layout: two header rows with merged group cells, brand/model/quantity groups
    (three, or as many as the longest fleet, so a re-import loses no line), then 补充信息.
    Written in openpyxl's write-only mode (rows go to a temporary file as they come); `groups`
    given, the customers are streamed (the export job's way), else read first to count them.
    progress(n) every 1,000 rows. Returns the rows written."""
    if groups is None:
        customers = list(customers)
        groups = fleet_groups(customers)
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("客户信息管理台帐")
    _write_only_header(ws, own_brand, groups)
    this_year = date.today().year
    n = 0
    for n, c in enumerate(customers, start=1):
        cells = [n, c.region, c.name, _written(c, "transport_type"), _written(c, "nature"), c.contact_name, c.phone]
        for i in range(groups):
            e = c.fleet[i] if i < len(c.fleet) else None
            cells += [e.brand_text if e else None, e.model if e else None, e.quantity if e else None]
        cells += [f"{this_year - c.own_since}年" if c.own_since else None,
                  f"{this_year - c.fleet_since}年" if (c.fleet_since and not c.own_since) else None,
                  vocab.CLASSES.get(c.klass, ""), c.notes or None,
                  _written(c, "use"), _written(c, "source", own_brand), c.responsible.name if c.responsible else None]
        ws.append([_text_cell(ws, v) for v in cells])
        if progress and n % 1000 == 0:
            progress(n)
    wb.save(path_or_stream)
    return n


def template_workbook(stream, own_brand: str = "") -> None:
    """The deck's layout with one sample row to copy, and a sheet listing the columns and values."""
    own = own_brand or "柳汽"
    wb = Workbook()
    ws = _deck_sheet(wb, own)
    sample = [1, "广西柳州市柳南区", SAMPLE_NAME, "长途", "私营", "张伟", "138 1234 5678", own, "牵引车", 5,
              "解放", "J6P", 2, None, None, None, "6年", None, None, "示例行，可删除；留在表中也不会导入",
              "城市运输", "朋友介绍", None]
    append_text_row(ws, sample)
    for cell in ws[3]:
        cell.font = Font(italic=True, color="808080")
    help_ws = wb.create_sheet("填写说明")
    help_ws.append(["列名", "也认以下列名", "可填的值（也认常见简称）"])
    values = {f: "、".join(vocab.chinese(v, c, own) for c in v) for f, (_, v) in VOCABULARIES.items()}
    for name, others in recognised_columns(own):
        f = _LOOKUP.get(_norm(name)) or field_of(name)[0]
        help_ws.append([name, "、".join(others), values.get(f, "")])
    for letter, width in (("A", 28), ("B", 40), ("C", 70)):
        help_ws.column_dimensions[letter].width = width
    wb.save(stream)


# --- the problem workbook ------------------------------------------------------------
PROBLEM_FILL = PatternFill("solid", fgColor="FFC7CE")
PROBLEM_FONT = Font(color="9C0006")
FULL_COPY_ROWS = 20_000  # beyond this the copy is streamed: values only, without the file's formatting
FULL_COPY_BYTES = 30 * 1024 * 1024  # and beyond this much sheet XML (~45,000 rows written by openpyxl)


def problem_workbook(src: str, report: ImportReport, dest) -> None:
    """The uploaded file back, problem cells highlighted and a 问题 column at the end with
    each row's problems, to fix in Excel and upload again."""
    by_row = defaultdict(list)
    cells = set()
    for p in report.problems:
        by_row[p.row].append(f"{p.column}：{p.message}" if p.column else p.message)
        if p.cell:
            cells.add(p.cell)
    data_rows = max((r.row for r in report.rows), default=0)
    with zipfile.ZipFile(src) as z:  # the full copy loads every sheet of the file, not only the one read
        sheets = sum(e.file_size for e in z.infolist() if e.filename.startswith("xl/worksheets/"))
    if data_rows <= FULL_COPY_ROWS and sheets <= FULL_COPY_BYTES:
        _full_copy(src, by_row, cells, dest, report)
    else:
        _streamed_copy(src, by_row, cells, dest, report)


def _full_copy(src, by_row, cells, dest, report) -> None:
    wb = load_workbook(src)
    ws = wb.worksheets[0]
    issues = max(ws.max_column, report.columns) + 1
    head = ws.cell(max(report.header_rows, 1), issues, "问题")
    head.font = Font(bold=True, color="9C0006")
    for ref in cells:
        cell = ws[ref]
        if hasattr(cell, "fill") and cell.__class__.__name__ != "MergedCell":
            cell.fill, cell.font = PROBLEM_FILL, PROBLEM_FONT
    for row, messages in by_row.items():
        ws.cell(row, issues, "；".join(messages)).alignment = Alignment(wrap_text=True, vertical="top")
    ws.column_dimensions[get_column_letter(issues)].width = 60
    wb.save(dest)


def _streamed_copy(src, by_row, cells, dest, report) -> None:
    source = load_workbook(src, read_only=True, data_only=False)
    out = Workbook(write_only=True)
    ws_out = out.create_sheet(source.worksheets[0].title)
    issues = report.columns + 1
    marked = defaultdict(set)
    for ref in cells:
        letters = re.match(r"[A-Z]+", ref).group(0)
        marked[int(ref[len(letters):])].add(letters)
    for n, row in enumerate(source.worksheets[0].iter_rows(values_only=True), start=1):
        values = list(row) + [None] * max(0, issues - 1 - len(row))
        line = []
        for i, v in enumerate(values[:max(len(values), issues - 1)]):
            if n in marked and get_column_letter(i + 1) in marked[n]:
                c = WriteOnlyCell(ws_out, value=v)
                c.fill, c.font = PROBLEM_FILL, PROBLEM_FONT
                line.append(c)
            else:
                line.append(v)
        text = "问题" if n == max(report.header_rows, 1) else "；".join(by_row.get(n, [])) or None
        line = line[:issues - 1] + [text]
        ws_out.append(line)
    source.close()
    out.save(dest)
