"""Pages that belong to no party: the landing redirect and the health check."""
from flask import Blueprint

from . import views

bp = Blueprint("main", __name__)

views.register(bp)
