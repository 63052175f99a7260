"""Pages every organisation has (/org), whatever its party: one line per feature."""
from flask import Blueprint

from . import announcements, audit, catalogue, robots, scorecards, team, training
from ..shared import scorecards as scorecard_card

bp = Blueprint("org", __name__, template_folder="templates")

team.register(bp)            # the organisation's team
audit.register(bp)           # the audit trail
announcements.register(bp)   # policies and promotions to acknowledge (政策支持)
catalogue.register(bp)       # the special-vehicle catalogue
scorecards.register(bp)      # its scorecards, evidence, PDFs, appeals (考评)
scorecard_card.register(bp)  # the scorecard card shared with the manufacturer's page
training.register(bp)        # training sessions and preparation audits
robots.register(bp)          # its group robots (企业微信/钉钉/飞书), set by its heads
