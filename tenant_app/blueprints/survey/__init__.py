"""The customer's survey page (/s/<token>): public on purpose, no login, mobile first. The signed
token is the only key; nothing personal is shown (the vehicle's model and its VIN's last four)."""
from flask import Blueprint

from . import views

bp = Blueprint("survey", __name__, template_folder="templates")
views.register(bp)
