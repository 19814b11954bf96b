"""Awards from confirmation to completion: the agreement, tranches and payments, budget
variations, reports, and ending early. Money moves through `ledger`; each step here checks
the award's state machine, locks, and writes the audit entry."""

from datetime import timedelta
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django_fsm import TransitionNotAllowed
from wagtail.log_actions import log

from core import mail
from core.money import yuan
from grants.funding.models import Award, AwardBudgetLine, BudgetVariation, Fund, Tranche
from grants.funding.services import ledger
from grants.impact.models import IndicatorResult, Report
from grants.proposals.models import BudgetLine, Proposal
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
FINAL_REPORT_DAYS = 30  # the final report is due this long after the project ends


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
    default tranches, its reports and the proposal's budget. Inside the caller's transaction;
    funds are locked in key order before anything is committed."""

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
    AwardBudgetLine.objects.bulk_create([
        AwardBudgetLine(award=award, category=line.category, item=line.item, quantity=line.quantity,
                        unit=line.unit, unit_price=line.unit_price, position=line.position)
        for line in proposal.budget_lines.all()])
    middle = award.starts_on + (award.ends_on - award.starts_on) / 2
    Report.objects.bulk_create([
        Report(award=award, kind=Report.Kind.MIDTERM, due_on=middle),
        Report(award=award, kind=Report.Kind.FINAL, due_on=award.ends_on + timedelta(days=FINAL_REPORT_DAYS)),
    ])
    log(award, "seedbed.award.created", user=user, data={
        "amount": str(total), "run": run.pk if run else None,
        "funds": {funds[fund.pk].name_zh: str(amount) for fund, amount in shares.items()}})
    _tell_holders(award, "award_created")
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
    _tell_holders(award, "award_signed")
    return award


# -- payments ------------------------------------------------------------------------------
def condition_problem(tranche):
    """Why the tranche may not be paid yet (a sentence), or None."""
    award = tranche.award
    if award.status != Award.Status.ACTIVE:
        return _("The award is not active: the agreement must be signed first.")
    kind = {Tranche.Condition.MIDTERM_REPORT: Report.Kind.MIDTERM,
            Tranche.Condition.FINAL_REPORT: Report.Kind.FINAL}.get(tranche.condition)
    if kind and not award.reports.filter(kind=kind, status=Report.Status.APPROVED).exists():
        return _("Waiting for the %(report)s to be approved.") % {"report": Report.Kind(kind).label.lower()}
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
    _tell_holders(award, "tranche_paid", {"tranche": tranche})
    _complete_if_done(award, user)
    return tranche


def _complete_if_done(award, user):
    award = ledger.lock_award(award)
    if (award.status == Award.Status.ACTIVE
            and not award.tranches.filter(status=Tranche.Status.PLANNED).exists()
            and award.reports.filter(kind=Report.Kind.FINAL, status=Report.Status.APPROVED).exists()):
        award.complete()
        award.save(update_fields=["status", "updated_at"])
        log(award, "seedbed.award.completed", user=user)
    return award


@transaction.atomic
def terminate(award, user, reason):
    _require_staff(user)
    if not reason.strip():
        raise ValidationError({"reason": _("Give the reason for ending the award.")})
    award = ledger.lock_award(award)
    _step(award, "terminate")
    pool = Fund.objects.filter(kind=Fund.Kind.DONATIONS, is_active=True).order_by("-year", "pk").first()
    ledger.close(award, user, pool)
    award.refresh_from_db()
    award.status = Award.Status.TERMINATED
    award.closing_note = reason.strip()
    award.save(update_fields=["status", "closing_note", "updated_at"])
    log(award, "seedbed.award.terminated", user=user, data={"reason": reason.strip()})
    _tell_holders(award, "award_terminated", {"reason": reason.strip()})
    return award


# -- budget variations ---------------------------------------------------------------------
def clean_lines(lines):
    """Validate proposed budget lines ([{category, item, quantity, unit, unit_price}]) and
    return them with Decimal amounts as strings."""
    categories = dict(BudgetLine.Category.choices)
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
        cleaned.append({"category": line.get("category"), "item": str(line.get("item", "")).strip(),
                        "quantity": str(quantity), "unit": str(line.get("unit", "")).strip(),
                        "unit_price": str(price)})
    if not cleaned and not errors:
        errors.append(_("The budget needs at least one line."))
    if errors:
        raise ValidationError({"lines": errors})
    return cleaned


def _lines_total(lines):
    # Each line rounded half up to the fen, as the proposal's budget lines are
    # (BudgetLine.subtotal): the same lines must give the same total.
    from decimal import ROUND_HALF_UP

    return sum(((Decimal(l["quantity"]) * Decimal(l["unit_price"])).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
                for l in lines), ZERO)


@transaction.atomic
def request_variation(award, user, lines, reason, amount_change=ZERO):
    if organisations_permissions.membership(user, award.proposal.organisation) is None:
        raise ValidationError(_("Only the award holder's members can ask for a variation."))
    award = ledger.lock_award(award)
    if award.status not in (Award.Status.CONTRACTING, Award.Status.ACTIVE):
        raise ValidationError(_("The budget of a finished award cannot change."))
    if award.variations.filter(status=BudgetVariation.Status.REQUESTED).exists():
        raise ValidationError(_("A variation is already waiting for staff: wait for their decision."))
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
    if "lines" not in errors and _lines_total(lines) != award.granted + amount_change + award.cofunding:
        errors["lines"] = _("The budget adds up to %(total)s; with the grant and co-funding it must be %(wanted)s.") % {
            "total": yuan(_lines_total(lines)), "wanted": yuan(award.granted + amount_change + award.cofunding)}
    if errors:
        raise ValidationError(errors)
    # The budget as it stands is kept with the request, so a refused one still shows what it
    # would have changed; approving records it again at the moment it is replaced.
    current = [{"category": l.category, "item": l.item, "quantity": str(l.quantity), "unit": l.unit,
                "unit_price": str(l.unit_price)} for l in award.budget_lines.all()]
    variation = BudgetVariation.objects.create(award=award, requested_by=user, lines=lines, reason=reason.strip(),
                                               amount_change=amount_change, previous_lines=current)
    log(award, "seedbed.award.variation_requested", user=user,
        data={"variation": variation.pk, "amount_change": str(amount_change), "reason": reason.strip()})
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
    _tell_holders(variation.award, "variation_decided", {"variation": variation})
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
        if ((fund.calls.exists() and not fund.calls.filter(pk=proposal.call_id).exists())
                or (fund.themes.exists() and not fund.themes.filter(pk__in=proposal.themes.all()).exists())
                or (fund.streets.exists() and not fund.streets.filter(pk=proposal.street_id).exists())):
            raise ValidationError({"fund": _("%(fund)s may not pay for this project (its call, themes or "
                                             "street).") % {"fund": fund.name}})
        line = award.funding.filter(fund=fund).first()
        already = line.granted if line else ZERO
        if fund.max_per_award is not None and already + change > fund.max_per_award:
            raise ValidationError({"fund": _("%(fund)s gives at most %(most)s to one award.") % {
                "fund": fund.name, "most": yuan(fund.max_per_award)}})
        if fund.max_share is not None and (already + change) * 100 > fund.max_share * (award.granted + change):
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
    if _lines_total(variation.lines) != award.granted + award.cofunding:
        raise ValidationError(_("The proposed budget no longer adds up to the grant and co-funding."))
    variation.previous_lines = [
        {"category": l.category, "item": l.item, "quantity": str(l.quantity), "unit": l.unit,
         "unit_price": str(l.unit_price)} for l in award.budget_lines.all()]
    variation.fund = fund if change > 0 else None
    award.budget_lines.all().delete()
    AwardBudgetLine.objects.bulk_create([
        AwardBudgetLine(award=award, category=l["category"], item=l["item"], quantity=Decimal(l["quantity"]),
                        unit=l["unit"], unit_price=Decimal(l["unit_price"]), position=number)
        for number, l in enumerate(variation.lines)])


# -- reports -------------------------------------------------------------------------------
@transaction.atomic
def save_report(report, user, narrative, results, submit=False):
    """The holder writes the report (results: {indicator pk: (actual, note)}) and may submit
    it; a draft keeps anything, submitting needs the narrative and every result."""
    report = Report.objects.select_for_update().select_related("award__proposal").get(pk=report.pk)
    if organisations_permissions.membership(user, report.award.proposal.organisation) is None:
        raise ValidationError(_("Only the award holder's members can write its reports."))
    if not report.is_editable:
        raise ValidationError(_("This report has been submitted and can no longer be changed."))
    if report.award.status not in (Award.Status.ACTIVE,):
        raise ValidationError(_("Reports are written once the agreement is signed."))
    indicators = list(report.award.proposal.indicators.all())
    results = {pk: (actual, (note or "").strip()) for pk, (actual, note) in results.items()}
    errors = {}
    if any(actual is not None and actual < 0 for actual, _note in results.values()):
        errors["results"] = _("A result cannot be negative.")
    elif submit:
        if not narrative.strip():
            errors["narrative"] = _("Say what was done.")
        missing = [indicator.label for indicator in indicators if results.get(indicator.pk, (None, ""))[0] is None]
        if missing:
            errors["results"] = _("Give the result for: %(names)s.") % {"names": "、".join(missing)}
    if errors:
        raise ValidationError(errors)
    report.narrative = narrative.strip()
    report.save(update_fields=["narrative"])
    for indicator in indicators:
        actual, note = results.get(indicator.pk, (None, ""))
        IndicatorResult.objects.update_or_create(report=report, indicator=indicator,
                                                 defaults={"actual": actual, "note": note})
    if submit:
        report.submit(user, timezone.now())
        report.save(update_fields=["status", "submitted_by", "submitted_at"])
        log(report.award, "seedbed.award.report_submitted", user=user, data={"report": report.kind})
        url = mail.absolute_url(reverse("impact:report", args=[report.award_id, report.pk]))
        for person in people.staff_members():
            mail.send_to_user("report_submitted", person, {"report": report, "url": url})
    return report


@transaction.atomic
def decide_report(report, user, approve, note=""):
    _require_staff(user)
    report = Report.objects.select_for_update().get(pk=report.pk)
    if report.status != Report.Status.SUBMITTED:
        raise ValidationError(_("Only a submitted report can be approved or returned."))
    if not approve and not note.strip():
        raise ValidationError({"note": _("Tell the holder what to change.")})
    if approve:
        report.approve(user, timezone.now())
    else:
        report.return_for_changes(user, timezone.now())
    report.staff_note = note.strip()
    report.save(update_fields=["status", "decided_by", "decided_at", "staff_note"])
    log(report.award, f"seedbed.award.report_{'approved' if approve else 'returned'}", user=user,
        data={"report": report.kind, "note": note.strip()})
    _tell_holders(report.award, "report_decided", {"report": report})
    if approve:
        _complete_if_done(report.award, user)
    return report


# -- telling the holder --------------------------------------------------------------------
def _tell_holders(award, template, context=None):
    organisation = award.proposal.organisation
    url = mail.absolute_url(reverse("funding:award_detail", args=[award.pk]))
    for membership in organisation.memberships.filter(role=Membership.Role.ADMIN).select_related("user"):
        mail.send_to_user(template, membership.user, {"award": award, "url": url, **(context or {})})

