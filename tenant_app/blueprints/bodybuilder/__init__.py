"""The body-builder's pages (/b): every feature a body-builder has, one line each."""
from ..party import party_blueprint
from ..shared import (bulk, callbacks, customers, dashboard, events, expenses, home, ledger_excel, opportunities,
                      projects, search, targets, tasks, work_excel)

bp = party_blueprint("bodybuilder", __name__)

home.register(bp)           # the body-builder's duties
projects.register(bp)       # co-development projects with the manufacturer, to the 公告
customers.register(bp)      # its own customer ledger
ledger_excel.register(bp)   # the ledger in and out of Excel
bulk.register(bp)           # bulk actions on the ledger and plans: assign, distribute, export, invite
callbacks.register(bp)      # callbacks of its own customers
opportunities.register(bp)  # follow-up and deals
tasks.register(bp)          # after-sale tasks
work_excel.register(bp)     # the deck's callback and follow-up tables in Excel
dashboard.register(bp)      # funnel and work charts
targets.register(bp)        # targets and progress
expenses.register(bp)       # marketing budgets and expenses
events.register(bp)         # marketing events
search.register(bp)         # search from anywhere: customers, vehicles, opportunities
