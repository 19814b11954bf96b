"""Public donations through Stripe Checkout: starting one, Stripe's webhook events, refunds.

A donation is created `pending` when the donor starts Checkout and counts only when Stripe's
signed webhook says it was paid. Every event is recorded once (`StripeEvent`, unique on
Stripe's id) in the same transaction that acts on it, so a redelivered event, or the same
event delivered twice at the same moment, changes nothing the second time; a second,
different event for the same session finds the donation already paid and counts nothing.
The money itself moves through `ledger` (the donation's award and its fund match, or the
pool's budget).

Stripe is never called inside a database transaction: a slow or unreachable payment service
must not hold row locks.
"""

import logging
import uuid
from datetime import datetime
from datetime import timezone as dt_timezone
from decimal import Decimal, InvalidOperation
from enum import StrEnum

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, connection, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from wagtail.log_actions import log

from core import mail
from core.money import round_money, yuan
from grants.donations import events, stripe_gateway
from grants.donations.models import Donation, StripeEvent
from grants.funding import permissions, rules
from grants.funding.models import BudgetEntry, Fund
from grants.funding.services import ledger

logger = logging.getLogger(__name__)

ZERO = Decimal("0")
#: The smallest and largest single gift online, in yuan (a larger gift: contact the centre).
MIN_AMOUNT = Decimal("1.00")
MAX_AMOUNT = Decimal("50000.00")
#: How long a webhook waits for a row another transaction holds before giving up with
#: HTTP 503 (Stripe then retries the delivery). PostgreSQL only.
LOCK_TIMEOUT = "5s"
#: The audit code of a refund staff asked Stripe for; "seedbed.donation.refunded" follows
#: with Stripe's confirmation, when the ledger takes the money back.
REFUND_REQUESTED_ACTION = "seedbed.donation.refund_requested"


class Result(StrEnum):
    PROCESSED = "processed"  # the event was acted on (or needed nothing yet)
    DUPLICATE = "duplicate"  # this event id was already recorded: nothing happened
    IGNORED = "ignored"  # recorded, but it is about no donation of ours (or it is not ours to act on)


class RetryLater(Exception):
    """The event is about a donation whose earlier event has not arrived yet (Stripe does not
    promise order): answer 503 and nothing is recorded, so Stripe delivers it again later."""


# -- starting a donation --------------------------------------------------------------------
donation_pool = ledger.donation_pool


def clean_amount(amount):
    """The gift as Decimal yuan with two places, or a ValidationError for the donor."""

    try:
        amount = Decimal(str(amount).strip().replace(",", "").lstrip("¥￥").strip())
    except (InvalidOperation, ValueError):
        raise ValidationError(_("Enter an amount in yuan, such as 100 or 88.50."), code="invalid")
    if not amount.is_finite():
        raise ValidationError(_("Enter an amount in yuan, such as 100 or 88.50."), code="invalid")
    if amount < MIN_AMOUNT:
        raise ValidationError(_("The smallest donation is %(min)s.") % {"min": yuan(MIN_AMOUNT)}, code="min")
    if amount > MAX_AMOUNT:
        raise ValidationError(_("The largest donation online is %(max)s. For a larger gift, please contact the "
                                "centre.") % {"max": yuan(MAX_AMOUNT)}, code="max")
    if amount != round_money(amount):
        raise ValidationError(_("An amount can have at most two decimal places (fen)."), code="fen")
    return round_money(amount)


def checkout_idempotency_key(donation):
    """One Checkout session per donation, however often the request is repeated. The UUID
    (not the primary key) keeps keys unique across databases that share a Stripe account."""
    return f"seedbed-donation-{donation.public_id}-checkout"


def _check_target(award, pool):
    if (award is None) == (pool is None):
        raise ValueError("a donation goes either to an award or to the donation pool")
    if award is not None and not (accepts := rules.accepts_gifts(award)).answer:
        raise ValidationError(accepts.reason)
    if pool is not None and not (pool.kind == Fund.Kind.DONATIONS and pool.is_active):
        raise ValidationError(_("The public-donation pool does not accept donations at the moment."))


