"""What funding tells the apps above it, which it may not import (README, Architecture):
explicit events, sent by the service that makes the change, inside its transaction, after the
audit entry, with `send` (not `send_robust`): a receiver that fails undoes the whole change, so
an award never exists without the records its receivers keep. A receiver that acts outside the
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

#: An award was just created (sender: Award; award, user), with its funding, tranches and
#: budget. grants.impact plans its mid-term and final reports.
award_created = Signal()

#: An award ended early and gave back matches its funds had committed for donations (sender:
#: Award; award, user, released: {fund pk: Decimal yuan}). grants.donations records which
#: donations lost their match.
matches_released = Signal()
