"""The customer ledger (客户信息管理台帐, DOMAIN.md §2): customers, their fleets and stakeholders."""
from __future__ import annotations

from datetime import date

from sqlalchemy import Float, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .base import Audited, NetworkOwned, Timestamps

SEGMENTS = ("own_old", "rival_old", "new")
CLASSES = ("industry_major", "key_major", "general_major", "retail")
KEY_MAJOR_UNITS, GENERAL_MAJOR_UNITS = 20, 5  # slide 17: heavy trucks held


class Customer(NetworkOwned, Audited, Timestamps, db.Model):
    __tablename__ = "customers"
    __table_args__ = (
        UniqueConstraint("org_id", "name_key"),
        # The ledger page: every query has network_id (ORM filter, RLS) and org_id (policy)
        # in front, then the sort key and id for keyset pages. The searched columns ride
        # along, so a search and the counts are answered from the index without visiting
        # the dealer's rows scattered over the table (services.ledger_query).
        Index("ix_customers_org_phone", "org_id", "phone_key"),
        Index("ix_customers_ledger_name", "network_id", "org_id", "name", "id", "contact_name", "phone_key"),
        Index("ix_customers_ledger_heavy", "network_id", "org_id", "heavy_units", "id"),
        Index("ix_customers_org_intent", "network_id", "org_id", "intent_level"),  # the dashboard's intent counts
        Index("ix_customers_org_responsible", "network_id", "org_id", "responsible_id", "id"),  # without a manager
        Index("ix_customers_ledger_segment_heavy", "network_id", "org_id", "segment", "heavy_units", "id"),
        Index("ix_customers_ledger_counts", "network_id", "org_id", "klass", "segment", "name", "contact_name",
              "phone_key"),
    )
    __audit_exclude__ = ("name_key", "phone_key", "updated_at")

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    responsible_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True, default=None)
    kind: Mapped[str] = mapped_column(String(12), default="unit")  # unit | individual
    name: Mapped[str] = mapped_column(String(120))
    name_key: Mapped[str] = mapped_column(String(120))  # normalised name, for duplicates
    region: Mapped[str] = mapped_column(String(60), default="")
    transport_type: Mapped[str] = mapped_column(String(20), default="")
    nature: Mapped[str] = mapped_column(String(20), default="")
    contact_name: Mapped[str] = mapped_column(String(60), default="")
    phone: Mapped[str] = mapped_column(String(40), default="")
    phone_key: Mapped[str] = mapped_column(String(20), default="")  # digits of the main phone
    phone2: Mapped[str] = mapped_column(String(40), default="")
    address: Mapped[str] = mapped_column(String(200), default="")
    industry: Mapped[str] = mapped_column(String(60), default="")
    use: Mapped[str] = mapped_column(String(20), default="")
    source: Mapped[str] = mapped_column(String(20), default="")
    informant: Mapped[str] = mapped_column(String(60), default="")
    first_contact_on: Mapped[date | None] = mapped_column(default=None)
    notes: Mapped[str] = mapped_column(Text, default="")
    industry_major: Mapped[bool] = mapped_column(default=False)  # set by hand (中石油, 部队 ...)
    # Derived from the fleet by services.ledger.derive(): never edited by hand.
    segment: Mapped[str] = mapped_column(String(12), default="new")
    klass: Mapped[str] = mapped_column(String(16), default="retail")
    heavy_units: Mapped[int] = mapped_column(default=0)
    own_units: Mapped[int] = mapped_column(default=0)
    own_since: Mapped[int | None] = mapped_column(default=None)  # year the customer began on our brand
    fleet_since: Mapped[int | None] = mapped_column(default=None)  # year of the oldest vehicle in use
    last_bought: Mapped[int | None] = mapped_column(default=None)  # year of the newest: the callback cohort
    intent_level: Mapped[int | None] = mapped_column(default=None, index=True)
    # where the customer is (its yard, its office): from its first located visit, or set by hand
    site_lat: Mapped[float | None] = mapped_column(Float, default=None)
    site_lon: Mapped[float | None] = mapped_column(Float, default=None)

    fleet: Mapped[list["FleetEntry"]] = relationship(back_populates="customer", cascade="all, delete-orphan",
                                                     order_by="FleetEntry.id")
    stakeholders: Mapped[list["Stakeholder"]] = relationship(back_populates="customer",
                                                             cascade="all, delete-orphan", order_by="Stakeholder.id")
    pending: Mapped[list["PendingValue"]] = relationship(back_populates="customer", cascade="all, delete-orphan",
                                                         order_by="PendingValue.id")
    org = relationship("Organisation")
    responsible = relationship("User")

    def __repr__(self) -> str:
        return f"<Customer {self.name}>"