def _description(award, pool, language):
    with translation.override(language):
        if award is not None:
            return _("Donation to %(project)s (%(reference)s)") % {
                "project": award.proposal.title, "reference": award.reference}
        return _("Donation to %(pool)s") % {"pool": pool.name}


def _url(url, donation):
    return url(donation) if callable(url) else url


def start_donation(*, award=None, pool=None, amount, donor_name="", donor_email="", anonymous=False, message="",
                   language=None, success_url, cancel_url, user=None):
    """Create a pending donation and its Stripe Checkout session: returns (donation, the
    Checkout URL to redirect the donor to).

    `success_url` and `cancel_url` are absolute URLs, or callables taking the new donation and
    returning one (the thank-you page is the donation's own). Refusals are ValidationErrors
    keyed by field ("amount", "donor_name", "donor_email", "message") or without a field. When
    Stripe refuses or cannot be reached, the donation is marked failed (it has no session and
    could never be paid) and the donor gets Stripe's sentence as a non-field error.
    """
    if not stripe_gateway.is_enabled():
        raise ValidationError(_("Online donations are switched off at the moment."))
    _check_target(award, pool)
    errors = {}
    try:
        amount = clean_amount(amount)
    except ValidationError as error:
        errors["amount"] = error
    donor_name, donor_email, message = (donor_name or "").strip(), (donor_email or "").strip(), (message or "").strip()
    if len(donor_name) > Donation._meta.get_field("donor_name").max_length:
        errors["donor_name"] = ValidationError(_("A name can have at most %(n)s characters.") % {
            "n": Donation._meta.get_field("donor_name").max_length})
    if donor_email:
        try:
            validate_email(donor_email)
        except ValidationError:
            errors["donor_email"] = ValidationError(_("Enter a valid email address, or leave it empty."))
    if len(message) > Donation._meta.get_field("message").max_length:
        errors["message"] = ValidationError(_("A message can have at most %(n)s characters.") % {
            "n": Donation._meta.get_field("message").max_length})
    if errors:
        raise ValidationError(errors)
    languages = dict(settings.LANGUAGES)
    language = language if language in languages else settings.LANGUAGE_CODE

    with transaction.atomic():
        donation = Donation.objects.create(
            award=award, fund=pool, amount=amount, donor_name=donor_name, donor_email=donor_email,
            anonymous=bool(anonymous), message=message, language=language)
        log(donation, "seedbed.donation.created", user=user, data={
            "amount": str(amount), "award": award.reference if award else None, "pool": pool.pk if pool else None,
            "anonymous": donation.anonymous})

    try:
        session = stripe_gateway.create_checkout_session(
            amount=amount,
            description=_description(award, pool, language),
            reference=str(donation.public_id),
            metadata={"donation": str(donation.public_id), "award": award.reference if award else "",
                      "pool": pool.pk if pool else ""},
            success_url=_url(success_url, donation),
            cancel_url=_url(cancel_url, donation),
            customer_email=donor_email or None,
            language=language,
            idempotency_key=checkout_idempotency_key(donation),
        )
    except stripe_gateway.GatewayError as error:
        with transaction.atomic():
            donation = Donation.objects.select_for_update().get(pk=donation.pk)
            donation.mark_failed()
            donation.save(update_fields=["status"])
            log(donation, "seedbed.donation.failed", user=user, data={
                "reason": "checkout_not_started", "stripe_code": error.code, "stripe_request": error.request_id})
        raise ValidationError(error.message) from error

    Donation.objects.filter(pk=donation.pk).update(checkout_session_id=session.id)
    donation.checkout_session_id = session.id
    return donation, session.url


# -- webhook events -------------------------------------------------------------------------
def _set_lock_timeout():
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"SET LOCAL lock_timeout = '{LOCK_TIMEOUT}'")


