"""List pages: search, sort by a whitelisted column, paginate; shared by every list view."""
from __future__ import annotations

import csv
from datetime import date
import io

from flask import Response, current_app, flash, request
from sqlalchemy import or_

from ..extensions import db
from .fields import INT_LIMIT as ID_LIMIT
from .fields import db_int  # noqa: F401  (views import it from here with the other list helpers)


def search(stmt, columns, q: str | None):
    q = (q or "").strip()
    if not q:
        return stmt
    like = f"%{q}%"
    return stmt.where(or_(*[c.ilike(like) for c in columns]))


def sort(stmt, allowed: dict, default: str):
    key = request.args.get("sort", default)
    desc = key.startswith("-")
    column = allowed.get(key.lstrip("-")) or allowed[default.lstrip("-")]
    if key.lstrip("-") not in allowed:
        desc = default.startswith("-")
    return stmt.order_by(column.desc() if desc else column.asc())


MAX_PAGE = 100_000


def paginate(stmt):
    per_page = current_app.config["PAGE_SIZE"]
    page = min(max(request.args.get("page", 1, type=int) or 1, 1), MAX_PAGE)
    return db.paginate(stmt, page=page, per_page=per_page, max_per_page=200, error_out=False)


def _cell(value):
    """Text a spreadsheet would run as a formula gets a leading quote."""
    if isinstance(value, str) and value and value[0] in "=+-@\t\r":
        return "'" + value
    return value


def csv_response(filename: str, header: list[str], rows) -> Response:
    """UTF-8 with BOM, so Excel opens Chinese text correctly."""
    buf = io.StringIO()
    buf.write("\ufeff")
    writer = csv.writer(buf)
    writer.writerow(header)
    for row in rows:
        writer.writerow([_cell(v) for v in row])
    return Response(buf.getvalue(), mimetype="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f"attachment; filename={filename}"})


def flash_form_errors(form) -> None:
    """For forms posted from another page: their errors come back as flashed messages."""
    for errors in form.errors.values():
        for error in errors:
            flash(str(error), "danger")


def year_arg() -> int:
    """?year=, within 2000-2100, else this year."""
    year = request.args.get("year", date.today().year, type=int)
    return year if 2000 <= year <= 2100 else date.today().year


def ids_posted(name: str) -> list[int]:
    """The record ids posted under name; anything that is not one (², ①, 2**40, text) is left out."""
    return [int(v) for v in request.form.getlist(name) if v.isascii() and v.isdecimal() and int(v) <= ID_LIMIT]