class FleetEntry(NetworkOwned, db.Model):
    """A line of the customer's fleet: brand (as written and as resolved), model, units."""

    __tablename__ = "fleet_entries"
    # A dealer's lines of one brand (the ledger's brand filter) without visiting its other
    # lines; brand → customers for the census; customer → lines for the customer page.
    __table_args__ = (Index("ix_fleet_entries_org_brand", "network_id", "org_id", "brand_id", "customer_id"),
                      Index("ix_fleet_entries_brand_customer", "brand_id", "customer_id"),
                      Index("ix_fleet_entries_customer_brand", "customer_id", "brand_id"),
                      Index("ix_fleet_entries_model", "model_id"),
                      # the dashboard's rival brands of one ledger, index-only
                      Index("ix_fleet_entries_org_brand_quantity", "network_id", "org_id", "brand_id", "quantity"))
    id: Mapped[int] = mapped_column(primary_key=True)
    # The customer's organisation, copied (kept by services.ledger's flush hook) so a brand
    # filter reads one dealer's lines only.
    org_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id", ondelete="CASCADE"))
    brand_id: Mapped[int | None] = mapped_column(ForeignKey("brands.id"), default=None)
    brand_text: Mapped[str] = mapped_column(String(40), default="")
    model: Mapped[str] = mapped_column(String(60), default="")  # as written
    # the model it resolves to (services.brands.ModelResolver, kept by services.ledger's flush hook)
    model_id: Mapped[int | None] = mapped_column(ForeignKey("truck_models.id", ondelete="SET NULL"), default=None)
    quantity: Mapped[int] = mapped_column(default=1)
    heavy: Mapped[bool] = mapped_column(default=True)
    since: Mapped[int | None] = mapped_column(default=None)  # year in use since

    customer: Mapped[Customer] = relationship(back_populates="fleet")
    brand = relationship("Brand", lazy="joined")
    truck_model = relationship("TruckModel")


class PendingValue(NetworkOwned, db.Model):
    """A value of a controlled column that nobody's dictionary knew (待归类), kept as written
    while the customer's code field stays empty. Mapping it (services.vocabulary) sets the
    code on every customer holding it and removes these rows."""

    __tablename__ = "customer_pending_values"
    __table_args__ = (UniqueConstraint("customer_id", "field"),
                      Index("ix_customer_pending_values_field_key", "network_id", "field", "key"))
    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id", ondelete="CASCADE"))
    org_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    field: Mapped[str] = mapped_column(String(20))  # transport_type, nature, use, source, kind, intent_level
    text: Mapped[str] = mapped_column(String(60))  # as written
    key: Mapped[str] = mapped_column(String(60))  # normalised, as the dictionary compares

    customer: Mapped[Customer] = relationship(back_populates="pending")


class Stakeholder(NetworkOwned, Audited, db.Model):
    """People around a purchase (slides 40-43). Interests and influence; never payments to them."""

    __tablename__ = "stakeholders"
    __audit_exclude__ = ()
    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(30))
    name: Mapped[str] = mapped_column(String(60))
    phone: Mapped[str] = mapped_column(String(40), default="")
    cares_about: Mapped[str] = mapped_column(String(200), default="")
    influence: Mapped[str] = mapped_column(String(10), default="medium")  # high | medium | low
    relationship_notes: Mapped[str] = mapped_column(Text, default="")

    customer: Mapped[Customer] = relationship(back_populates="stakeholders")

    @property
    def org_id(self) -> int:
        return self.customer.org_id
