"""Awards from confirmation to completion: the agreement, tranches and payments, budget
variations, the conditions tranches wait for, and ending early. Money moves through `ledger`;
each step here checks the award's state machine, locks, and writes the audit entry.

Reports are grants.impact's, which sits above funding: funding never reads them. It announces
a new award (`events.award_created`, on which impact plans the reports), and impact tells it
when a report is approved (`meet_condition`); tranches and completion read what that recorded
(`MetCondition`). Likewise the donations that lose their match when an award ends are
grants.donations' to record (`events.matches_released`)."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_fsm import TransitionNotAllowed
from wagtail.log_actions import log

from core import mail
from core.money import yuan
from grants.funding import events, rules
from grants.funding.matching import share_cap
from grants.funding.models import (
    Award,
    AwardBudgetLine,
    BudgetVariation,
    MetCondition,
    Tranche,
)
from grants.funding.services import ledger
from grants.proposals.models import BudgetLine, Proposal, budget_total
from incubator.accounts import permissions as people
from incubator.organisations import permissions as organisations_permissions
from incubator.organisations.models import Membership

ZERO = Decimal("0")
# The usual schedule (50 % on signing, 40 % after the mid-term report, 10 % after the final
# report); staff may change the shares while the award is being contracted.
DEFAULT_SCHEDULE = [
    (Decimal("50"), Tranche.Condition.SIGNING),
    (Decimal("40"), Tranche.Condition.MIDTERM_REPORT),
    (Decimal("10"), Tranche.Condition.FINAL_REPORT),
]
# The conditions met by an approved report (meet_condition), and what a tranche waiting for
# one says while it waits.
WAITING_FOR = {
    Tranche.Condition.MIDTERM_REPORT: gettext_lazy("Waiting for the mid-term report to be approved."),
    Tranche.Condition.FINAL_REPORT: gettext_lazy("Waiting for the final report to be approved."),
}


def _require_staff(user):
    if not people.is_staff_member(user):
        raise ValidationError(_("Only staff can do this."))


def _step(award, method, *args):
    try:
        getattr(award, method)(*args)
    except TransitionNotAllowed:
        raise ValidationError(_("An award that is “%(status)s” cannot do this.") % {
            "status": award.get_status_display()})


# -- creation ------------------------------------------------------------------------------
def create_award(proposal, shares, user, run=None):
    """The award for an approved proposal funded by `shares` ({fund: amount}), with the
    default tranches and the proposal's budget; `events.award_created` lets the apps above
    add theirs (its reports). Inside the caller's transaction; funds are locked in key order
    before anything is committed."""

    ledger._require_atomic()
    funds = ledger.lock_funds([fund.pk for fund in shares])
    proposal = Proposal.objects.select_for_update().get(pk=proposal.pk)
    if proposal.status != Proposal.Status.APPROVED:
        raise ValidationError(_("%(reference)s is not approved.") % {"reference": proposal.reference})
    if Award.objects.filter(proposal=proposal).exists():
        raise ValidationError(_("%(reference)s is already funded.") % {"reference": proposal.reference})
    total = sum(shares.values(), ZERO)
    if total != proposal.requested_amount:
        raise ValidationError(_("The funds' shares add up to %(total)s, not the %(asked)s asked for.") % {
            "total": yuan(total), "asked": yuan(proposal.requested_amount)})
    award = Award.objects.create(proposal=proposal, call=proposal.call, organisation=proposal.organisation,
                                 street=proposal.street, run=run, starts_on=proposal.starts_on,
                                 ends_on=proposal.ends_on, cofunding=proposal.cofunding_amount or ZERO)
    for fund, amount in sorted(shares.items(), key=lambda pair: pair[0].pk):
        ledger.commit(award, funds[fund.pk], amount, user, add_to_tranche=False)
    _plan_tranches(award, total, DEFAULT_SCHEDULE)
    AwardBudgetLine.objects.bulk_create(
        AwardBudgetLine.from_json(BudgetLine.to_json(proposal.budget_lines.all()), award=award))
    events.award_created.send(sender=Award, award=award, user=user)
    log(award, "seedbed.award.created", user=user, data={
        "amount": str(total), "run": run.pk if run else None,
        "funds": {funds[fund.pk].name_zh: str(amount) for fund, amount in shares.items()}})
    events.award_changed.send(sender=Award, award=award)
    tell_holders(award, "award_created")
    award.refresh_from_db()
    return award


def _plan_tranches(award, total, schedule):
    amounts = ledger.split_pro_rata(total, {number: percent for number, (percent, _c) in enumerate(schedule)})
    Tranche.objects.bulk_create([
        Tranche(award=award, number=number + 1, percent=percent, condition=condition,
                amount=amounts.get(number, ZERO))
        for number, (percent, condition) in enumerate(schedule)])


@transaction.atomic
def set_schedule(award, schedule, user):
    """Replace the tranches of an award still being contracted: [(percent, condition)]."""

    _require_staff(user)
    award = ledger.lock_award(award)
    if award.status != Award.Status.CONTRACTING or award.tranches.filter(status=Tranche.Status.PAID).exists():
        raise ValidationError(_("Tranches can only be changed before the agreement is signed."))
    if not schedule or sum(percent for percent, _c in schedule) != 100:
        raise ValidationError(_("The tranches' shares must add up to 100%."))
    if any(percent <= 0 for percent, _c in schedule):
        raise ValidationError(_("Each tranche needs a share above 0%."))
    award.tranches.all().delete()
    _plan_tranches(award, award.amount, schedule)
    log(award, "seedbed.award.schedule_changed", user=user,
        data={"schedule": [[str(p), c] for p, c in schedule]})
    events.award_changed.send(sender=Award, award=award)
    return award


# -- the agreement -------------------------------------------------------------------------
@transaction.atomic
def sign(award, user, signed_copy):
    """Staff record the signed agreement (its scan is stored privately); the award starts."""
    _require_staff(user)
    award = ledger.lock_award(award)
    _step(award, "sign")
    if signed_copy is None:
        raise ValidationError({"signed_copy": _("Upload the signed agreement.")})
    award.signed_copy.save(signed_copy.name, signed_copy, save=False)
    award.signed_at = timezone.now()
    award.save(update_fields=["status", "signed_copy", "signed_at", "updated_at"])
    log(award, "seedbed.award.signed", user=user, data={"file": award.signed_copy.name})
    events.award_changed.send(sender=Award, award=award)
    tell_holders(award, "award_signed")
    return award


# -- payments ------------------------------------------------------------------------------
def condition_problem(tranche):
    """Why the tranche may not be paid yet (a sentence), or None."""
    award = tranche.award
    if award.status != Award.Status.ACTIVE:
        return _("The award is not active: the agreement must be signed first.")
    if tranche.condition in WAITING_FOR and not award.met_conditions.filter(condition=tranche.condition).exists():
        return str(WAITING_FOR[tranche.condition])
    earlier = award.tranches.filter(number__lt=tranche.number, status=Tranche.Status.PLANNED).exclude(amount=0)
    if earlier.exists():
        return _("Tranche %(number)s has to be paid first.") % {"number": earlier.first().number}
    return None


@transaction.atomic
def pay_tranche(tranche, user, paid_on, reference):
    _require_staff(user)
    tranche = Tranche.objects.select_for_update().select_related("award").get(pk=tranche.pk)
    if tranche.status != Tranche.Status.PLANNED:
        raise ValidationError(_("This tranche is no longer open."))
    errors = {}
    if paid_on is None:
        errors["paid_on"] = _("Give the date of the payment.")
    elif paid_on > timezone.localdate():
        errors["paid_on"] = _("A payment cannot be dated in the future.")
    if not (reference or "").strip():
        errors["reference"] = _("Give the bank or voucher reference of the payment.")
    if tranche.amount <= 0:
        errors[None] = _("This tranche has nothing to pay.")
    if errors:
        raise ValidationError(errors)
    if problem := condition_problem(tranche):
        raise ValidationError(problem)
    tranche, parts = ledger.pay(tranche, user, paid_on, reference.strip())
    award = tranche.award
    log(award, "seedbed.award.tranche_paid", user=user, data={
        "tranche": tranche.number, "amount": str(tranche.amount), "paid_on": str(paid_on),
        "reference": tranche.payment_reference,
        "parts": {str(key or "donations"): str(value) for key, value in parts.items()}})
    tell_holders(award, "tranche_paid", {"tranche": tranche})
    _complete_if_done(award, user)
    return tranche


@transaction.atomic
def meet_condition(award, condition, user):
    """Record that a report `condition` of the award now holds (grants.impact calls this when
    staff approve the mid-term or final report, in the same transaction): the tranches waiting
    for it may be paid, and an award with nothing left to pay completes once its final report
    is approved. The approval's audit entry is the report's own ("seedbed.award.report_approved");
    completing writes "seedbed.award.completed". Repeating it changes nothing."""

    if condition not in WAITING_FOR:
        raise ValueError(f"{condition!r} is not met by a report")
    award = ledger.lock_award(award)
    MetCondition.objects.get_or_create(award=award, condition=condition,
                                       defaults={"met_at": timezone.now(), "met_by": user})
    return _complete_if_done(award, user)


def _complete_if_done(award, user):
    award = ledger.lock_award(award)
    if (award.status == Award.Status.ACTIVE
            and not award.tranches.filter(status=Tranche.Status.PLANNED).exists()
            and award.met_conditions.filter(condition=Tranche.Condition.FINAL_REPORT).exists()):
        award.complete()
        award.save(update_fields=["status", "updated_at"])
        log(award, "seedbed.award.completed", user=user)
        events.award_changed.send(sender=Award, award=award)
    return award


@transaction.atomic
def terminate(award, user, reason):
    _require_staff(user)
    if not reason.strip():
        raise ValidationError({"reason": _("Give the reason for ending the award.")})
    pool = ledger.donation_pool()
    # Funds before the award: the ledger's lock order (a gift arriving now waits for this).
    ledger.lock_funds([line.fund_id for line in award.funding.all()] + ([pool.pk] if pool else []))
    award = ledger.lock_award(award)
    _step(award, "terminate")
    released = ledger.close(award, user, pool)
    if released:
        events.matches_released.send(sender=Award, award=award, user=user, released=released)
    award.refresh_from_db()
    award.status = Award.Status.TERMINATED
    award.closing_note = reason.strip()
    award.save(update_fields=["status", "closing_note", "updated_at"])
    log(award, "seedbed.award.terminated", user=user, data={"reason": reason.strip()})
    events.award_changed.send(sender=Award, award=award)
    tell_holders(award, "award_terminated", {"reason": reason.strip()})
    return award


# -- budget variations ---------------------------------------------------------------------
def clean_lines(lines):
    """Validate proposed budget lines ([{category, item, quantity, unit, unit_price}], amounts
    as Decimals or their strings) and return them as unsaved award budget lines."""
    categories = dict(AwardBudgetLine.Category.choices)
    cleaned, errors = [], []
    for number, line in enumerate(lines, start=1):
        try:
            quantity, price = Decimal(str(line["quantity"])), Decimal(str(line["unit_price"]))
        except (KeyError, ArithmeticError, ValueError):
            errors.append(_("Line %(number)s: give a quantity and a unit price.") % {"number": number})
            continue
        if line.get("category") not in categories or not str(line.get("item", "")).strip() \
                or not str(line.get("unit", "")).strip():
            errors.append(_("Line %(number)s: give the category, the item and the unit.") % {"number": number})
        elif quantity <= 0 or price < 0 or price.as_tuple().exponent < -2:
            errors.append(_("Line %(number)s: the quantity must be above 0 and the price in yuan and fen.") % {
                "number": number})
        cleaned.append(AwardBudgetLine(category=line.get("category"), item=str(line.get("item", "")).strip(),
                                       quantity=quantity, unit=str(line.get("unit", "")).strip(), unit_price=price))
    if not cleaned and not errors:
        errors.append(_("The budget needs at least one line."))
    if errors:
        raise ValidationError({"lines": errors})
    return cleaned


def why_no_variation(award):
    """Why the holder cannot ask for a variation now (a sentence), or None."""
    if award.status not in (Award.Status.CONTRACTING, Award.Status.ACTIVE):
        return _("The budget of a finished award cannot change.")
    if award.variations.filter(status=BudgetVariation.Status.REQUESTED).exists():
        return _("A variation is already waiting for staff: wait for their decision.")
    return None


@transaction.atomic
def request_variation(award, user, lines, reason, amount_change=ZERO):
    if organisations_permissions.membership(user, award.proposal.organisation) is None:
        raise ValidationError(_("Only the award holder's members can ask for a variation."))
    award = ledger.lock_award(award)
    if refusal := why_no_variation(award):
        raise ValidationError(refusal)
    errors = {}
    amount_change = Decimal(amount_change or 0)
    if not reason.strip():
        errors["reason"] = _("Say why the budget should change.")
    try:
        lines = clean_lines(lines)
    except ValidationError as error:
        errors.update(error.message_dict)
    # What each fund has paid beyond its matches came out of its grant: that part of the
    # grant cannot be given back (the same rule ledger.release applies, line by line).
    paid_from_grant = sum((max(ZERO, line.paid - line.matched) for line in award.funding.all()), ZERO)
    if amount_change.as_tuple().exponent < -2:
        errors["amount_change"] = _("Give the change in yuan and fen.")
    elif amount_change < 0 and award.granted + amount_change < paid_from_grant:
        errors["amount_change"] = _("The grant cannot fall below what has been paid.")
    wanted = award.granted + amount_change + award.cofunding
    if "lines" not in errors and (total := budget_total(lines)) != wanted:
        errors["lines"] = _("The budget adds up to %(total)s; with the grant and co-funding it must be %(wanted)s.") % {
            "total": yuan(total), "wanted": yuan(wanted)}
    if errors:
        raise ValidationError(errors)
    # The budget as it stands is kept with the request, so a refused one still shows what it
    # would have changed; approving records it again at the moment it is replaced.
    variation = BudgetVariation.objects.create(
        award=award, requested_by=user, lines=AwardBudgetLine.to_json(lines), reason=reason.strip(),
        amount_change=amount_change,
        previous_lines=AwardBudgetLine.to_json(award.budget_lines.all()))
    log(award, "seedbed.award.variation_requested", user=user,
        data={"variation": variation.pk, "amount_change": str(amount_change), "reason": reason.strip()})
    events.award_changed.send(sender=Award, award=award)
    url = mail.absolute_url(reverse("funding:award_detail", args=[award.pk]) + "#variations")
    for person in people.staff_members():
        mail.send_to_user("variation_requested", person, {"award": award, "variation": variation, "url": url})
    return variation


@transaction.atomic
def decide_variation(variation, user, approve, note="", fund=None):
    """Approve (apply the new budget and, if asked, the change to the grant) or reject."""
    _require_staff(user)
    variation = BudgetVariation.objects.select_for_update().get(pk=variation.pk)
    if variation.status != BudgetVariation.Status.REQUESTED:
        raise ValidationError(_("This variation has already been decided."))
    if not approve:
        if not note.strip():
            raise ValidationError({"note": _("Tell the holder why the variation is refused.")})
        variation.reject()
    else:
        _apply_variation(variation, user, fund or variation.fund)
        variation.approve()
    variation.decided_by, variation.decided_at, variation.decision_note = user, timezone.now(), note.strip()
    variation.save()
    log(variation.award, f"seedbed.award.variation_{variation.status}", user=user, data={
        "variation": variation.pk, "amount_change": str(variation.amount_change), "note": note.strip(),
        "fund": variation.fund.name_zh if variation.fund else None})
    events.award_changed.send(sender=Award, award=variation.award)
    tell_holders(variation.award, "variation_decided", {"variation": variation})
    return variation


def _apply_variation(variation, user, fund):
    change = variation.amount_change
    award = variation.award
    if award.status not in (Award.Status.CONTRACTING, Award.Status.ACTIVE):
        raise ValidationError(_("The budget of a finished award cannot change."))
    if change > 0:
        if fund is None:
            raise ValidationError({"fund": _("Choose the fund that pays the increase.")})
        funds = ledger.lock_funds([fund.pk])
        award = ledger.lock_award(award)
        fund = funds[fund.pk]
        if not fund.is_active:
            raise ValidationError({"fund": _("%(fund)s is closed: choose an open fund.") % {"fund": fund.name}})
        proposal = award.proposal
        if problem := rules.pay_problem(fund, proposal):
            raise ValidationError({"fund": problem})
        line = award.funding.filter(fund=fund).first()
        already = line.granted if line else ZERO
        if fund.max_per_award is not None and already + change > fund.max_per_award:
            raise ValidationError({"fund": _("%(fund)s gives at most %(most)s to one award.") % {
                "fund": fund.name, "most": yuan(fund.max_per_award)}})
        if fund.max_share is not None and already + change > share_cap(award.granted + change, fund.max_share):
            raise ValidationError({"fund": _("%(fund)s may cover at most %(share)s%% of an award.") % {
                "fund": fund.name, "share": fund.max_share}})
        try:
            ledger.commit(award, fund, change, user, note=_("budget variation"))
        except ValidationError as error:  # not enough left in the fund
            raise ValidationError({"fund": error.messages})
    elif change < 0:
        # Funds first, then the award: the ledger's lock order.
        lines = sorted(award.funding.all(), key=lambda line: (-line.granted, line.fund_id))
        funds = ledger.lock_funds([line.fund_id for line in lines])
        award = ledger.lock_award(award)
        wanted = -change
        for line in lines:
            if wanted <= 0:
                break
            wanted -= ledger.release(award, funds[line.fund_id], wanted, user, note=_("budget variation"))
        if wanted > 0:
            raise ValidationError({"amount_change": _("Only %(free)s of the grant is still unpaid.") % {
                "free": yuan(-change - wanted)}})
    award = ledger.lock_award(award)
    if award.status not in (Award.Status.CONTRACTING, Award.Status.ACTIVE):  # ended meanwhile
        raise ValidationError(_("The budget of a finished award cannot change."))
    if budget_total(AwardBudgetLine.from_json(variation.lines)) != award.granted + award.cofunding:
        raise ValidationError(_("The proposed budget no longer adds up to the grant and co-funding."))
    variation.previous_lines = AwardBudgetLine.to_json(award.budget_lines.all())
    variation.fund = fund if change > 0 else None
    award.budget_lines.all().delete()
    AwardBudgetLine.objects.bulk_create(AwardBudgetLine.from_json(variation.lines, award=award))


# -- telling the holder --------------------------------------------------------------------
def tell_holders(award, template, context=None):
    """Email the award holder's administrators (`template`: one of templates/emails/), with a
    link to the award."""
    organisation = award.proposal.organisation
    url = mail.absolute_url(reverse("funding:award_detail", args=[award.pk]))
    for membership in organisation.memberships.filter(role=Membership.Role.ADMIN).select_related("user"):
        mail.send_to_user(template, membership.user, {"award": award, "url": url, **(context or {})})

