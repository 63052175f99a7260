"""Customers to sales managers (负责业务经理), many at a time: one person for a selection, or the
selection spread evenly over several people, round robin or by a rule that keeps the
customers of one region (or one transport type) with one person.

The callers hand over customers they already narrowed through the policy's scope; these
functions only decide who gets whom, change what changes, and write one summary line in
the audit trail beside the per-row entries the flush hooks write.
"""
from __future__ import annotations

from collections import defaultdict

from flask_babel import lazy_gettext as _l

from ..vocab import N_
from .audit import record
from .errors import DomainError
from .notify import events as notify

RULES = {
    "round_robin": N_("轮流平均分配"),
    "region": N_("按区域（同一区域归同一人）"),
    "transport_type": N_("按运输类型（同一类型归同一人）"),
}


class AssignmentError(DomainError):
    pass


def distribution(customers, people, rule: str = "round_robin") -> dict[int, object]:
    """customer id → person. Round robin deals the customers (by name) out in turn; a rule on
    region or transport type gives each value's customers to one person, the biggest groups
    first to whoever has the fewest so far, so the counts stay as even as the rule allows."""
    people = list(people)
    if not people:
        raise AssignmentError(_l("请至少选择一位人员。"))
    if rule not in RULES:
        raise AssignmentError(_l("请选择分配规则。"))
    ordered = sorted(customers, key=lambda c: (c.name, c.id))
    if rule == "round_robin":
        return {c.id: people[i % len(people)] for i, c in enumerate(ordered)}
    groups: dict[str, list] = defaultdict(list)
    for c in ordered:
        groups[getattr(c, rule) or ""].append(c)
    load = {p.id: 0 for p in people}
    out = {}
    for _key, members in sorted(groups.items(), key=lambda kv: (-len(kv[1]), kv[0])):
        person = min(people, key=lambda p: load[p.id])  # ties: the order people were chosen in
        load[person.id] += len(members)
        out.update({c.id: person for c in members})
    return out


def set_responsible(customers, chosen: dict[int, object], *, org, what: str) -> int:
    """Make chosen[customer.id] each customer's sales manager; how many changed. One audit
    line names the action and the counts per person (the rows have their own entries)."""
    changed, per_person, moved = 0, defaultdict(int), defaultdict(list)
    for c in customers:
        person = chosen.get(c.id)
        if person is None:
            continue
        per_person[person.username] += 1
        if c.responsible_id != person.id:
            c.responsible_id = person.id
            changed += 1
            moved[person.id].append(c.id)
    notify.customers_assigned(moved)
    if per_person:
        record("bulk_assign", network_id=org.network_id, obj=org, summary=what,
               changes={"customers": sum(per_person.values()), "changed": changed, "to": dict(per_person)})
    return changed


def assign(customers, person, *, org) -> int:
    """Every customer of the selection to one person."""
    customers = list(customers)
    if person is None:
        raise AssignmentError(_l("请选择本机构的人员。"))
    _require(customers)
    return set_responsible(customers, {c.id: person for c in customers}, org=org,
                           what=f"assign {len(customers)} customers")


def distribute(customers, people, rule: str, *, org) -> dict[str, int]:
    """The selection spread over people; name → how many customers each now has of it."""
    customers = list(customers)
    _require(customers)
    chosen = distribution(customers, people, rule)
    set_responsible(customers, chosen, org=org, what=f"distribute {len(customers)} customers ({rule})")
    counts = defaultdict(int)
    for person in chosen.values():
        counts[person.name] += 1
    return dict(counts)


def _require(customers) -> None:
    if not customers:
        raise AssignmentError(_l("没有选中任何客户。"))
