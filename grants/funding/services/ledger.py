"""Every movement of money: commitments, payments, donations, matches, refunds, variations.

The rules the ledger keeps (the database enforces the first three on every row):

- a fund never commits more than its budget nor pays more than it committed;
- an award is never paid more than it was awarded (grants + matches + donations);
- each source of an award (a fund's line, or the donations) is paid at most what it gave;
- the planned (unpaid) tranches of an award always add up to what is still to pay, so the
  last tranche pays every source off exactly;
- a fund's budget is the sum of its `BudgetEntry` rows (opening, staff changes with a reason,
  pool gifts and their refunds): no form writes it;
- an award takes gifts only while `rules.accepts_gifts` says so; a finished award holds
  nothing unpaid, and a gift arriving after it finished goes to the public-donation pool.

Callers hold a transaction; every function here locks the rows it changes, funds in primary
key order first and then the award, so two staff working at once wait for each other instead
of both spending the same remaining budget. Amounts are Decimal yuan, rounded only by
`core.money.round_money` (half up to the fen); shares are corrected by the largest-remainder
method so that they always add up.

Sums are computed in Python on the locked rows, never as `F("paid") + amount` in SQL:
SQLite (the embedded default) does decimal arithmetic in floating point, and 0.03 − 0.02 −
0.01 would come back as 1.7e-18, breaking the constraints by a hair.
"""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils.translation import gettext as _
from wagtail.log_actions import log

from core.money import CENT, round_money, yuan
from grants.funding import events, permissions
from grants.funding.models import (
    Award,
    AwardFunding,
    BudgetEntry,
    Disbursement,
    Fund,
    Tranche,
)
from grants.funding.rules import accepts_gifts

ZERO = Decimal("0")


def lock_funds(pks):
    return {fund.pk: fund for fund in Fund.objects.select_for_update().filter(pk__in=set(pks)).order_by("pk")}


def lock_award(award):
    return Award.objects.select_for_update().get(pk=award.pk)


def _change(row, **deltas):
    """Add each delta to a locked row's column and save just those columns."""

    for name, delta in deltas.items():
        setattr(row, name, getattr(row, name) + delta)
    row.save(update_fields=list(deltas))
    return row


def _locked(model, **lookup):
    return model.objects.select_for_update().get(**lookup)


def _require_atomic():
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("ledger changes must run inside a transaction")


def split_pro_rata(total, weights):
    """`total` split over {key: weight} in proportion, to the fen, adding up exactly. No
    share exceeds its weight when total ≤ Σ weights."""

    weights = {key: weight for key, weight in weights.items() if weight > 0}
    whole = sum(weights.values(), ZERO)
    if not weights or total <= 0:
        return {}
    exact = {key: total * weight / whole for key, weight in weights.items()}
    shares = {key: round_money(value) for key, value in exact.items()}
    # Rounded one by one, the parts may miss the whole by a few fen either way: the fen
    # missing go to the parts rounding took furthest below their exact value, the fen over
    # come from those it took furthest above. A part moved so is still within a fen of its
    # exact value and never crosses a whole fen: no share exceeds its weight (fen amounts).
    leftover = int((total - sum(shares.values(), ZERO)) / CENT)
    if leftover > 0:
        for key in sorted(exact, key=lambda k: (shares[k] - exact[k], str(k)))[:leftover]:
            shares[key] += CENT
    elif leftover < 0:
        for key in sorted(exact, key=lambda k: (exact[k] - shares[k], str(k)))[:-leftover]:
            shares[key] -= CENT
    return {key: share for key, share in shares.items() if share > 0}


# -- budgets -------------------------------------------------------------------------------
def donation_pool():
    """The public-donation pool gifts not made to one project go to (and those a project can no
    longer take): the newest open fund of kind "donations", or None."""
    return (Fund.objects.filter(kind=Fund.Kind.DONATIONS, is_active=True)
            .order_by("-year", "-created_at", "-pk").first())


def _move_budget(fund, kind, amount, user=None, donation=None, reason="", not_covered=ZERO):
    """Change a locked fund's budget by `amount` and record the entry that explains it."""
    if amount:
        _change(fund, budget=amount)
    return BudgetEntry.objects.create(fund=fund, kind=kind, amount=amount, not_covered=not_covered,
                                      donation=donation, reason=reason, created_by=user)