def _plain(event):
    return event.to_dict() if hasattr(event, "to_dict") else dict(event)


def handle_event(event):
    """Act on one verified Stripe event (a `stripe.Event` or the same as a dict), exactly
    once. Returns a `Result`. Raises OperationalError on a lock timeout and RetryLater for an
    event that came too early: the webhook answers 503 to both, and nothing is recorded."""
    payload = _plain(event)
    with transaction.atomic():
        _set_lock_timeout()
        try:
            with transaction.atomic():  # a savepoint: the outer transaction survives a duplicate
                StripeEvent.objects.create(event_id=payload["id"], type=payload.get("type") or "", payload=payload)
        except IntegrityError:
            return Result.DUPLICATE
        handler = HANDLERS.get(payload.get("type"))
        if handler is None:
            return Result.IGNORED
        return handler(payload)


def _moment(payload):
    created = payload.get("created")
    if isinstance(created, int):
        return datetime.fromtimestamp(created, tz=dt_timezone.utc)
    return timezone.now()


def _donation_for_session(summary):
    return Donation.objects.select_for_update().filter(checkout_session_id=summary.session_id).first()


def _checkout_paid(payload):
    """checkout.session.completed (paid) and checkout.session.async_payment_succeeded."""
    summary = stripe_gateway.checkout_session_summary(payload)
    donation = _donation_for_session(summary)
    if donation is None:
        return Result.IGNORED
    if summary.payment_status != "paid":
        # A delayed method (e.g. a bank debit): its outcome arrives as an async event.
        return Result.PROCESSED
    if donation.status != Donation.Status.PENDING:
        # Already counted (a different event for the same session), or closed: never twice.
        return Result.PROCESSED
    if summary.currency.lower() != stripe_gateway.CURRENCY or summary.amount_total != donation.amount:
        logger.error("Stripe session %s for donation %s: %s %s, expected %s %s; not counted",
                     summary.session_id, donation.public_id, summary.amount_total, summary.currency,
                     donation.amount, stripe_gateway.CURRENCY)
        return Result.IGNORED
    donation.mark_paid(_moment(payload))
    donation.payment_intent_id = summary.payment_intent_id
    donation.save(update_fields=["status", "paid_at", "payment_intent_id"])
    matched = ledger.receive_donation(donation)
    log(donation, "seedbed.donation.paid", data={
        "amount": str(donation.amount), "matched": str(matched), "session": summary.session_id,
        "payment_intent": summary.payment_intent_id, "event": payload["id"]})
    events.donation_paid.send(sender=Donation, donation=donation)
    if donation.donor_email:
        _send_receipt(donation)
    return Result.PROCESSED


def _checkout_ended(method, action, **data):
    """A handler for a session that ended without payment: the pending donation is marked
    so (`method`), and the event logged; a donation already settled is left alone."""
    def handle(payload):
        summary = stripe_gateway.checkout_session_summary(payload)
        donation = _donation_for_session(summary)
        if donation is None:
            return Result.IGNORED
        if donation.status == Donation.Status.PENDING:
            getattr(donation, method)()
            donation.save(update_fields=["status"])
            log(donation, action, data={**data, "event": payload["id"]})
        return Result.PROCESSED

    return handle


