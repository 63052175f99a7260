"""The deck's work tables in Excel, in Chinese: the callback plan (slide 37), callback
results (slide 38) and the follow-up plan (slide 44). Our brand's name replaces 柳汽."""
from __future__ import annotations

import re
from datetime import date

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from .. import vocab
from .ledger_excel import append_text_row

PLAN_OWN = ["序号", "客户姓名", "已购买柳汽产品数量", "客户性质", "所在行业", "运输类别", "主要适用车型", "使用柳汽品牌时间",
            "客户地址", "联系电话", "目前已掌握客户动态", "回访策略", "走访时间", "走访负责人", "对柳汽印象", "对经销商印象",
            "应当注意的事项"]
PLAN_OTHER = ["序号", "客户姓名", "现保有量", "客户性质", "所在行业", "运输类别", "主要适用品牌", "主要适用车型", "使用品牌的时间",
              "客户地址", "联系电话", "目前所掌握客户信息", "回访策略", "走访时间", "走访负责人", "对使用品牌印象",
              "对当地销售渠道印象", "对当地服务渠道印象", "对柳汽品牌有无接触历史", "应注意事项"]
RESULT_OWN = ["序号", "客户姓名", "已购买柳汽产品数量", "客户性质", "所在行业", "运输类别", "主要使用车型", "使用柳汽品牌时间",
              "客户地址", "联系电话", "走访结果", "回访策略", "是否具有继续跟进条件", "是否有购车意向", "何时购车", "购买车型",
              "购车台数", "购车方式", "对柳汽存在疑虑", "提出的改进意见"]
RESULT_OTHER = ["序号", "客户姓名", "现保有量", "客户性质", "所在行业", "运输类别", "主要使用车型", "使用时间", "客户地址",
                "联系电话", "走访结果", "回访策略", "是否具有继续跟进条件", "是否有购车意向", "何时购车", "购买车型", "购车台数",
                "购车方式", "对柳汽存在疑虑", "对柳汽是否有购车意向"]
FOLLOW_UP = ["序号", "客户姓名（单位）", "客户性质", "联系电话", "主要使用车型", "重卡保有数量", "所在行业", "运输类别", "现状",
             "本次意向车型", "购买数量", "购买方式"]


def _main_line(customer):
    return max(customer.fleet, key=lambda e: e.quantity, default=None)


def _years(since: int | None) -> str:
    return f"{date.today().year - since}年" if since else ""


def _yes(flag) -> str:
    return "是" if flag else "否"


def _sheet(wb, title: str, header: list[str], rows: list[list], brand: str, preamble=()):
    """A sheet: lines above the table (title, purpose ...), the header, numbered rows."""
    ws = wb.create_sheet(re.sub(r"[\\/?*\[\]:]", "", title)[:31])  # characters Excel refuses in sheet titles
    for line in preamble:
        append_text_row(ws, [line])
    if preamble:
        ws["A1"].font = Font(bold=True, size=13)
    ws.append([h.replace("柳汽", brand) for h in header])
    head_row = ws.max_row
    for cell in ws[head_row]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="center")
    for n, row in enumerate(rows, start=1):
        append_text_row(ws, [n, *row])
    for i in range(1, len(header) + 1):
        ws.column_dimensions[get_column_letter(i)].width = 6 if i == 1 else 14
    ws.freeze_panes = ws.cell(head_row + 1, 3)
    return ws


def callback_plan_workbook(plan, items, brand: str, stream) -> None:
    own, other = [], []
    for item in items:
        c = item.customer
        line = _main_line(c)
        method = vocab.CALLBACK_METHODS.get(item.method, item.method)
        who = item.assignee.name if item.assignee else ""
        if c.segment == "own_old":
            own.append([c.name, c.own_units, vocab.NATURES.get(c.nature, ""), c.industry,
                        vocab.TRANSPORT_TYPES.get(c.transport_type, ""), line.model if line else "", _years(c.own_since),
                        c.address, c.phone, c.notes, method, item.due_on.isoformat(), who, "", "", ""])
        else:
            other.append([c.name, c.heavy_units, vocab.NATURES.get(c.nature, ""), c.industry,
                          vocab.TRANSPORT_TYPES.get(c.transport_type, ""), line.brand_text if line else "",
                          line.model if line else "", _years(c.fleet_since), c.address, c.phone, c.notes, method,
                          item.due_on.isoformat(), who, "", "", "", "", ""])
    wb = Workbook()
    wb.remove(wb.active)
    title = f"{plan.title}（{plan.starts_on} — {plan.ends_on}）"
    _sheet(wb, f"已购买{brand}产品客户", PLAN_OWN, own, brand, [title])
    _sheet(wb, f"未购买{brand}产品客户", PLAN_OTHER, other, brand, [title])
    wb.save(stream)


def callback_results_workbook(callbacks, brand: str, stream, heading: str = "") -> None:
    own, other = [], []
    for cb in callbacks:
        c = cb.customer
        line = _main_line(c)
        common = [c.address, c.phone, cb.result, vocab.CALLBACK_METHODS.get(cb.method, cb.method),
                  _yes(cb.worth_following), _yes(cb.has_intent), vocab.WHEN.get(cb.when, ""), cb.intent_model,
                  cb.intent_quantity or "", vocab.PAYMENTS.get(cb.payment, ""), cb.doubts]
        if c.segment == "own_old":
            own.append([c.name, c.own_units, vocab.NATURES.get(c.nature, ""), c.industry,
                        vocab.TRANSPORT_TYPES.get(c.transport_type, ""), line.model if line else "",
                        _years(c.own_since), *common, cb.suggestions])
        else:
            other.append([c.name, c.heavy_units, vocab.NATURES.get(c.nature, ""), c.industry,
                          vocab.TRANSPORT_TYPES.get(c.transport_type, ""), line.model if line else "",
                          _years(c.fleet_since), *common, _yes(cb.has_intent)])
    wb = Workbook()
    wb.remove(wb.active)
    _sheet(wb, f"已购买{brand}产品客户", RESULT_OWN, own, brand, [heading] if heading else ())
    _sheet(wb, f"未购买{brand}产品客户", RESULT_OTHER, other, brand, [heading] if heading else ())
    wb.save(stream)


def follow_up_plan_workbook(opportunities, brand: str, stream, *, purpose: str, period: str, person: str) -> None:
    rows = []
    for o in opportunities:
        c = o.customer
        line = _main_line(c)
        rows.append([c.name, vocab.NATURES.get(c.nature, ""), c.phone, line.model if line else "", c.heavy_units,
                     c.industry, vocab.TRANSPORT_TYPES.get(c.transport_type, ""),
                     vocab.STAGES.get(o.stage, o.stage), o.model, o.quantity, vocab.PAYMENTS.get(o.payment, "")])
    wb = Workbook()
    wb.remove(wb.active)
    _sheet(wb, "客户跟进计划", FOLLOW_UP, rows, brand, ["客户跟进计划", f"（一）、目的：{purpose}",
                                                      f"（二）、时间：{period}", f"（三）、责任人：{person}",
                                                      "（四）、跟进客户的明细"])
    wb.save(stream)
