"""What funding tells the apps above it, which it may not import (dependencies point one way:
README, Architecture).

Each signal is sent inside the transaction of the service that sends it, with `send` (not
`send_robust`): a receiver that fails undoes the whole change, so an award never exists
without the records its receivers keep.
"""

from django.dispatch import Signal

#: An award was just created (sender: Award; award, user), with its funding, tranches and
#: budget. grants.impact plans its mid-term and final reports.
award_created = Signal()

#: An award ended early and gave back matches its funds had committed for donations (sender:
#: Award; award, user, released: {fund pk: Decimal yuan}). grants.donations records which
#: donations lost their match.
matches_released = Signal()