def change_budget(fund, change, reason, user):
    """Staff raise (`change` > 0) or lower a fund's budget, saying why. Returns the fund."""
    if not permissions.can_change_budget(user):
        raise ValidationError(_("Only staff can do this."))
    reason = (reason or "").strip()
    errors = {}
    if not reason:
        errors["reason"] = _("Say why the budget changes.")
    if change is None or not change.is_finite() or change == 0:
        errors["amount"] = _("Enter an amount in yuan above ¥0.00.")
    elif change != round_money(change):
        errors["amount"] = _("An amount can have at most two decimal places (fen).")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        fund = lock_funds([fund.pk])[fund.pk]
        if fund.budget + change < fund.committed:
            raise ValidationError({"amount": _(
                "This fund has already committed %(committed)s: the budget cannot be smaller.") % {
                "committed": yuan(fund.committed)}})
        before = fund.budget
        _move_budget(fund, BudgetEntry.Kind.CHANGE, change, user, reason=reason)
        log(fund, "seedbed.fund.budget_changed", user=user, data={
            "amount": str(change), "before": str(before), "after": str(fund.budget), "reason": reason})
        events.fund_changed.send(sender=Fund, fund=fund)
    return fund


# -- tranches ------------------------------------------------------------------------------
def open_tranches(award):
    return list(Tranche.objects.select_for_update().filter(award=award, status=Tranche.Status.PLANNED)
                .order_by("number"))


def _add_to_open_tranche(award, amount):
    """New money for the project joins its last unpaid tranche (usually the final one), or
    a new tranche staff release when every planned one is already paid."""
    planned = open_tranches(award)
    if planned:
        _change(planned[-1], amount=amount)
    else:
        number = (award.tranches.order_by("-number").values_list("number", flat=True).first() or 0) + 1
        Tranche.objects.create(award=award, number=number, amount=amount, condition=Tranche.Condition.STAFF)


def _take_from_open_tranches(award, amount):
    """Take up to `amount` back out of the unpaid tranches, last first; returns how much."""
    taken = ZERO
    for tranche in reversed(open_tranches(award)):
        if taken >= amount:
            break
        part = min(tranche.amount, amount - taken)
        _change(tranche, amount=-part)
        taken += part
    return taken


def unpaid_planned(award):
    return Tranche.objects.filter(award=award, status=Tranche.Status.PLANNED).aggregate(
        total=Sum("amount"))["total"] or ZERO


# -- commitments ---------------------------------------------------------------------------
def commit(award, fund, amount, user, kind="grant", add_to_tranche=True, note="", donation=None):
    """Fund `amount` of `award` from `fund` (kind "grant" or "match"). The caller holds the
    locks on both (lock_funds, then lock_award)."""
    _require_atomic()
    if amount <= 0:
        return
    fund = _locked(Fund, pk=fund.pk)
    if fund.remaining < amount:
        raise ValidationError(_("%(fund)s has only %(left)s left, not %(amount)s.") % {
            "fund": fund.name, "left": yuan(fund.remaining), "amount": yuan(amount)})
    match = kind == "match"
    column = "matched" if match else "granted"
    _change(fund, committed=amount, **({"matched": amount} if match else {}))
    AwardFunding.objects.get_or_create(award=award, fund=fund)
    _change(_locked(AwardFunding, award=award, fund=fund), **{column: amount})
    _change(lock_award(award), **{column: amount})
    if add_to_tranche:
        _add_to_open_tranche(award, amount)
    data = {"award": award.reference, "amount": str(amount), "kind": kind, "note": note}
    if donation is not None:
        # Kept for tracing, not as the note: the note is shown to people and an id is not for them.
        data["donation"] = str(donation)
    log(fund, f"seedbed.fund.{'matched' if match else 'committed'}", user=user, data=data)
    log(award, f"seedbed.award.{'matched' if match else 'funded'}", user=user, data={**data, "fund": fund.name_zh})


