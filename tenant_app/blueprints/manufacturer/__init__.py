"""The manufacturer's pages (/m): every feature the maker has, one line each."""
from . import (alerts, announcements, brands, callback_strategy, expenses, home, notifications, organisations, scorecards,
               supervision, surveys, targets, training, users, verification, vocabulary)
from ..party import party_blueprint
from ..shared import projects, search
from ..shared import scorecards as scorecard_card

bp = party_blueprint("manufacturer", __name__)

home.register(bp)               # the network at a glance
organisations.register(bp)      # dealers, body-builders, stations
users.register(bp)              # users and roles, password resets
callback_strategy.register(bp)  # the network's default callback strategy
brands.register(bp)             # the brand dictionary
vocabulary.register(bp)         # the vocabulary dictionary: aliases, values waiting to be classified, models
supervision.register(bp)        # dealers' figures, audited drill-in, competitor census
verification.register(bp)       # callback verification by phone
surveys.register(bp)            # the customers' own answers against staff's records, per dealer and station
targets.register(bp)            # targets per dealer and period
expenses.register(bp)           # dealers' budgets and expenses (read)
announcements.register(bp)      # policy support (政策支持)
training.register(bp)           # training sessions, preparation audits
scorecards.register(bp)         # templates, evaluations, PDFs, deductions, appeals (考评)
scorecard_card.register(bp)     # the scorecard card shared with the organisation's page
projects.register(bp)           # co-development projects with body-builders
alerts.register(bp)             # hot alerts and the service settings
search.register(bp)         # search from anywhere: customers, vehicles, opportunities
notifications.register(bp)      # the notifications' delivery log
