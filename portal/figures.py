"""The numbers of the public figures page: headline totals and one `portal.charts.Chart` per
figure, each also downloadable as CSV (portal/figures_views.py).

What is counted
---------------
Every award is public whatever its status (portal/public.py), so every award counts: being
contracted, active, completed or ended early.

- **Projects funded**: awards. **Organisations supported**: organisations with at least one.
- **Committed**: what the funds have committed to projects, their grants plus their matches of
  donations (the award's `granted + matched`, which the ledger keeps equal to the sum of its
  AwardFunding lines). When an award ends early the unpaid part goes back to its funds, so it
  no longer counts.
- **Paid**: what the funds have paid to projects (`paid − donations_paid` of the award, equal
  to its lines' `paid`). Donations passed on to a project are donors' money and are counted
  as donations, not here. So every money chart adds up to the headline "committed" (themes
  aside, see below), and "paid" + "still to pay" is that commitment split in two.
- **Donations**: gifts to projects and to the public-donation pool that were paid, less what
  was refunded. **Matches**: what funds added to gifts, less what refunds (or the early end of
  an award) took back. Matches are part of "committed".

Years
-----
Money and projects are counted in the year the project starts (`Award.starts_on`): a project
belongs to one year, the cohort its call was for, and the money charts and "projects per year"
share that axis. "Paid" is what those projects have been paid so far, whichever year the
payment was made in. The fund's budget year is not used: a project paid by funds of two years
would be split across them, and a fund of one year often pays projects that run in the next.
Donations and their matches count in the year the gift was paid. Years run without gaps from
the first to the last, so a year with nothing shows as zero.

Streets and themes
------------------
Streets are the project's target street or town; all of the district's are listed, with zeros,
so a street without projects is visible as such. A project with several themes counts in full
in each of them: those rows add up to more than the money committed, and the chart says so.

Cost
----
Each figure is one GROUP BY query over the awards (plus one for the list of streets or themes),
whatever their number; a `Figures` runs each query at most once, when first needed. Sums of the
ledger columns are combined in Python, not in SQL (SQLite's decimal arithmetic is floating
point, see services/ledger.py).
"""

from dataclasses import dataclass
from decimal import Decimal
from functools import cached_property

from django.db.models import Count, F, Sum
from django.db.models.functions import Coalesce, ExtractYear
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from grants.calls.models import Theme
from grants.donations.models import Donation
from grants.funding.models import Fund
from incubator.training.models import Enrolment, ProgrammePage
from incubator.places.models import Street
from portal.charts import COUNT, YUAN, Chart, Series, plain_text, value_label
from portal.public import COUNTED, public_awards

ZERO = Decimal("0")

# A context of its own: the plain "Paid" is a donation's or tranche's status, while here it
# is money paid out to projects (已拨付).
PAID = pgettext_lazy("figures", "Paid")
TO_PAY = _("Still to pay")
YEAR = _("Year")


@dataclass
class Total:
    """One headline number; its text is made in the language active when it is shown."""

    label: str
    value: object
    unit: str

    @property
    def text(self):
        return value_label(self.value, self.unit)

    @property
    def plain(self):
        return plain_text(self.value, self.unit)


@dataclass
class Money:
    """The funds' commitment to a group of awards, and what they have paid of it."""

    committed: Decimal = ZERO
    paid: Decimal = ZERO

    @classmethod
    def of(cls, row):
        """From a row of sums of the ledgers: `granted`, `matched`, `paid` and, for awards,
        `donations_paid` (the part of `paid` that was donors' money)."""

        def amount(name):
            return row.get(name) or ZERO  # a sum over no rows is NULL

        return cls(amount("granted") + amount("matched"), amount("paid") - amount("donations_paid"))

    def __add__(self, other):
        return Money(self.committed + other.committed, self.paid + other.paid)


LEDGER_SUMS = {name: Sum(name) for name in ("granted", "matched", "paid", "donations_paid")}


def _years(numbers):
    """Every year from the first to the last of `numbers` (a dict keyed by year), as text."""

    return [str(year) for year in range(min(numbers), max(numbers) + 1)] if numbers else []


def _money_chart(slug, title, description, heading, categories, amounts):
    """A stacked "paid" + "still to pay" chart: each bar is the commitment, split in two."""
    return Chart(
        id=slug, title=title, description=description, category_heading=heading, unit=YUAN,
        stacked=True, categories=categories,
        series=[Series(PAID, [money.paid for money in amounts]),
                Series(TO_PAY, [money.committed - money.paid for money in amounts])])