def release(award, fund, amount, user, kind="grant", note=""):
    """Give `amount` of the fund's unpaid commitment to `award` back to the fund, taking it
    out of the award's unpaid tranches. Returns what was released (less if less was free)."""
    _require_atomic()
    line = AwardFunding.objects.select_for_update().get(award=award, fund=fund)
    column = "matched" if kind == "match" else "granted"
    amount = min(amount, getattr(line, column), line.amount - line.paid)
    amount = _take_from_open_tranches(award, amount) if amount > 0 else ZERO
    if amount <= 0:
        return ZERO
    _change(_locked(Fund, pk=fund.pk), committed=-amount, **({"matched": -amount} if kind == "match" else {}))
    _change(line, **{column: -amount})
    _change(lock_award(award), **{column: -amount})
    data = {"award": award.reference, "amount": str(amount), "kind": kind, "note": note}
    log(fund, "seedbed.fund.released", user=user, data=data)
    log(award, "seedbed.award.released", user=user, data={**data, "fund": fund.name_zh})
    return amount


# -- payments ------------------------------------------------------------------------------
def pay(tranche, user, paid_on, reference):
    """Record the payment of a tranche: split it over the award's sources in proportion to
    what each still owes, and post each part to its fund."""
    _require_atomic()
    award = Award.objects.get(pk=tranche.award_id)
    lines = list(AwardFunding.objects.select_for_update().filter(award=award).order_by("fund_id"))
    funds = lock_funds([line.fund_id for line in lines])
    award = lock_award(award)
    tranche = Tranche.objects.select_for_update().get(pk=tranche.pk)
    owed = {line.fund_id: line.amount - line.paid for line in lines}
    owed[None] = award.donations_applied - award.donations_paid
    parts = split_pro_rata(tranche.amount, owed)
    by_fund = {line.fund_id: line for line in lines}
    for fund_id, amount in parts.items():
        Disbursement.objects.create(tranche=tranche, fund_id=fund_id, amount=amount)
        if fund_id is None:
            _change(award, donations_paid=amount)
        else:
            _change(by_fund[fund_id], paid=amount)
            _change(funds[fund_id], paid=amount)
            log(funds[fund_id], "seedbed.fund.paid", user=user,
                data={"award": award.reference, "tranche": tranche.number, "amount": str(amount),
                      "reference": reference})
    _change(award, paid=tranche.amount)
    tranche.pay(paid_on, reference, user)
    tranche.save(update_fields=["status", "paid_on", "payment_reference", "paid_by"])
    # Sent here, not by awards.pay_tranche: a payment is public however it is recorded.
    events.award_changed.send(sender=Award, award=award)
    return tranche, parts


# -- donations -----------------------------------------------------------------------------
def match_fund_for(award):
    """The fund that matches donations to this award: among the open funds funding it with
    matching switched on, the one giving most."""
    line = (AwardFunding.objects.filter(award=award, fund__match_ratio__gt=0, fund__is_active=True, granted__gt=0)
            .select_related("fund").order_by("-granted", "fund_id").first())
    return line.fund if line else None


def _into_pool(pool, donation, kind, user, reason=""):
    amount = donation.amount
    _move_budget(pool, kind, amount, user, donation=donation.public_id, reason=reason)
    _change(pool, donations_received=amount)
    log(pool, "seedbed.fund.donation_received", user=user,
        data={"donation": str(donation.public_id), "amount": str(amount), "note": reason})


def receive_donation(donation, user=None):
    """Count a paid donation: to its award (and earn the match its fund offers) or to the
    public-donation pool's budget. A gift to an award that no longer accepts gifts
    (`rules.accepts_gifts`, asked under the award's lock) goes to the pool instead: the donation
    then names the pool, and the award in `redirected_from`. With no pool open, it is held
    (`redirected_from` set, counted nowhere) for staff to refund. The caller holds the
    donation's lock."""
    _require_atomic()
    amount = donation.amount
    if donation.fund_id:
        pool = lock_funds([donation.fund_id])[donation.fund_id]
        _into_pool(pool, donation, BudgetEntry.Kind.GIFT, user)
        return ZERO
    matching = match_fund_for(donation.award)
    pool = donation_pool()
    lock_funds([fund.pk for fund in (matching, pool) if fund])  # funds before the award, as everywhere
    award = lock_award(donation.award)
    accepts = accepts_gifts(award)
    if not accepts.answer:
        donation.redirected_from = award
        if pool is not None:
            donation.award, donation.fund = None, pool
            _into_pool(_locked(Fund, pk=pool.pk), donation, BudgetEntry.Kind.REDIRECTED_GIFT, user,
                       reason=award.reference)
        donation.save(update_fields=["award", "fund", "redirected_from"])
        log(award, "seedbed.award.donation_redirected", user=user, data={
            "donation": str(donation.public_id), "amount": str(amount), "status": award.status,
            "pool": pool.name_zh if pool else None})
        return ZERO
    award = _change(award, donations_applied=amount)
    _add_to_open_tranche(award, amount)
    log(award, "seedbed.award.donation_received", user=user,
        data={"donation": str(donation.public_id), "amount": str(amount)})
    if not matching:
        return ZERO
    fund = _locked(Fund, pk=matching.pk)
    match = round_money(amount * fund.match_ratio)
    match = min(match, fund.remaining)
    if fund.match_cap is not None:
        match = min(match, fund.match_cap - fund.matched)
    if match <= 0:
        return ZERO
    commit(award, fund, match, user, kind="match", donation=donation.public_id)
    donation.match_fund, donation.matched = fund, match
    donation.save(update_fields=["match_fund", "matched"])
    return match


