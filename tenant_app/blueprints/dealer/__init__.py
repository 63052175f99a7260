"""The dealer's pages (/d): every feature a dealer has, one line each."""
from ..party import party_blueprint
from ..shared import (bulk, callbacks, customers, dashboard, events, expenses, home, ledger_excel, opportunities, search,
                      targets, tasks, work_excel)

bp = party_blueprint("dealer", __name__)

home.register(bp)           # the dealer's duties
customers.register(bp)      # the customer ledger (台帐), stakeholders, merge
ledger_excel.register(bp)   # the ledger in and out of Excel
bulk.register(bp)           # bulk actions on the ledger and plans: assign, distribute, export, invite
callbacks.register(bp)      # callback strategy, plans, due list, calendar, records (回访)
opportunities.register(bp)  # follow-up, negotiation rounds, deals (跟进, 成交)
tasks.register(bp)          # after-sale tasks (跟踪)
work_excel.register(bp)     # the deck's callback and follow-up tables in Excel
dashboard.register(bp)      # funnel and work charts
targets.register(bp)        # the targets the manufacturer set, and progress
expenses.register(bp)       # marketing budgets and expenses
events.register(bp)         # marketing events (活动)
search.register(bp)         # search from anywhere: customers, vehicles, opportunities