class Figures:
    """The figures, computed from the database when first asked for."""

    def __init__(self):
        # Ordering and joins of the public list are of no use to a GROUP BY.
        self.awards = public_awards().select_related(None).order_by()

    # -- the queries -------------------------------------------------------------------------

    @cached_property
    def _by_year(self):
        """{start year: (projects, Money)}."""
        rows = (self.awards.values(year=ExtractYear("starts_on"))
                .annotate(projects=Count("pk"), **LEDGER_SUMS).order_by("year"))
        return {row["year"]: (row["projects"], Money.of(row)) for row in rows}

    @cached_property
    def _organisations(self):
        return self.awards.aggregate(n=Count("organisation", distinct=True))["n"]

    @cached_property
    def _donations_by_year(self):
        """{year paid: (donations net of refunds, matches net of withdrawals)}."""
        rows = (Donation.objects.filter(status__in=COUNTED)
                .values(year=ExtractYear(Coalesce("paid_at", "created_at")))
                .annotate(amount=Sum("amount"), refunded=Sum("refunded"), matched=Sum("matched"),
                          withdrawn=Sum("match_withdrawn"))
                .order_by("year"))
        return {row["year"]: (row["amount"] - row["refunded"], row["matched"] - row["withdrawn"])
                for row in rows}

    def _grouped_by(self, field):
        """{value of `field`: Money} over the awards (None: awards without one)."""
        rows = self.awards.values(key=F(field)).annotate(**LEDGER_SUMS).order_by()
        return {row["key"]: Money.of(row) for row in rows}

    # -- headline ----------------------------------------------------------------------------

    @property
    def is_empty(self):
        """Nothing funded and nothing given yet: the page says so instead of showing zeros."""
        return not self._by_year and not self._donations_by_year

    def totals(self):
        money = sum((money for _projects, money in self._by_year.values()), Money())
        donations = sum((given for given, _matched in self._donations_by_year.values()), ZERO)
        matched = sum((matched for _given, matched in self._donations_by_year.values()), ZERO)
        projects = sum(projects for projects, _money in self._by_year.values())
        return [
            Total(_("Projects funded"), projects, COUNT),
            Total(_("Organisations supported"), self._organisations, COUNT),
            Total(_("Committed by the funds"), money.committed, YUAN),
            Total(_("Paid by the funds"), money.paid, YUAN),
            Total(_("Donations raised, net of refunds"), donations, YUAN),
            Total(_("Matched by the funds"), matched, YUAN),
        ]

    def summary(self):
        """The headline numbers a summary elsewhere (the home page) shows: projects,
        organisations, money committed and donations."""
        projects, organisations, committed, _paid, donations, _matched = self.totals()
        return [projects, organisations, committed, donations]

    # -- the charts --------------------------------------------------------------------------

    def money_by_source(self):
        # The funding lines' own ledgers: what each fund gave and paid (donations are no fund's).
        rows = (self.awards.values(kind=F("funding__fund__kind"))
                .annotate(granted=Sum("funding__granted"), matched=Sum("funding__matched"),
                          paid=Sum("funding__paid")).order_by())
        by_kind = {row["kind"]: Money.of(row) for row in rows if row["kind"] is not None}
        # Every source type, so a type that has given nothing yet reads as zero.
        kinds = list(Fund.Kind) if by_kind else []
        return _money_chart(
            "money-by-source", _("Money committed by the funds, by source type"),
            _("Each bar is what funds of one type have committed to projects (grants and matches of "
              "donations): the part already paid, then the part still to pay."),
            _("Source type"), [kind.label for kind in kinds],
            [by_kind.get(kind.value, Money()) for kind in kinds])

    def money_by_year(self):
        years = _years(self._by_year)
        return _money_chart(
            "money-by-year", _("Money committed by the funds, by the year projects start"),
            _("Each bar is what the funds committed to the projects starting that year: the part "
              "already paid (whenever it was paid), then the part still to pay."),
            YEAR, years, [self._by_year.get(int(year), (0, Money()))[1] for year in years])

    def money_by_street(self):
        by_street = self._grouped_by("street")
        streets = list(Street.objects.order_by("code")) if by_street else []
        categories = [street.name for street in streets]
        amounts = [by_street.get(street.pk, Money()) for street in streets]
        if None in by_street:
            categories.append(_("No street given"))
            amounts.append(by_street[None])
        return _money_chart(
            "money-by-street", _("Money committed by the funds, by street or town"),
            _("Each bar is what the funds committed to the projects serving that street or town: the "
              "part already paid, then the part still to pay. Every street and town of the district "
              "is listed, also those without projects."),
            _("Street / town"), categories, amounts)

    def money_by_theme(self):
        by_theme = self._grouped_by("proposal__themes")
        themes = list(Theme.objects.all()) if by_theme else []
        # The largest first; themes with equal amounts keep their usual order.
        themes.sort(key=lambda theme: -by_theme.get(theme.pk, Money()).committed)
        categories = [theme.name for theme in themes]
        amounts = [by_theme.get(theme.pk, Money()) for theme in themes]
        if None in by_theme:
            categories.append(_("No theme"))
            amounts.append(by_theme[None])
        return _money_chart(
            "money-by-theme", _("Money committed by the funds, by theme"),
            _("A project with several themes counts in full in each of them, so the rows add up to "
              "more than the money committed."),
            _("Theme"), categories, amounts)

    def projects_by_year(self):
        years = _years(self._by_year)
        return Chart(
            id="projects-by-year", title=_("Projects funded, by the year they start"),
            description=_("Every funded project counts, whatever its status: being contracted, "
                          "under way, completed or ended early."),
            category_heading=YEAR, unit=COUNT, categories=years,
            series=[Series(_("Projects"), [self._by_year.get(int(year), (0,))[0] for year in years])]
            if years else [])

    def donations_by_year(self):
        years = _years(self._donations_by_year)
        rows = [self._donations_by_year.get(int(year), (ZERO, ZERO)) for year in years]
        return Chart(
            id="donations-by-year", title=_("Donations and matches, by year"),
            description=_("Gifts to projects and to the public-donation pool in the year they were "
                          "paid, less refunds, and what funds added to match them, less matches "
                          "taken back with refunds."),
            category_heading=YEAR, unit=YUAN, categories=years,
            # Short names: the table's headings do not wrap, and the description says "net".
            series=[Series(_("Donations"), [given for given, _matched in rows]),
                    Series(_("Matches"), [matched for _given, matched in rows])]
            if years else [])


    # -- training ----------------------------------------------------------------------------
    # People count once per cohort they completed; a cohort counts in the year it ended.

    def trained_by_programme_and_year(self):
        rows = list(Enrolment.objects.filter(state=Enrolment.State.COMPLETED)
                    .values("cohort__programme", year=ExtractYear("cohort__ends_on"))
                    .annotate(people=Count("user", distinct=True)).order_by())
        programmes = {page.pk: page.localized.title for page in ProgrammePage.objects.filter(
            pk__in={row["cohort__programme"] for row in rows}).order_by("path")}
        counts = {(row["cohort__programme"], row["year"]): row["people"] for row in rows}
        years = _years({row["year"]: None for row in rows})
        return Chart(
            id="trained-by-year", title=_("People trained, by programme and year"),
            description=_("People who completed a cohort, in the year the cohort ended."),
            category_heading=YEAR, unit=COUNT, stacked=True, categories=years,
            series=[Series(title, [counts.get((pk, int(year)), 0) for year in years])
                    for pk, title in programmes.items()] if years else [])

    def completion_by_programme(self):
        # Cohorts that have ended: each trainee who held a place either completed or did not.
        rows = (Enrolment.objects.filter(state__in=Enrolment.ENROLLED, cohort__ends_on__lt=timezone.localdate())
                .values("cohort__programme", "state").annotate(n=Count("pk")).order_by())
        counts = {(row["cohort__programme"], row["state"]): row["n"] for row in rows}
        programmes = list(ProgrammePage.objects.filter(
            pk__in={row["cohort__programme"] for row in rows}).order_by("path"))
        completed = [counts.get((page.pk, Enrolment.State.COMPLETED), 0) for page in programmes]
        missed = [counts.get((page.pk, Enrolment.State.ACCEPTED), 0) for page in programmes]
        return Chart(
            id="completion-by-programme", title=_("Completion, by programme"),
            description=_("Trainees of cohorts that have ended: those who met the completion rule, then "
                          "those who did not; the two together are everyone who held a place."),
            category_heading=_("Programme"), unit=COUNT, stacked=True,
            categories=[page.localized.title for page in programmes],
            series=[Series(_("Completed"), completed), Series(_("Did not complete"), missed)]
            if programmes else [])

    def trainees_by_street(self):
        rows = (Enrolment.objects.filter(state=Enrolment.State.COMPLETED)
                .values(street=F("organisation__street")).annotate(n=Count("user", distinct=True)).order_by())
        by_street = {row["street"]: row["n"] for row in rows}
        streets = list(Street.objects.order_by("code")) if by_street else []
        categories = [street.name for street in streets]
        values = [by_street.get(street.pk, 0) for street in streets]
        if None in by_street:
            categories.append(_("Individuals (no organisation)"))
            values.append(by_street[None])
        return Chart(
            id="trainees-by-street", title=_("People trained, by street or town"),
            description=_("Trainees who completed a cohort, by the street or town of the organisation "
                          "they enrolled for; people who enrolled for themselves are counted apart."),
            category_heading=_("Street / town"), unit=COUNT, categories=categories,
            series=[Series(_("People trained"), values)] if categories else [])


# The figures in the order the page shows them, by the slug of their CSV download.
CHARTS = {
    "money-by-source": Figures.money_by_source,
    "money-by-year": Figures.money_by_year,
    "money-by-street": Figures.money_by_street,
    "money-by-theme": Figures.money_by_theme,
    "projects-by-year": Figures.projects_by_year,
    "donations-by-year": Figures.donations_by_year,
    "trained-by-year": Figures.trained_by_programme_and_year,
    "completion-by-programme": Figures.completion_by_programme,
    "trainees-by-street": Figures.trainees_by_street,
}
