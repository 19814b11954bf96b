"""What donations tell the apps above them: explicit events, sent by the webhook's handlers
inside the transaction that records the payment or the refund, after the audit entry. A
receiver that acts outside the database defers that to `transaction.on_commit`."""

from django.dispatch import Signal

#: Stripe confirmed a gift and the ledger counted it (to its award, or the pool's budget when
#: `donation.award` is None). Sent with `donation`.
donation_paid = Signal()

#: Stripe confirmed a refund (part or all of a gift) and the ledger took it back. Sent with
#: `donation`.
donation_refunded = Signal()
