"""The ledger in Excel: the deck's layout (slide 31) out and in, and a flat one-row layout in.

Import is all or nothing: every problem is reported with its row, column and a plain
reason, and if there is any, nothing is written. Files are checked before they are
parsed (size, that it is an .xlsx, the zip's uncompressed size and file count) and read
as a stream (openpyxl read-only), so a 50,000-row ledger stays within memory.
"""
from __future__ import annotations

import re
import unicodedata
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Callable, Iterable

from flask_babel import lazy_gettext as _l
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from sqlalchemy import insert, select

from .. import vocab
from ..extensions import db
from ..models import Customer, User
from .brands import BrandResolver, brand_key, maker_names
from .errors import DomainError
from .ledger import CUSTOMER_FIELDS, name_key, phone_digits

MAX_UPLOAD_BYTES = 20 * 1024 * 1024
MAX_UNCOMPRESSED_BYTES = 300 * 1024 * 1024
MAX_ZIP_ENTRIES = 2000
MAX_ROWS = 200_000
FLEET_GROUPS = 3

GROUPS = [("区域", 1), ("客户信息", 5), ("目前使用车型信息", 3 * FLEET_GROUPS), ("客户购车情况", 2), ("客户级别", 1), ("备注", 1)]
SUBHEADERS = (["客户单位(个人)名称", "运输类型", "客户性质", "主要负责人", "联系电话"] + ["品牌", "车型", "数量"] * FLEET_GROUPS
              + ["已购买柳汽产品(使用柳汽时间)", "未购买过柳汽产品(使用车辆时间)"])

# Column names people use → field. Compared after _norm() (width, spaces, brackets).
ALIASES = {
    "seq": ["序号"], "region": ["区域", "地区"],
    "name": ["客户单位(个人)名称", "客户单位名称", "客户名称", "单位名称", "客户", "名称"],
    "transport_type": ["运输类型", "运输类别"], "nature": ["客户性质", "性质"],
    "contact_name": ["主要负责人", "负责人", "联系人"], "phone": ["联系电话", "电话", "手机", "手机号"],
    "phone2": ["备用电话", "电话2"], "address": ["地址", "客户地址"], "industry": ["行业", "所在行业"],
    "use": ["用途", "车辆用途"], "source": ["信息来源", "来源"], "informant": ["信息员"],
    "first_contact_on": ["首次接触日期", "首次接触"], "responsible": ["负责业务经理", "业务经理", "跟进人"],
    "kind": ["客户类型"], "klass": ["客户级别", "级别"], "notes": ["备注"],
    "own_years": ["已购买柳汽产品(使用柳汽时间)", "已购买柳汽产品", "使用柳汽时间"],
    "other_years": ["未购买过柳汽产品(使用车辆时间)", "未购买过柳汽产品", "使用车辆时间"],
    "brand": ["品牌"], "model": ["车型"], "quantity": ["数量", "台数"],
}
COLUMN_LABELS = {f: names[0] for f, names in ALIASES.items()}
# The columns' sizes (models/customers.py): a longer cell is a problem of the file, not a database error.
TEXT_LIMITS = {"name": 120, "region": 60, "contact_name": 60, "phone": 40, "phone2": 40, "address": 200,
               "industry": 60, "informant": 60, "notes": 2000}


def _norm(text) -> str:
    s = unicodedata.normalize("NFKC", str(text or "")).strip()
    return re.sub(r"\s+", "", s).replace("（", "(").replace("）", ")")


_LOOKUP = {_norm(a): f for f, names in ALIASES.items() for a in names}


def _field_of(header: str) -> tuple[str | None, int | None]:
    """('brand', 2) for 品牌2 / 品牌 (2); (field, None) for single columns."""
    h = _norm(header)
    if h in _LOOKUP:
        return _LOOKUP[h], None
    m = re.fullmatch(r"(品牌|车型|数量|台数)[(]?(\d)[)]?", h)
    if m:
        return _LOOKUP[m.group(1)], int(m.group(2))
    # the deck names the maker: 已购买柳汽产品(使用柳汽时间); another network's maker likewise
    if re.fullmatch(r"已购买.+产品.*", h):
        return "own_years", None
    if re.fullmatch(r"未购买过?.+产品.*", h):
        return "other_years", None
    return None, None


# --- checking an upload --------------------------------------------------------------
class UploadRejected(DomainError):
    pass


