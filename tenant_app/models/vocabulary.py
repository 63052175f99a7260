"""The network's dictionary of variants of the ledger's controlled values (DOMAIN.md §2)."""
from __future__ import annotations

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .base import Audited, NetworkOwned, Timestamps


class VocabularyAlias(NetworkOwned, Audited, Timestamps, db.Model):
    """A way people write a listed value (私营, 民营 → nature `private`), per vocabulary.
    Seeded with the common short forms when a network is created; the maker's network
    administrators keep it, and a dealer importing a ledger adds the mappings it makes.
    The codes it points at are vocab.py's and never change."""

    __tablename__ = "vocabulary_aliases"
    __table_args__ = (UniqueConstraint("network_id", "vocabulary", "key"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    vocabulary: Mapped[str] = mapped_column(String(20))  # the customer field: transport_type, nature ...
    code: Mapped[str] = mapped_column(String(20))
    alias: Mapped[str] = mapped_column(String(60))  # as written
    key: Mapped[str] = mapped_column(String(60))  # normalised (width, spaces, punctuation, case)
    org_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"), default=None)  # who added it

    def __repr__(self) -> str:
        return f"<VocabularyAlias {self.vocabulary} {self.alias}→{self.code}>"
