"""Login, logout, the own password, account security (sessions, two-factor) and the language."""
from flask import Blueprint

from . import security, views

bp = Blueprint("auth", __name__, template_folder="templates")

views.register(bp)      # login (and its second step), logout, password, language
security.register(bp)   # where one is signed in, two-factor authentication