def check_upload(path: str, size: int) -> None:
    """Before any parsing: the size, that it is an .xlsx, and what the zip inside would unpack to."""
    if size > MAX_UPLOAD_BYTES:
        raise UploadRejected(_l("文件超过 %(n)s MB。", n=MAX_UPLOAD_BYTES // 1024 // 1024))
    if not zipfile.is_zipfile(path):
        raise UploadRejected(_l("这不是 .xlsx 文件（请在 Excel 中另存为“Excel 工作簿 (.xlsx)”）。"))
    with zipfile.ZipFile(path) as z:
        entries = z.infolist()
        names = {e.filename for e in entries}
        if "[Content_Types].xml" not in names or "xl/workbook.xml" not in names:
            raise UploadRejected(_l("这不是 .xlsx 文件（请在 Excel 中另存为“Excel 工作簿 (.xlsx)”）。"))
        if len(entries) > MAX_ZIP_ENTRIES:
            raise UploadRejected(_l("文件结构异常（包含的文件过多），已拒绝。"))
        if sum(e.file_size for e in entries) > MAX_UNCOMPRESSED_BYTES:
            raise UploadRejected(_l("文件解压后过大，已拒绝。"))


# --- reading ---------------------------------------------------------------------------
@dataclass
class Problem:
    row: int
    column: str
    message: str


@dataclass
class ParsedRow:
    row: int
    data: dict
    fleet: list[dict]


@dataclass
class ImportReport:
    rows: list[ParsedRow] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    layout: str = ""
    imported: int = 0

    @property
    def ok(self) -> bool:
        return not self.problems and bool(self.rows)

    def add(self, row: int, column: str, message) -> None:
        self.problems.append(Problem(row, column, str(message)))


def _columns(header_rows: list[tuple]) -> dict[int, tuple[str, int | None]]:
    """Column index → (field, fleet group). Two header rows: the second names the column,
    the first only groups (merged cells read as empty), except where it names one itself."""
    top = header_rows[0]
    sub = header_rows[1] if len(header_rows) > 1 else ()
    columns, group_seen = {}, {"brand": 0, "model": 0, "quantity": 0}
    for i in range(max(len(top), len(sub))):
        text = sub[i] if i < len(sub) and sub[i] not in (None, "") else (top[i] if i < len(top) else None)
        f, n = _field_of(text) if text not in (None, "") else (None, None)
        if f in group_seen:
            if n is None:
                group_seen[f] += 1
                n = group_seen[f]
        if f:
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
        if "name" in {_field_of(c)[0] for c in row if c not in (None, "")}:
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


def _int(value) -> int | None:
    text = _num(value).replace(",", "")
    m = re.fullmatch(r"(\d+)\s*(台|辆)?", text)
    return int(m.group(1)) if m else None


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


def _vocab_value(report, row_no, column, v: dict, value, makers=()) -> str:
    text = _text(value)
    code = vocab.code_for(v, text, makers)
    if code is None:
        opts = "、".join(vocab.chinese(v, c, makers[0] if makers else "") for c in v)
        report.add(row_no, column, _l("“%(v)s”不是可选值（可选：%(opts)s）。", v=text, opts=opts))
        return ""
    return code


def read_ledger(path: str, org, progress: Callable[[int], None] | None = None) -> ImportReport:
    """Parse and check a file against org's ledger; writes nothing."""
    report = ImportReport()
    wb = load_workbook(path, read_only=True, data_only=True)
    try:
        ws = wb.worksheets[0]
        rows = ws.iter_rows(values_only=True)
        head = []
        for row in rows:
            head.append(row)
            if len(head) >= 8:
                break
        found = _find_header(head)
        if found is None:
            report.add(1, "", _l("找不到表头：需要“客户单位(个人)名称”或“客户名称”列。"))
            return report
        start, depth = found
        columns = _columns(head[start:start + depth])
        report.layout = "deck" if depth == 2 else "flat"
        first_data = start + depth
        pending = head[first_data:]
        _read_rows(report, org, columns, first_data + 1, _chain(pending, rows), progress,
                   _as_written(head[start:start + depth], columns))
    finally:
        wb.close()
    return report


def _chain(first: list, rest: Iterable) -> Iterable:
    yield from first
    yield from rest


def _read_rows(report, org, columns, first_row_no, rows, progress, written=None) -> None:
    today = date.today()
    labels = {**COLUMN_LABELS, **(written or {})}
    makers = maker_names()
    resolver_keys = _known_brand_keys()
    staff = {u.name: u.id for u in db.session.scalars(select(User).where(User.org_id == org.id))}
    staff.update({u.username: u.id for u in db.session.scalars(select(User).where(User.org_id == org.id))})
    existing_names, existing_phones = _existing_keys(org.id)
    in_file_names, in_file_phones = {}, {}
    region = ""
    for offset, row in enumerate(rows):
        row_no = first_row_no + offset
        if progress and offset % 1000 == 0:
            progress(offset)
        if offset >= MAX_ROWS:
            report.add(row_no, "", _l("行数超过 %(n)s 行，请分批导入。", n=MAX_ROWS))
            break
        values = {}
        fleet_cells: dict[int, dict] = {}
        for i, (f, group) in columns.items():
            v = row[i] if i < len(row) else None
            if group is not None:
                fleet_cells.setdefault(group, {})[f] = v
            else:
                values[f] = v
        if all(_text(v) == "" for v in row or ()):
            continue  # blank rows are tolerated
        for f, limit in TEXT_LIMITS.items():
            if len(_text(values.get(f))) > limit:
                report.add(row_no, COLUMN_LABELS[f], _l("超过 %(n)s 个字。", n=limit))
        # A region merged down over several rows reads as empty below its first row.
        region = _text(values.get("region")) or region
        data = {"kind": "unit", "region": region}
        name = _text(values.get("name"))
        if not name:
            report.add(row_no, COLUMN_LABELS["name"], _l("客户名称为空。"))
        data["name"] = name
        for f in ("contact_name", "address", "industry", "informant", "notes"):
            data[f] = _text(values.get(f))
        data["phone"] = _text(values.get("phone"))
        data["phone2"] = _text(values.get("phone2"))
        for f, v in (("phone", data["phone"]), ("phone2", data["phone2"])):
            digits = phone_digits(v)
            if v and not (7 <= len(digits) <= 12):
                report.add(row_no, COLUMN_LABELS[f], _l("电话“%(v)s”位数不对。", v=v))
        for f, v in (("transport_type", vocab.TRANSPORT_TYPES), ("nature", vocab.NATURES), ("use", vocab.USES),
                     ("source", vocab.SOURCES), ("kind", vocab.CUSTOMER_KINDS)):
            if f in values and _text(values[f]):
                data[f] = _vocab_value(report, row_no, COLUMN_LABELS[f], v, values[f], makers)
        data["industry_major"] = _text(values.get("klass")) == vocab.CLASSES["industry_major"]
        when = values.get("first_contact_on")
        if isinstance(when, datetime):
            data["first_contact_on"] = when.date()
        elif _text(when):
            try:
                data["first_contact_on"] = date.fromisoformat(_num(when).replace("/", "-").replace(".", "-"))
            except ValueError:
                report.add(row_no, COLUMN_LABELS["first_contact_on"], _l("日期“%(v)s”无法识别（如 2026-03-18）。",
                                                                        v=_text(when)))
        who = _text(values.get("responsible"))
        if who:
            if who in staff:
                data["responsible_id"] = staff[who]
            else:
                report.add(row_no, COLUMN_LABELS["responsible"], _l("“%(v)s”不是本机构的用户。", v=who))
        own_since = _years_to_since(values.get("own_years"), today)
        other_since = _years_to_since(values.get("other_years"), today)
        for f, v in (("own_years", own_since), ("other_years", other_since)):
            if v == "bad":
                report.add(row_no, labels[f], _l("“%(v)s”不是年数或年份。", v=_text(values.get(f))))
        fleet = []
        for group in sorted(fleet_cells):
            cells = fleet_cells[group]
            brand, model = _text(cells.get("brand")), _text(cells.get("model"))
            qty_text = _text(cells.get("quantity"))
            qty = _int(cells.get("quantity"))
            col = f"{COLUMN_LABELS['quantity']}{group}"
            if not brand and not model and not qty_text:
                continue
            if not brand:
                report.add(row_no, f"{COLUMN_LABELS['brand']}{group}", _l("填写了车型或数量，但品牌为空。"))
                continue
            if qty is None:
                report.add(row_no, col, _l("数量“%(v)s”不是整数。", v=qty_text) if qty_text else _l("数量为空。"))
                continue
            if qty > 10000 or len(brand) > 40 or len(model) > 60:
                report.add(row_no, col, _l("数量须在 0 到 10000 之间，品牌不超过 40 字，车型不超过 60 字。"))
                continue
            is_own = resolver_keys.get(brand_key(brand), False)
            since = own_since if is_own else other_since
            fleet.append({"brand": brand, "model": model, "quantity": qty, "heavy": True,
                          "since": since if isinstance(since, int) else None})
        key, digits = name_key(name), phone_digits(data["phone"])
        if name:
            if key in existing_names:
                report.add(row_no, COLUMN_LABELS["name"], _l("台帐中已有同名客户（编号 %(id)s）。", id=existing_names[key]))
            elif key in in_file_names:
                report.add(row_no, COLUMN_LABELS["name"], _l("与第 %(r)s 行客户同名。", r=in_file_names[key]))
            else:
                in_file_names[key] = row_no
        if digits:
            if digits in existing_phones:
                report.add(row_no, COLUMN_LABELS["phone"], _l("台帐中已有相同电话的客户（编号 %(id)s）。", id=existing_phones[digits]))
            elif digits in in_file_phones:
                report.add(row_no, COLUMN_LABELS["phone"], _l("与第 %(r)s 行客户电话相同。", r=in_file_phones[digits]))
            else:
                in_file_phones[digits] = row_no
        report.rows.append(ParsedRow(row_no, data, fleet))
    if not report.rows and not report.problems:
        report.add(first_row_no, "", _l("文件中没有客户数据。"))


def _known_brand_keys() -> dict[str, bool]:
    from ..models import Brand
    keys = {}
    for brand in db.session.scalars(select(Brand)):
        for n in [brand.name, *(brand.aliases or [])]:
            keys[brand_key(n)] = brand.is_own
    return keys


def _existing_keys(org_id: int) -> tuple[dict, dict]:
    names, phones = {}, {}
    for cid, key, digits in db.session.execute(
            select(Customer.id, Customer.name_key, Customer.phone_key).where(Customer.org_id == org_id)):
        names[key] = cid
        if digits:
            phones[digits] = cid
    return names, phones


# --- writing ----------------------------------------------------------------------------
def import_rows(org, report: ImportReport, batch: int = 1000) -> int:
    """Insert every parsed row (the caller commits). Only for a report without problems.

    Bulk INSERTs (with RETURNING for the ids) rather than one ORM object per row: an import
    is tens of thousands of rows. So this does by hand what the ORM hooks do for single
    saves: the derived fields, the normalised keys, and one audit entry per customer."""
    from ..models import AuditEntry, FleetEntry
    from ..models.base import utcnow
    from .ledger import derive_from

    if not report.ok:
        raise ValueError("refusing to import a file with problems")
    resolver = BrandResolver()
    actor = db.session.info.get("actor", {})
    done = 0
    for start in range(0, len(report.rows), batch):
        chunk = report.rows[start:start + batch]
        brands = [[resolver.resolve(r["brand"]) for r in parsed.fleet] for parsed in chunk]
        db.session.flush()  # brands nobody knew get their ids
        now = utcnow()
        values = []
        for parsed, fleet_brands in zip(chunk, brands):
            fields = {k: parsed.data.get(k) for k in CUSTOMER_FIELDS}
            fields = {k: (v if v is not None else _COLUMN_DEFAULTS.get(k)) for k, v in fields.items()}
            d = derive_from([(b.is_own, r["quantity"], r["heavy"], r["since"])
                             for b, r in zip(fleet_brands, parsed.fleet)], bool(fields["industry_major"]))
            values.append({**fields, "network_id": org.network_id, "org_id": org.id, "name_key": name_key(fields["name"]),
                           "phone_key": phone_digits(fields["phone"]), "segment": d.segment, "klass": d.klass,
                           "heavy_units": d.heavy_units, "own_units": d.own_units, "own_since": d.own_since,
                           "fleet_since": d.fleet_since, "last_bought": d.last_bought, "intent_level": None,
                           "created_at": now, "updated_at": now})
        ids = db.session.execute(insert(Customer).returning(Customer.id, sort_by_parameter_order=True),
                                 values).scalars().all()
        fleet_rows = [{"network_id": org.network_id, "org_id": org.id, "customer_id": cid, "brand_id": b.id,
                       "brand_text": r["brand"],
                       "model": r["model"], "quantity": r["quantity"], "heavy": r["heavy"], "since": r["since"]}
                      for cid, parsed, fleet_brands in zip(ids, chunk, brands)
                      for b, r in zip(fleet_brands, parsed.fleet)]
        if fleet_rows:
            db.session.execute(insert(FleetEntry), fleet_rows)
        db.session.execute(insert(AuditEntry), [{
            "network_id": org.network_id, "created_at": now, "user_id": actor.get("user_id"),
            "username": actor.get("username") or "", "org_id": actor.get("org_id"), "subject_org_id": org.id,
            "action": "create", "object_type": "Customer", "object_id": cid, "summary": v["name"][:200],
            "changes": {**{k: _plain(v[k]) for k in CUSTOMER_FIELDS}, "source_row": parsed.row, "via": "import"},
            "ip": actor.get("ip", "")} for cid, v, parsed in zip(ids, values, chunk)])
        done += len(ids)
    report.imported = done
    return done


_COLUMN_DEFAULTS = {"kind": "unit", "region": "", "transport_type": "", "nature": "", "contact_name": "", "phone": "",
                    "phone2": "", "address": "", "industry": "", "use": "", "source": "", "informant": "",
                    "notes": "", "industry_major": False, "first_contact_on": None, "responsible_id": None}


def _plain(value):
    return value.isoformat() if isinstance(value, date) else value


def append_text_row(ws, values) -> None:
    """Append a row in which text stays text: openpyxl would store "=..." as a formula,
    which Excel runs when the file is opened (spreadsheet injection)."""
    ws.append(values)
    for cell in ws[ws.max_row]:
        if cell.data_type == "f":
            cell.data_type = "s"


def export_ledger(customers: Iterable[Customer], path_or_stream, own_brand: str = "柳汽") -> None:
    """The deck's layout: two header rows with merged group cells, three brand/model/quantity groups."""
    wb = Workbook(write_only=False)
    ws = wb.active
    ws.title = "客户信息管理台帐"
    thin = Side(style="thin", color="999999")
    head_style = dict(font=Font(bold=True), alignment=Alignment(horizontal="center", vertical="center", wrap_text=True),
                      fill=PatternFill("solid", fgColor="DDEBF7"), border=Border(thin, thin, thin, thin))
    ws.cell(1, 1, "序号")
    ws.merge_cells(start_row=1, start_column=1, end_row=2, end_column=1)
    col = 2
    for title, width in GROUPS:
        ws.cell(1, col, title)
        if width > 1:
            ws.merge_cells(start_row=1, start_column=col, end_row=1, end_column=col + width - 1)
        elif title in ("区域", "客户级别", "备注"):
            ws.merge_cells(start_row=1, start_column=col, end_row=2, end_column=col)
        col += width
    for i, text in enumerate(SUBHEADERS):
        ws.cell(2, 3 + i, text.replace("柳汽", own_brand) if "柳汽" in text else text)
    for row in ws.iter_rows(min_row=1, max_row=2):
        for cell in row:
            for k, v in head_style.items():
                setattr(cell, k, v)
    this_year = date.today().year
    for n, c in enumerate(customers, start=1):
        fleet = list(c.fleet)[:FLEET_GROUPS]
        cells = [n, c.region, c.name, vocab.TRANSPORT_TYPES.get(c.transport_type, ""), vocab.NATURES.get(c.nature, ""),
                 c.contact_name, c.phone]
        for i in range(FLEET_GROUPS):
            e = fleet[i] if i < len(fleet) else None
            cells += [e.brand_text if e else None, e.model if e else None, e.quantity if e else None]
        cells += [f"{this_year - c.own_since}年" if c.own_since else None,
                  f"{this_year - c.fleet_since}年" if (c.fleet_since and not c.own_since) else None,
                  vocab.CLASSES.get(c.klass, ""), c.notes or None]
        append_text_row(ws, cells)
    for i, width in enumerate([6, 14, 28, 10, 10, 10, 15] + [10, 14, 6] * FLEET_GROUPS + [14, 14, 12, 24], start=1):
        ws.column_dimensions[get_column_letter(i)].width = width
    ws.freeze_panes = "C3"
    wb.save(path_or_stream)