def refund_donation(donation, refunded_total, user=None):
    """Take a refund into account (Stripe reports the total refunded so far). Money not yet
    paid to the project leaves its unpaid tranches, with the match it earned; money already
    paid out is recorded as a shortfall the centre must recover. Repeating a total already
    recorded changes nothing. Returns the newly refunded amount."""
    _require_atomic()
    refunded_total = min(refunded_total, donation.amount)
    delta = refunded_total - donation.refunded
    if delta <= 0:
        return ZERO
    if donation.award_id and donation.redirected_from_id:
        pass  # held: it never counted anywhere, so the refund takes nothing back
    elif donation.fund_id:
        fund = lock_funds([donation.fund_id])[donation.fund_id]
        cut = min(delta, fund.remaining)
        _move_budget(fund, BudgetEntry.Kind.GIFT_REFUNDED, -cut, user, donation=donation.public_id,
                     not_covered=delta - cut)
        _change(fund, shortfall=delta - cut, donations_received=-delta)
        log(fund, "seedbed.fund.donation_refunded", user=user,
            data={"donation": str(donation.public_id), "amount": str(delta), "not_covered": str(delta - cut)})
    else:
        funds = lock_funds([donation.match_fund_id] if donation.match_fund_id else [])
        award = lock_award(donation.award)
        free = min(unpaid_planned(award), award.donations_applied - award.donations_paid)
        taken = _take_from_open_tranches(award, min(delta, free))
        award = _change(lock_award(award), donations_applied=-taken, refund_shortfall=delta - taken)
        log(award, "seedbed.award.donation_refunded", user=user,
            data={"donation": str(donation.public_id), "amount": str(delta), "not_covered": str(delta - taken)})
        if donation.match_fund_id:
            # The match follows the gift: the share of it refunded so far, all of it when the
            # whole gift is refunded (whatever the fund's ratio is today).
            if refunded_total >= donation.amount:
                target = donation.matched
            else:
                target = round_money(donation.matched * refunded_total / donation.amount)
            owed = target - donation.match_withdrawn
            withdrawn = release(award, funds[donation.match_fund_id], owed, user, kind="match",
                                note=str(donation.public_id)) if owed > 0 else ZERO
            donation.match_withdrawn += withdrawn
    donation.refunded = refunded_total
    donation.save(update_fields=["refunded", "match_withdrawn"])
    return delta


def close(award, user, pool=None):
    """An award ends early: every unpaid commitment goes back to its fund (matches first),
    unpaid tranches are cancelled, and donations not yet paid out go to the public-donation
    pool. Returns the matches given back, {fund pk: amount}: which of the award's donations
    lose them is grants.donations' to record (awards.terminate tells it)."""
    _require_atomic()
    lines = list(AwardFunding.objects.filter(award=award))
    funds = lock_funds([line.fund_id for line in lines] + ([pool.pk] if pool else []))
    award = lock_award(award)
    matches_released = {}
    for line in lines:
        for kind, column in (("match", "matched"), ("grant", "granted")):
            line.refresh_from_db()
            left = min(getattr(line, column), line.amount - line.paid)
            if left <= 0:
                continue
            released = release(award, funds[line.fund_id], left, user, kind=kind, note=_("award ended"))
            if kind == "match" and released > 0:
                matches_released[line.fund_id] = released
    award.refresh_from_db()
    held = award.donations_applied - award.donations_paid
    if held > 0:
        taken = _take_from_open_tranches(award, held)
        award = _change(lock_award(award), donations_applied=-taken)
        if pool is not None:
            _move_budget(_locked(Fund, pk=pool.pk), BudgetEntry.Kind.ENDED_AWARD, taken, user,
                         reason=award.reference)
            log(funds[pool.pk], "seedbed.fund.donation_received", user=user,
                data={"award": award.reference, "amount": str(taken), "note": _("donations of an ended award")})
    for tranche in open_tranches(award):
        tranche.cancel()
        tranche.save(update_fields=["status"])
    return matches_released


