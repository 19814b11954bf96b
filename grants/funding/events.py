"""What funding tells the apps above it: explicit events, sent by the service that makes the
change, inside its transaction, after the audit entry. A receiver that acts outside the
database (a task, an email) defers that to `transaction.on_commit`, so a change rolled back
sends nothing on.
"""

from django.dispatch import Signal

#: Something the public sees of an award changed: it was created; its money moved (a
#: commitment, a release, a payment); its agreement, schedule, budget or status changed; or
#: its history grew (a report, a variation: the open data's "Last Modified"). Sent with
#: `award` by every service that writes a `seedbed.award.…` audit entry: `ledger.pay`, and
#: the services calling the ledger's other steps (a donation's: `donations.events`).
award_changed = Signal()

#: Staff created, edited or deleted a fund in the admin (its owner's name and code are
#: public). Sent with `fund`.
fund_changed = Signal()
