"""The customer ledger pages, presented by every party that keeps a ledger (dealers and
body-builders): register(bp) adds the same views to that party's blueprint."""
from .views import register

__all__ = ["register"]