def _charge_refunded(payload):
    summary = stripe_gateway.refund_summary(payload)
    donation = None
    if summary.payment_intent_id:
        donation = Donation.objects.select_for_update().filter(payment_intent_id=summary.payment_intent_id).first()
    if donation is None:
        named = summary.metadata.get("donation")
        if named and Donation.objects.filter(public_id=as_uuid(named), status=Donation.Status.PENDING).exists():
            raise RetryLater(f"charge.refunded for donation {named} arrived before its payment")
        return Result.IGNORED
    if summary.currency.lower() != stripe_gateway.CURRENCY:
        logger.error("Refund of %s in %s for donation %s: not counted", summary.charge_id, summary.currency,
                     donation.public_id)
        return Result.IGNORED
    before = donation.refunded
    refunded_now = ledger.refund_donation(donation, summary.amount_refunded)
    fully = summary.fully_refunded or donation.refunded >= donation.amount
    became_refunded = fully and donation.status == Donation.Status.PAID
    if became_refunded:
        donation.mark_refunded()
        donation.save(update_fields=["status"])
    if refunded_now > 0 or became_refunded:
        log(donation, "seedbed.donation.refunded", data={
            "stage": "confirmed", "amount": str(refunded_now), "refunded_before": str(before), "refunded_total": str(donation.refunded),
            "match_withdrawn": str(donation.match_withdrawn), "charge": summary.charge_id, "event": payload["id"]})
        events.donation_refunded.send(sender=Donation, donation=donation)
    return Result.PROCESSED


def as_uuid(value):
    try:
        return uuid.UUID(str(value))
    except ValueError:
        return None


HANDLERS = {
    stripe_gateway.CHECKOUT_COMPLETED: _checkout_paid,
    stripe_gateway.CHECKOUT_ASYNC_SUCCEEDED: _checkout_paid,
    stripe_gateway.CHECKOUT_ASYNC_FAILED: _checkout_ended("mark_failed", "seedbed.donation.failed",
                                                          reason="async_payment_failed"),
    stripe_gateway.CHECKOUT_EXPIRED: _checkout_ended("mark_expired", "seedbed.donation.expired"),
    stripe_gateway.CHARGE_REFUNDED: _charge_refunded,
}


# -- matches given back when an award ends --------------------------------------------------
def withdraw_matches(award, released):
    """Record on the award's donations that the matches their funds gave for them were taken
    back (`released`: {fund pk: amount}, what `ledger.close` gave back), newest gift first, so
    that each fund's matches still equal its donations' matches less what was withdrawn. Runs
    in the transaction that ended the award, after the ledger's locks (funds, then the award)."""

    for fund_id, amount in sorted(released.items()):
        gifts = Donation.objects.select_for_update().filter(award=award, match_fund_id=fund_id).order_by("-pk")
        for donation in gifts:
            if amount <= 0:
                break
            part = min(amount, donation.matched - donation.match_withdrawn)
            if part > 0:
                donation.match_withdrawn += part
                donation.save(update_fields=["match_withdrawn"])
                amount -= part


def on_matches_released(sender, award, released, **kwargs):
    """Receiver of grants.funding.events.matches_released (connected in apps.py)."""
    withdraw_matches(award, released)


# -- reconciliation --------------------------------------------------------------------------
def check_pool(fund):
    """The pool's gifts against the donations themselves, as a list of disagreements (empty:
    none): each gift counted into the pool (given to it, or redirected from an award that had
    stopped accepting gifts) has budget entries adding up to what is left of it after refunds,
    and the fund's "donations received" is their sum. `ledger.check_fund` checks the rest."""
    fund.refresh_from_db()
    problems = []
    entries = {}
    for entry in BudgetEntry.objects.filter(fund=fund, kind__in=BudgetEntry.GIFTS):
        entries[entry.donation] = entries.get(entry.donation, ZERO) + entry.amount - entry.not_covered
    gifts = Donation.objects.filter(fund=fund, status__in=[Donation.Status.PAID, Donation.Status.REFUNDED])
    # Gifts counted before the budget ledger began have one entry together, naming no donation.
    before, unentered = entries.pop(None, ZERO), ZERO
    net = ZERO
    for donation in gifts:
        net += donation.net
        if donation.public_id not in entries:
            unentered += donation.net
        elif entries.pop(donation.public_id) != donation.net:
            problems.append(f"donation {donation.public_id}: its entries ≠ {donation.net}")
    if unentered != before:
        problems.append(f"gifts without entries {unentered} ≠ entries before the ledger {before}")
    for public_id, amount in entries.items():
        if amount:
            problems.append(f"entries of {amount} for {public_id}, which is no gift to this pool")
    if net != fund.donations_received:
        problems.append(f"gifts {net} ≠ donations received {fund.donations_received}")
    return problems


