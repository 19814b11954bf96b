"""Public donations through Stripe, and the Stripe events that recorded them."""

import uuid
from decimal import Decimal

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django_fsm import FSMField, transition

from core.money import money_field
from grants.funding.models import Award, Fund
from grants.funding.rules import accepts_gifts

ZERO = Decimal("0")


class Donation(models.Model):
    """One gift to a funded project or to the public-donation pool. It is created when the
    donor starts Stripe Checkout and becomes `paid` only when Stripe's signed webhook says
    so; the amount counts in the ledger from then on."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for payment")
        PAID = "paid", pgettext_lazy("donation status", "Paid")
        REFUNDED = "refunded", _("Refunded")
        FAILED = "failed", _("Payment failed")
        EXPIRED = "expired", _("Abandoned")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    award = models.ForeignKey(Award, on_delete=models.PROTECT, null=True, blank=True, related_name="donations")
    fund = models.ForeignKey(Fund, on_delete=models.PROTECT, null=True, blank=True, related_name="donations",
                             help_text="the public-donation pool, for gifts not to one project")
    amount = money_field(_("amount (yuan)"))
    donor_name = models.CharField(_("your name"), max_length=60, blank=True)
    donor_email = models.EmailField(_("email for the receipt"), blank=True)
    anonymous = models.BooleanField(_("do not show my name"), default=False)
    message = models.CharField(_("message"), max_length=200, blank=True)
    language = models.CharField(max_length=10, default="zh-hans")

    status = FSMField(_("status"), default=Status.PENDING, choices=Status.choices, db_index=True)
    checkout_session_id = models.CharField(max_length=255, unique=True, null=True, blank=True)
    payment_intent_id = models.CharField(max_length=255, unique=True, null=True, blank=True)
    refunded = money_field(_("refunded"), default=ZERO, editable=False)
    # The match this gift earned from a fund, and how much of it a refund took back.
    match_fund = models.ForeignKey(Fund, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    matched = money_field(_("matched"), default=ZERO, editable=False)
    match_withdrawn = money_field(_("match withdrawn"), default=ZERO, editable=False)
    # The award the donor chose, when its money arrived after it stopped accepting gifts
    # (grants.funding.rules.accepts_gifts): the gift went to the pool (`fund`), or, with no
    # pool open, it is held (`award` still set, counted nowhere) for staff to refund.
    redirected_from = models.ForeignKey(Award, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                                        verbose_name=_("given for"))
    created_at = models.DateTimeField(auto_now_add=True)
    paid_at = models.DateTimeField(_("paid at"), null=True, blank=True)

    class Meta:
        verbose_name = _("donation")
        verbose_name_plural = _("donations")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(award__isnull=False, fund__isnull=True)
                                   | Q(award__isnull=True, fund__isnull=False), name="donation_to_award_or_pool"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="donation_positive"),
            models.CheckConstraint(condition=Q(refunded__gte=0, refunded__lte=F("amount")),
                                   name="donation_refund_within_amount"),
            models.CheckConstraint(condition=Q(match_withdrawn__gte=0, match_withdrawn__lte=F("matched")),
                                   name="donation_match_withdrawn_within_match"),
        ]

    def __str__(self):
        return f"¥{self.amount} · {self.public_name}"

    @property
    def public_name(self):
        return _("Anonymous") if self.anonymous or not self.donor_name else self.donor_name

    @property
    def net(self):
        return self.amount - self.refunded

    @property
    def held(self):
        """Paid for an award that no longer accepted gifts, with no pool to take it."""
        return bool(self.redirected_from_id and self.award_id)

    @property
    def redirect_reason(self):
        if not self.redirected_from_id:
            return ""
        return accepts_gifts(self.redirected_from).reason

    @property
    def counts(self):
        return self.status in (self.Status.PAID, self.Status.REFUNDED)

    @transition(field=status, source=Status.PENDING, target=Status.PAID)
    def mark_paid(self, moment):
        self.paid_at = moment

    @transition(field=status, source=Status.PENDING, target=Status.FAILED)
    def mark_failed(self):
        pass

    @transition(field=status, source=Status.PENDING, target=Status.EXPIRED)
    def mark_expired(self):
        pass

    @transition(field=status, source=Status.PAID, target=Status.REFUNDED)
    def mark_refunded(self):
        pass


class StripeEvent(models.Model):
    """Every Stripe event processed, once: the unique id is what makes a redelivered or
    concurrently delivered event harmless."""

    event_id = models.CharField(max_length=255, unique=True)
    type = models.CharField(max_length=100)
    received_at = models.DateTimeField(auto_now_add=True)
    payload = models.JSONField()

    class Meta:
        ordering = ["-received_at"]
