"""List pages: search, sort by a whitelisted column, paginate; shared by every list view."""
from __future__ import annotations

import csv
import io

from flask import Response, current_app, request
from sqlalchemy import or_

from ..extensions import db


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


def paginate(stmt):
    per_page = current_app.config["PAGE_SIZE"]
    return db.paginate(stmt, per_page=per_page, max_per_page=200, error_out=False)


def csv_response(filename: str, header: list[str], rows) -> Response:
    """UTF-8 with BOM, so Excel opens Chinese text correctly."""
    buf = io.StringIO()
    buf.write("\ufeff")
    writer = csv.writer(buf)
    writer.writerow(header)
    for row in rows:
        writer.writerow(["'" + v if isinstance(v, str) and v[:1] in "=+-@" else v for v in row])
    return Response(buf.getvalue(), mimetype="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f"attachment; filename={filename}"})
