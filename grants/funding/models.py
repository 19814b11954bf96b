"""Funds, matching runs, awards and their money: funding lines, tranches, disbursements and
budget variations.

The money columns here (committed, paid, matched, …) are ledgers kept by
`grants.funding.services.ledger` under row locks; the database refuses any state in which they
break the invariants (paid ≤ committed ≤ budget, paid ≤ awarded), so a bug or a race
raises an IntegrityError instead of silently losing a fen.
"""

import uuid
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models, transaction
from django.db.models import F, Q
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, transition

from core.money import money_field
from core.storage import private_storage
from grants.calls.models import CallPage, Theme
from grants.funding.rules import accepts_gifts
from grants.proposals.models import BudgetLineBase, Proposal
from incubator.places.models import Street

ZERO = Decimal("0")


def ledger_field(verbose_name):
    return money_field(verbose_name, default=ZERO, editable=False)


class Fund(models.Model):
    """A source of money for one year, with the rules of what it may pay for."""

    class Kind(models.TextChoices):
        GOVERNMENT = "government", _("Government purchase of services (政府购买服务)")
        WELFARE_LOTTERY = "welfare_lottery", _("Welfare-lottery public-welfare fund (福彩公益金)")
        FOUNDATION = "foundation", _("Foundation (基金会)")
        COMPANY = "company", _("Company (企业)")
        DONATIONS = "donations", _("Public-donation pool (公众募捐)")

    name_zh = models.CharField(_("name (Chinese)"), max_length=120)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    kind = models.CharField(_("source type"), max_length=20, choices=Kind.choices)
    year = models.PositiveSmallIntegerField(
        _("year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)])
    owner_zh = models.CharField(_("owner (Chinese)"), max_length=120, help_text=_(
        "The body the money belongs to, e.g. 南岸区民政局 or a foundation."))
    owner_en = models.CharField(_("owner (English)"), max_length=200, blank=True)
    owner_uscc = models.CharField(
        _("owner's Unified Social Credit Code"), max_length=18, blank=True,
        help_text=_("Identifies the funder in the open data; leave empty if it has none."))
    description = models.TextField(_("description"), blank=True)
    managers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("funder accounts"), blank=True, related_name="managed_funds",
        help_text=_("People of the funder who may see this fund's projects and reports."))
    is_active = models.BooleanField(_("open for matching"), default=True)

    budget = money_field(_("budget (yuan)"))
    committed = ledger_field(_("committed"))
    paid = ledger_field(_("paid"))
    matched = ledger_field(_("matched donations"))
    # Refunds of pool donations whose money was already committed: the centre must make
    # them good (see services.ledger.refund_donation).
    shortfall = ledger_field(_("refunds not covered"))
    # What gifts to the pool brought in, less what was refunded of them (services.ledger
    # receive_donation / refund_donation): the funds list shows it without reading donations.
    donations_received = ledger_field(_("donations received"))

    calls = models.ManyToManyField(CallPage, verbose_name=_("calls it may pay for"), blank=True,
                                   related_name="funds", help_text=_("None ticked: any call."))
    themes = models.ManyToManyField(Theme, verbose_name=_("themes it may pay for"), blank=True,
                                    related_name="funds", help_text=_("None ticked: any theme."))
    streets = models.ManyToManyField(Street, verbose_name=_("streets it may pay for"), blank=True,
                                     related_name="funds", help_text=_("None ticked: the whole district."))
    max_per_award = money_field(_("most it gives one award (yuan)"), null=True, blank=True)
    max_share = models.DecimalField(
        _("largest share of one award (%)"), max_digits=5, decimal_places=2, null=True, blank=True,
        validators=[MinValueValidator(Decimal("0.01")), MaxValueValidator(Decimal("100"))],
        help_text=_("Empty: it may pay for a whole award."))
    match_ratio = models.DecimalField(
        _("matches public donations at"), max_digits=5, decimal_places=2, default=ZERO,
        validators=[MinValueValidator(ZERO), MaxValueValidator(Decimal("10"))],
        help_text=_("Yuan added per yuan donated to the projects it funds: 1 for 1:1, 0 for no matching."))
    match_cap = money_field(_("most it gives in matches (yuan)"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    # Moved only by services.ledger; the budget too, after the fund's creation (its opening
    # entry): pool gifts raise it while an edit form may be open.
    LEDGER = ("budget", "committed", "paid", "matched", "shortfall", "donations_received")

    class Meta:
        verbose_name = _("fund")
        verbose_name_plural = _("funds")
        ordering = ["-year", "name_zh"]
        constraints = [
            models.CheckConstraint(condition=Q(budget__gte=0, committed__gte=0, paid__gte=0, matched__gte=0,
                                               shortfall__gte=0, donations_received__gte=0),
                                   name="fund_amounts_not_negative"),
            models.CheckConstraint(condition=Q(committed__lte=F("budget")), name="fund_committed_within_budget"),
            models.CheckConstraint(condition=Q(paid__lte=F("committed")), name="fund_paid_within_committed"),
            models.CheckConstraint(condition=Q(matched__lte=F("committed")), name="fund_matched_within_committed"),
            models.CheckConstraint(condition=Q(match_cap__isnull=True) | Q(matched__lte=F("match_cap")),
                                   name="fund_matched_within_cap"),
            models.CheckConstraint(condition=Q(max_share__isnull=True) | Q(max_share__gt=0, max_share__lte=100),
                                   name="fund_share_is_a_percentage"),
            models.CheckConstraint(condition=Q(match_ratio__gte=0), name="fund_match_ratio_not_negative"),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        # The ledger columns change only through services.ledger, under a lock; an edit form
        # saving a stale copy must never write them back.
        if self.pk and not self._state.adding and not kwargs.get("update_fields") \
                and not kwargs.get("force_insert"):
            kwargs["update_fields"] = [f.name for f in self._meta.concrete_fields
                                       if not f.primary_key and f.name not in self.LEDGER]
        if not self._state.adding:
            super().save(*args, **kwargs)
            return
        # The budget a fund is created with is its opening entry: from then on the budget
        # is the sum of its entries (services.ledger.check_fund).
        with transaction.atomic():
            super().save(*args, **kwargs)
            BudgetEntry.objects.create(fund=self, kind=BudgetEntry.Kind.OPENING, amount=self.budget)

    @property
    def name(self):
        return self.name_en if self.name_en and (get_language() or "").startswith("en") else self.name_zh

    @property
    def owner(self):
        return self.owner_en if self.owner_en and (get_language() or "").startswith("en") else self.owner_zh

    @property
    def remaining(self):
        return self.budget - self.committed

    @property
    def to_pay(self):
        return self.committed - self.paid

    @property
    def matches_donations(self):
        return self.match_ratio > 0

    @property
    def match_left(self):
        """How much more this fund may give in matches (None: no cap but its budget)."""

        return None if self.match_cap is None else self.match_cap - self.matched


class BudgetEntry(models.Model):
    """One movement of a fund's budget: its opening amount, a change staff made (with its
    reason), a gift to the pool or its refund, the donations an ended award handed on. The
    budget always equals the sum of its fund's entries."""

    class Kind(models.TextChoices):
        OPENING = "opening", _("Opening budget")
        CHANGE = "change", _("Changed by staff")
        GIFT = "gift", _("Gift to the pool")
        REDIRECTED_GIFT = "redirected_gift", _("Gift to a project that no longer accepted gifts")
        GIFT_REFUNDED = "gift_refunded", _("Gift refunded")
        ENDED_AWARD = "ended_award", _("Donations of an ended award")

    fund = models.ForeignKey(Fund, on_delete=models.PROTECT, related_name="budget_entries")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    # Signed: a lowered budget or a refund is negative.
    amount = models.DecimalField(_("amount (yuan)"), max_digits=14, decimal_places=2)
    # Of a refund, the part the budget could not give back (the fund's shortfall).
    not_covered = money_field(_("refunds not covered"), default=ZERO)
    # The gift's public id: grants.donations sits above funding, so no foreign key.
    donation = models.UUIDField(null=True, blank=True, db_index=True)
    reason = models.TextField(_("reason"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    GIFTS = (Kind.GIFT, Kind.REDIRECTED_GIFT, Kind.GIFT_REFUNDED)

    class Meta:
        verbose_name = _("budget entry")
        verbose_name_plural = _("budget entries")
        ordering = ["fund", "created_at", "pk"]
        constraints = [models.CheckConstraint(condition=Q(not_covered__gte=0), name="budget_entry_not_covered")]


class MatchingRun(models.Model):
    """One proposed allocation of approved proposals to funds, kept whether or not it was
    confirmed. Runs are computed in the background; `progress` and `stage` say how far."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Ready to confirm")
        FAILED = "failed", _("Failed")
        CONFIRMED = "confirmed", _("Confirmed")
        SUPERSEDED = "superseded", _("Superseded")

    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    parent = models.ForeignKey("self", on_delete=models.SET_NULL, null=True, blank=True, related_name="reruns")
    calls = models.ManyToManyField(CallPage, verbose_name=_("calls"), related_name="matching_runs")
    funds = models.ManyToManyField(Fund, verbose_name=_("funds"), related_name="matching_runs")
    include_waitlisted = models.BooleanField(_("include waitlisted proposals"), default=False)
    cutoff = models.DecimalField(_("lowest score to fund"), max_digits=5, decimal_places=2, null=True,
                                 blank=True, validators=[MinValueValidator(ZERO), MaxValueValidator(Decimal("100"))])
    pinned = models.ManyToManyField(Proposal, verbose_name=_("always fund"), blank=True, related_name="+")
    excluded = models.ManyToManyField(Proposal, verbose_name=_("never fund"), blank=True, related_name="+")

    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.QUEUED,
                              db_index=True)
    progress = models.PositiveSmallIntegerField(default=0, validators=[MaxValueValidator(100)])
    stage = models.CharField(max_length=20, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    # Moved on at every step of the computation: a run whose heartbeat stops has lost its worker.
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True)

    # What the solver found (money in yuan; objectives are Σ score × amount).
    solver_status = models.CharField(max_length=20, blank=True)
    objective = models.DecimalField(max_digits=24, decimal_places=2, null=True, blank=True)
    greedy_objective = models.DecimalField(max_digits=24, decimal_places=2, null=True, blank=True)
    lp_bound = models.DecimalField(max_digits=24, decimal_places=2, null=True, blank=True)
    bound = models.DecimalField(max_digits=24, decimal_places=2, null=True, blank=True)
    seconds = models.FloatField(null=True, blank=True)
    allocated = money_field(_("allocated"), default=ZERO)
    greedy_allocated = money_field(_("allocated by greedy"), default=ZERO)
    # Each fund's remaining budget when the run was computed: {fund pk: "yuan"}.
    budgets = models.JSONField(default=dict, blank=True)

    confirmed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="+")
    confirmed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("matching run")
        verbose_name_plural = _("matching runs")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return _("Matching run %(number)s") % {"number": self.pk}

    STAGES = {
        "loading": _("reading the proposals and funds"),
        "greedy": _("allocating by hand, for comparison"),
        "relaxation": _("solving the linear relaxation"),
        "rounding": _("rounding the relaxation"),
        "integer program": _("solving the integer program"),
        "explaining": _("explaining each proposal"),
        "done": _("done"),
    }
    SOLVER_STATUSES = {
        "optimal": _("proven optimal within the tolerance"),
        "time_limit": _("stopped at the time limit"),
        "empty": _("nothing to allocate"),
    }

    # `error` of a run whose worker stopped answering (shown in the reader's language).
    WORKER_LOST = "worker lost"

    @property
    def is_working(self):
        return self.status in (self.Status.QUEUED, self.Status.RUNNING)

    @property
    def error_text(self):
        if self.error == self.WORKER_LOST:
            return _("the computer working on it stopped answering. Nothing was saved; you can run it again.")
        return self.error

    @property
    def stage_label(self):
        return self.STAGES.get(self.stage, self.stage)

    @property
    def solver_status_label(self):
        return self.SOLVER_STATUSES.get(self.solver_status, self.solver_status)

    @property
    def gap(self):
        """How far below the proven bound the allocation can be, in percent."""

        return self._gap_to(self.bound)

    @property
    def lp_gap(self):
        return self._gap_to(self.lp_bound)

    def _gap_to(self, bound):
        if bound is None or self.objective is None:
            return None
        if not bound:  # every proposal scores 0 (none reviewed): nothing can do better
            return ZERO
        return max(ZERO, (bound - self.objective) / bound * 100)


class MatchingLine(models.Model):
    """One proposal as a run saw it: what the optimum and greedy gave it, and why."""

    class Reason(models.TextChoices):
        FUNDED = "funded", _("Funded")
        EXCLUDED = "excluded", _("Excluded by staff")
        BELOW_CUTOFF = "below_cutoff", _("Below the cut-off score")
        NO_ELIGIBLE_FUND = "no_eligible_fund", _("No eligible fund")
        RULES_CANNOT_COVER = "rules_cannot_cover", _("The funds' rules cannot cover it in full")
        BUDGETS_EXHAUSTED = "budgets_exhausted", _("Budgets exhausted at its rank")
        NOT_CHOSEN = "not_chosen", _("Left out within the solver's tolerance")

    run = models.ForeignKey(MatchingRun, on_delete=models.CASCADE, related_name="lines")
    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="matching_lines")
    rank = models.PositiveIntegerField()
    score = models.DecimalField(max_digits=5, decimal_places=2)
    amount = money_field(_("amount"))
    pinned = models.BooleanField(default=False)
    reason = models.CharField(max_length=20, choices=Reason.choices)
    details = models.JSONField(default=dict, blank=True)
    shares = models.JSONField(default=dict, blank=True)  # {fund pk: "yuan"} in the optimum
    greedy_shares = models.JSONField(default=dict, blank=True)  # the same, by greedy

    class Meta:
        ordering = ["run", "rank"]
        constraints = [models.UniqueConstraint(fields=["run", "proposal"], name="one_line_per_proposal")]


def signed_agreement_path(award, filename):
    return f"awards/{award.pk}/agreement-{uuid.uuid4().hex[:8]}-{filename}"


class Award(models.Model):
    """A funded proposal (立项项目): its money from each fund, its tranches, its agreement."""

    class Status(models.TextChoices):
        CONTRACTING = "contracting", _("Contracting")
        ACTIVE = "active", _("Active")
        COMPLETED = "completed", _("Completed")
        TERMINATED = "terminated", _("Terminated")

    proposal = models.OneToOneField(Proposal, on_delete=models.PROTECT, related_name="award")
    # Copied from the proposal, which no longer changes once approved, so that the public
    # lists filter and count projects by call, organisation and street without joining it.
    call = models.ForeignKey(CallPage, on_delete=models.PROTECT, related_name="awards", verbose_name=_("call"))
    organisation = models.ForeignKey("organisations.Organisation", on_delete=models.PROTECT, related_name="awards",
                                     verbose_name=_("organisation"))
    street = models.ForeignKey(Street, on_delete=models.PROTECT, null=True, blank=True, related_name="awards",
                               verbose_name=_("street / town"))
    run = models.ForeignKey(MatchingRun, on_delete=models.PROTECT, null=True, blank=True, related_name="awards")
    status = FSMField(_("status"), default=Status.CONTRACTING, choices=Status.choices, db_index=True)
    starts_on = models.DateField(_("start"))
    ends_on = models.DateField(_("end"))
    cofunding = money_field(_("co-funding (yuan)"), default=ZERO)

    granted = ledger_field(_("granted by funds"))
    matched = ledger_field(_("matched donations"))
    donations_applied = ledger_field(_("donations"))
    donations_paid = ledger_field(_("donations paid out"))
    # Refunds of donations the project had already been paid: the centre must recover them.
    refund_shortfall = ledger_field(_("refunds not covered"))
    paid = ledger_field(_("paid"))

    signed_copy = models.FileField(_("signed agreement"), upload_to=signed_agreement_path, storage=private_storage,
                                   blank=True, max_length=255)
    signed_at = models.DateTimeField(_("signed at"), null=True, blank=True)
    closing_note = models.TextField(_("reason for ending"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("award")
        verbose_name_plural = _("awards")
        ordering = ["-created_at", "-pk"]
        # The public browser's sort orders: a page of 24 reads an index, not a sort of all.
        indexes = [
            models.Index(fields=["-created_at", "-id"], name="award_newest"),
            models.Index(fields=["-granted", "-id"], name="award_largest"),
            models.Index(fields=["-starts_on", "-id"], name="award_starts"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(granted__gte=0, matched__gte=0, donations_applied__gte=0,
                                               donations_paid__gte=0, refund_shortfall__gte=0, paid__gte=0),
                                   name="award_amounts_not_negative"),
            models.CheckConstraint(
                condition=Q(paid__lte=F("granted") + F("matched") + F("donations_applied")),
                name="award_paid_within_awarded"),
            models.CheckConstraint(condition=Q(donations_paid__lte=F("donations_applied")),
                                   name="award_donations_paid_within_received"),
            models.CheckConstraint(condition=Q(ends_on__gte=F("starts_on")), name="award_ends_after_start"),
        ]

    def __str__(self):
        return self.reference

    @property
    def reference(self):
        return self.proposal.reference

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("funding:award_detail", args=[self.pk])

    @property
    def amount(self):
        """Everything awarded so far: the funds' grants, their matches, and donations."""
        return self.granted + self.matched + self.donations_applied

    @property
    def remaining(self):
        return self.amount - self.paid

    @property
    def accepts_donations(self):
        return accepts_gifts(self).answer

    # Transitions: called only by grants.funding.services.awards, which lock, check and log.
    @transition(field=status, source=Status.CONTRACTING, target=Status.ACTIVE)
    def sign(self):
        pass

    @transition(field=status, source=Status.ACTIVE, target=Status.COMPLETED)
    def complete(self):
        pass

    @transition(field=status, source=[Status.CONTRACTING, Status.ACTIVE], target=Status.TERMINATED)
    def terminate(self):
        pass


class AwardFunding(models.Model):
    """What one fund gives one award: its grant from the matching, and its donation matches."""

    award = models.ForeignKey(Award, on_delete=models.CASCADE, related_name="funding")
    fund = models.ForeignKey(Fund, on_delete=models.PROTECT, related_name="funding")
    granted = ledger_field(_("granted"))
    matched = ledger_field(_("matched"))
    paid = ledger_field(_("paid"))

    class Meta:
        verbose_name = _("funding line")
        verbose_name_plural = _("funding lines")
        ordering = ["award", "-granted", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["award", "fund"], name="one_line_per_fund"),
            models.CheckConstraint(condition=Q(granted__gte=0, matched__gte=0, paid__gte=0),
                                   name="funding_amounts_not_negative"),
            models.CheckConstraint(condition=Q(paid__lte=F("granted") + F("matched")),
                                   name="funding_paid_within_given"),
        ]

    @property
    def amount(self):
        return self.granted + self.matched


class Tranche(models.Model):
    """One payment of an award, released when its condition holds. Each tranche is split
    across the award's sources (funds, donations) in proportion to what each still owes, so
    the last tranche pays every source off exactly."""

    class Condition(models.TextChoices):
        SIGNING = "signing", _("On signing the agreement")
        MIDTERM_REPORT = "midterm_report", _("After the mid-term report is approved")
        FINAL_REPORT = "final_report", _("After the final report is approved")
        STAFF = "staff", _("When staff release it")

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        PAID = "paid", _("Paid")
        CANCELLED = "cancelled", _("Cancelled")

    award = models.ForeignKey(Award, on_delete=models.CASCADE, related_name="tranches")
    number = models.PositiveSmallIntegerField(_("number"))
    percent = models.DecimalField(_("share of the grant (%)"), max_digits=5, decimal_places=2, null=True,
                                  blank=True)
    amount = ledger_field(_("amount"))
    condition = models.CharField(_("condition"), max_length=20, choices=Condition.choices)
    status = FSMField(_("status"), default=Status.PLANNED, choices=Status.choices)
    paid_on = models.DateField(_("paid on"), null=True, blank=True)
    payment_reference = models.CharField(_("payment reference"), max_length=60, blank=True)
    paid_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                related_name="+")

    class Meta:
        verbose_name = _("payment tranche")
        verbose_name_plural = _("payment tranches")
        ordering = ["award", "number"]
        constraints = [
            models.UniqueConstraint(fields=["award", "number"], name="one_tranche_number"),
            models.CheckConstraint(condition=Q(amount__gte=0), name="tranche_amount_not_negative"),
            models.CheckConstraint(
                condition=~Q(status="paid") | (Q(paid_on__isnull=False) & ~Q(payment_reference="")),
                name="paid_tranche_has_date_and_reference"),
        ]

    def __str__(self):
        return _("Tranche %(number)s") % {"number": self.number}

    @property
    def is_open(self):
        return self.status == self.Status.PLANNED

    @transition(field=status, source=Status.PLANNED, target=Status.PAID)
    def pay(self, paid_on, reference, user):
        self.paid_on, self.payment_reference, self.paid_by = paid_on, reference, user

    @transition(field=status, source=Status.PLANNED, target=Status.CANCELLED)
    def cancel(self):
        pass


class MetCondition(models.Model):
    """A condition of an award's tranches that now holds: its mid-term or final report was
    approved. grants.impact (which owns reports) says so through services.awards.meet_condition;
    the tranches waiting for it and the award's completion read it here. Once met, it stays met."""

    award = models.ForeignKey(Award, on_delete=models.CASCADE, related_name="met_conditions")
    condition = models.CharField(max_length=20, choices=Tranche.Condition.choices)
    met_at = models.DateTimeField()
    met_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                               related_name="+")

    class Meta:
        ordering = ["award", "met_at", "pk"]
        constraints = [models.UniqueConstraint(fields=["award", "condition"], name="one_met_condition")]


class Disbursement(models.Model):
    """The part of a paid tranche that came from one source: a fund, or (fund empty) the
    donations the project received."""

    tranche = models.ForeignKey(Tranche, on_delete=models.PROTECT, related_name="disbursements")
    fund = models.ForeignKey(Fund, on_delete=models.PROTECT, null=True, blank=True, related_name="disbursements")
    amount = money_field(_("amount"))

    class Meta:
        ordering = ["tranche", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="disbursement_positive"),
            models.UniqueConstraint(fields=["tranche", "fund"], name="one_disbursement_per_fund"),
            models.UniqueConstraint(fields=["tranche"], condition=Q(fund__isnull=True),
                                    name="one_disbursement_of_donations"),
        ]


class AwardBudgetLine(BudgetLineBase):
    """The award's budget as agreed, copied from the proposal; variations replace it."""

    award = models.ForeignKey(Award, on_delete=models.CASCADE, related_name="budget_lines")

    class Meta(BudgetLineBase.Meta):
        constraints = [
            *BudgetLineBase.Meta.constraints,
            # A proposal's draft may hold half-written lines; an agreed budget may not.
            models.CheckConstraint(
                condition=Q(quantity__isnull=False, unit_price__isnull=False)
                & ~Q(category="") & ~Q(item="") & ~Q(unit=""),
                name="award_budget_line_complete"),
        ]


class BudgetVariation(models.Model):
    """A change to an award's budget asked for by its holder and decided by staff. It may
    move money between budget lines, and may change the grant (an increase is paid by a fund
    staff choose when approving)."""

    class Status(models.TextChoices):
        REQUESTED = "requested", pgettext_lazy("variation status", "Requested")
        APPROVED = "approved", pgettext_lazy("variation status", "Approved")
        REJECTED = "rejected", pgettext_lazy("variation status", "Rejected")

    award = models.ForeignKey(Award, on_delete=models.CASCADE, related_name="variations")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(auto_now_add=True)
    reason = models.TextField(_("reason"))
    # Budget lines in the shape of BudgetLineBase.to_json.
    lines = models.JSONField(_("proposed budget"))
    previous_lines = models.JSONField(default=list, blank=True)
    amount_change = models.DecimalField(_("change to the grant (yuan)"), max_digits=14, decimal_places=2,
                                        default=ZERO, help_text=_("Negative to give money back."))
    fund = models.ForeignKey(Fund, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                             verbose_name=_("fund paying the increase"))
    status = FSMField(_("status"), default=Status.REQUESTED, choices=Status.choices)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(_("note to the holder"), blank=True)

    class Meta:
        verbose_name = _("budget variation")
        verbose_name_plural = _("budget variations")
        ordering = ["award", "-requested_at", "-pk"]

    @transition(field=status, source=Status.REQUESTED, target=Status.APPROVED)
    def approve(self):
        pass

    @transition(field=status, source=Status.REQUESTED, target=Status.REJECTED)
    def reject(self):
        pass


# The public project browser's facets, kept beside the awards (grants/funding/facets.py) so
# that its filters and counts read narrow rows instead of joining award → proposal → themes
# and grouping every award on each request.

class ProjectFacet(models.Model):
    """An award's single-valued facets: what the browser filters and counts by."""

    award = models.OneToOneField(Award, on_delete=models.CASCADE, primary_key=True, related_name="facet")
    year = models.PositiveSmallIntegerField(db_index=True)
    call = models.ForeignKey(CallPage, on_delete=models.CASCADE, related_name="+")
    street = models.ForeignKey(Street, on_delete=models.CASCADE, null=True, related_name="+")
    organisation = models.ForeignKey("organisations.Organisation", on_delete=models.CASCADE, related_name="+")
    status = models.CharField(max_length=20, db_index=True)


class ProjectTag(models.Model):
    """One value of an award's many-valued facets (a theme, a community, a fund source)."""

    award = models.ForeignKey(Award, on_delete=models.CASCADE, related_name="facet_tags", db_index=False)
    facet = models.CharField(max_length=10)
    value = models.CharField(max_length=32)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["award", "facet", "value"], name="project_tag_unique")]
        # Filtering by a value and counting a facet both read this index alone.
        indexes = [models.Index(fields=["facet", "value", "award"], name="project_tag_lookup")]


class FacetTotal(models.Model):
    """How many awards have each facet value, all awards counted: the unfiltered browser's
    counts and the year, call and organisation choices, without reading the awards."""

    facet = models.CharField(max_length=12)
    value = models.CharField(max_length=32)
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["facet", "value"], name="facet_total_unique")]
