"""Login, logout, the own password and the language."""
from flask import Blueprint

from . import views

bp = Blueprint("auth", __name__, template_folder="templates")

views.register(bp)