# -- the receipt ----------------------------------------------------------------------------
def receipt_urls(donation):
    """(HTML receipt, PDF receipt) as absolute URLs in the donor's language."""
    with translation.override(donation.language):
        return (mail.absolute_url(reverse("donations:receipt", args=[donation.public_id])),
                mail.absolute_url(reverse("donations:receipt_pdf", args=[donation.public_id])))


def receipt_number(donation):
    """What the donor quotes: the payment day (Beijing time) and the start of the donation's UUID."""
    moment = timezone.localtime(donation.paid_at or donation.created_at)
    return f"{moment:%Y%m%d}-{donation.public_id.hex[:8].upper()}"


def _send_receipt(donation):
    html_url, pdf_url = receipt_urls(donation)
    mail.send("donation_receipt", donation.donor_email,
              {"donation": donation, "receipt_number": receipt_number(donation), "receipt_url": html_url,
               "pdf_url": pdf_url}, donation.language)


# -- refunds staff ask for -------------------------------------------------------------------
def refund_idempotency_key(donation, amount):
    """The same request (same donation, same state, same amount) is one refund at Stripe, so a
    double click never refunds twice; after Stripe's confirmation has moved the refunded total,
    a further refund gets a new key."""
    what = "rest" if amount is None else stripe_gateway.to_fen(amount)
    return f"seedbed-donation-{donation.public_id}-refund-{stripe_gateway.to_fen(donation.refunded)}-{what}"


def request_refund(donation, user, amount=None):
    """Staff ask Stripe to refund `amount` yuan of a paid donation (None: all that is left).
    Nothing in the ledger changes here: Stripe's charge.refunded webhook does that, whether the
    refund was made here or in the Stripe dashboard. Returns stripe_gateway's `Refund`."""
    if not permissions.can_manage_funding(user):
        raise ValidationError(_("Only staff can do this."))
    with transaction.atomic():
        donation = Donation.objects.select_for_update().get(pk=donation.pk)
        if donation.status != Donation.Status.PAID or not donation.payment_intent_id:
            raise ValidationError(_("Only a paid donation can be refunded."))
        left = donation.amount - donation.refunded
        if amount is not None:
            try:
                amount = Decimal(amount)
            except (InvalidOperation, TypeError, ValueError):
                raise ValidationError({"amount": _("Enter an amount in yuan, such as 100 or 88.50.")})
            if not amount.is_finite():
                raise ValidationError({"amount": _("Enter an amount in yuan, such as 100 or 88.50.")})
            if amount <= 0:
                raise ValidationError({"amount": _("A refund must be more than ¥0.00.")})
            if amount > left:
                raise ValidationError({"amount": _("At most %(left)s is left to refund.") % {"left": yuan(left)}})
            if amount != round_money(amount):
                raise ValidationError({"amount": _("An amount can have at most two decimal places (fen).")})
            amount = round_money(amount)
            if amount == left:
                amount = None  # all that is left: let Stripe refund exactly the rest
        key = refund_idempotency_key(donation, amount)
    try:
        refund = stripe_gateway.refund(donation.payment_intent_id, amount, key, reason="requested_by_customer",
                                       metadata={"donation": str(donation.public_id), "requested_by": user.pk})
    except stripe_gateway.GatewayError as error:
        raise ValidationError(error.message) from error
    # Logged once Stripe has the request (outside the transaction: Stripe is never called
    # inside one); the ledger's entry follows with Stripe's confirmation.
    log(donation, REFUND_REQUESTED_ACTION, user=user, data={
        "amount": str(refund.amount), "refund": refund.id, "status": refund.status})
    return refund