def check_award(award):
    """The invariants of one award, as a list of broken ones (empty: all hold). Used by the
    reconciliation page and the property-based tests."""
    award.refresh_from_db()
    lines = list(award.funding.all())
    problems = []
    live = award.tranches.exclude(status=Tranche.Status.CANCELLED)
    planned = sum((t.amount for t in live if t.status == Tranche.Status.PLANNED), ZERO)
    paid = sum((t.amount for t in live if t.status == Tranche.Status.PAID), ZERO)
    if award.status != Award.Status.TERMINATED and planned != award.amount - award.paid:
        problems.append(f"planned tranches {planned} ≠ still to pay {award.amount - award.paid}")
    if not accepts_gifts(award).answer:
        # Ending gives back or hands on everything unpaid, so money or a tranche that is still
        # open was credited after the award stopped taking gifts.
        if award.amount != award.paid:
            problems.append(f"a {award.status} award holds {award.amount - award.paid} unpaid "
                            "(donations or matches credited after it stopped accepting gifts?)")
        if planned or live.filter(status=Tranche.Status.PLANNED).exists():
            problems.append(f"a {award.status} award has unpaid tranches ({planned})")
    if paid != award.paid:
        problems.append(f"paid tranches {paid} ≠ award paid {award.paid}")
    if sum((line.granted for line in lines), ZERO) != award.granted:
        problems.append("funding lines' grants ≠ award grant")
    if sum((line.matched for line in lines), ZERO) != award.matched:
        problems.append("funding lines' matches ≠ award matches")
    disbursed = Disbursement.objects.filter(tranche__award=award)
    if sum((d.amount for d in disbursed), ZERO) != award.paid:
        problems.append("disbursements ≠ award paid")
    for line in lines:
        if sum((d.amount for d in disbursed if d.fund_id == line.fund_id), ZERO) != line.paid:
            problems.append(f"disbursements of fund {line.fund_id} ≠ its line's paid")
    if sum((d.amount for d in disbursed if d.fund_id is None), ZERO) != award.donations_paid:
        problems.append("donation disbursements ≠ donations paid")
    if award.paid > award.amount:
        problems.append("paid more than awarded")
    return problems


def check_fund(fund):
    fund.refresh_from_db()
    lines = AwardFunding.objects.filter(fund=fund).aggregate(
        granted=Sum("granted"), matched=Sum("matched"), paid=Sum("paid"))
    problems = []
    if (lines["granted"] or ZERO) + (lines["matched"] or ZERO) != fund.committed:
        problems.append(f"lines {lines} ≠ committed {fund.committed}")
    if (lines["matched"] or ZERO) != fund.matched:
        problems.append("lines' matches ≠ fund matched")
    if (lines["paid"] or ZERO) != fund.paid:
        problems.append("lines' paid ≠ fund paid")
    if not (ZERO <= fund.paid <= fund.committed <= fund.budget):
        problems.append("paid ≤ committed ≤ budget broken")
    if fund.match_cap is not None and fund.matched > fund.match_cap:
        problems.append("matched above the cap")
    entries = list(fund.budget_entries.all())
    if (total := sum((entry.amount for entry in entries), ZERO)) != fund.budget:
        problems.append(f"budget {fund.budget} ≠ its entries {total}")
    gifts = [entry for entry in entries if entry.kind in BudgetEntry.GIFTS]
    if (received := sum((entry.amount - entry.not_covered for entry in gifts), ZERO)) != fund.donations_received:
        problems.append(f"donations received {fund.donations_received} ≠ its gifts' entries {received}")
    if (not_covered := sum((entry.not_covered for entry in entries), ZERO)) != fund.shortfall:
        problems.append(f"refunds not covered {fund.shortfall} ≠ its entries {not_covered}")
    return problems


