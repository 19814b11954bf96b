"""The public figures page (portal.models.FiguresPage) and its numbers (portal/figures.py).

The seeded world, by hand (¥; every proposal asks for 90,000):

    award  organisation  street  themes          starts  funds                          paid
    A1     first         S1      elderly, youth  2025    government 60,000, lottery 30,000  45,000
    A2     first         S2      elderly         2025    government 90,000                  0
    A3     second        S2      youth           2027    foundation 90,000                  0

A1's first tranche (45,000) is paid: 30,000 by the government fund, 15,000 by the lottery.

A2 receives a gift of 1,000 in 2025, matched 1:1 by the government fund, then refunded 400
(taking 400 of the match back): 600 given, 600 matched. The pool receives 500 in 2026.
Committed: 90,000 + 90,600 + 90,000 = 270,600; paid 45,000.
"""

import csv
import io
from datetime import date, datetime
from decimal import Decimal
from html.parser import HTMLParser
from zoneinfo import ZoneInfo

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django.utils.translation import override
from wagtail.models import Locale

from cms.models import HomePage
from demo.site import FIGURES_PAGE, ensure_single_page
from grants.calls.models import Theme
from grants.donations.models import Donation
from grants.funding.models import Fund
from grants.funding.services import ledger
from incubator.places.models import Street
from portal.figures import CHARTS, Figures
from portal.models import FiguresPage
from tests.factories import (
    FundFactory,
    OrganisationFactory,
    approved,
    make_award,
    make_call,
    make_proposal,
)


@pytest.fixture(autouse=True)
def _in_english():
    """These tests read English labels (the catalogue translates everything into Chinese)."""

    from django.utils import translation

    with translation.override("en"):
        yield


D = Decimal
SHANGHAI = ZoneInfo("Asia/Shanghai")


def chart(slug):
    with override("en"):
        return CHARTS[slug](Figures())


def values(chart):
    return {str(s.name): s.values for s in chart.series}


def donate(amount, moment, **target):
    with transaction.atomic():
        donation = Donation.objects.create(amount=amount, **target)
        donation = Donation.objects.select_for_update().get(pk=donation.pk)
        donation.mark_paid(moment)
        donation.save()
        ledger.receive_donation(donation)
    return donation


def refund(donation, total):
    with transaction.atomic():
        ledger.refund_donation(Donation.objects.select_for_update().get(pk=donation.pk), total)


@pytest.fixture
def call(db):
    return make_call(project_start=date(2025, 1, 1), project_end=date(2028, 12, 31))


@pytest.fixture
def streets(db):
    return list(Street.objects.order_by("code")[:2])


@pytest.fixture
def themes(db):
    elderly, _ = Theme.objects.get_or_create(
        code="elderly", defaults={"name_zh": "为老服务", "name_en": "Elderly care"})
    youth = Theme.objects.create(code="youth", name_zh="儿童青少年", name_en="Children and youth")
    culture = Theme.objects.create(code="culture", name_zh="文化体育", name_en="Culture and sport")
    return elderly, youth, culture


def fund_project(call, organisation, applicant, staff, street, themes, year, shares):
    proposal = make_proposal(call, organisation, applicant, street=street, starts_on=date(year, 3, 1),
                             ends_on=date(year, 12, 31))
    proposal.themes.set(themes)
    return make_award(approved(proposal, applicant, staff), shares, staff)


@pytest.fixture
def world(call, streets, themes, applicant, staff):
    s1, s2 = streets
    elderly, youth, _culture = themes
    first, second = OrganisationFactory(admins=[applicant]), OrganisationFactory(admins=[applicant])
    government = FundFactory(kind=Fund.Kind.GOVERNMENT, match_ratio=D("1"))
    lottery = FundFactory(kind=Fund.Kind.WELFARE_LOTTERY)
    foundation = FundFactory(kind=Fund.Kind.FOUNDATION)
    pool = FundFactory(kind=Fund.Kind.DONATIONS, budget=D("0"))
    a1 = fund_project(call, first, applicant, staff, s1, [elderly, youth], 2025,
                      {government: D("60000"), lottery: D("30000")})
    a2 = fund_project(call, first, applicant, staff, s2, [elderly], 2025, {government: D("90000")})
    a3 = fund_project(call, second, applicant, staff, s2, [youth], 2027, {foundation: D("90000")})
    with transaction.atomic():
        ledger.pay(a1.tranches.get(number=1), staff, date(2025, 4, 1), "BANK-1")
    gift = donate(D("1000"), datetime(2025, 6, 1, 10, tzinfo=SHANGHAI), award=a2)
    refund(gift, D("400"))
    donate(D("500"), datetime(2026, 3, 1, 10, tzinfo=SHANGHAI), fund=pool)
    return {"awards": [a1, a2, a3], "streets": streets, "themes": themes}


@pytest.fixture
def page(db):
    home = HomePage.objects.get(locale__language_code="zh-hans")
    ensure_single_page(FiguresPage, FIGURES_PAGE, home, Locale.objects.get(language_code="en"))
    return FiguresPage.objects.get(locale__language_code="zh-hans")


# -- the numbers ------------------------------------------------------------------------------

def test_totals_count_projects_organisations_and_money(world):
    with override("en"):
        totals = {str(total.label): total.value for total in Figures().totals()}
    assert totals == {
        "Projects funded": 3,
        "Organisations supported": 2,
        "Committed by the funds": D("270600.00"),
        "Paid by the funds": D("45000.00"),
        "Donations raised, net of refunds": D("1100.00"),
        "Matched by the funds": D("600.00"),
    }


def test_money_by_source_type_shows_every_type_as_paid_and_still_to_pay(world):
    figure = chart("money-by-source")
    with override("en"):
        assert figure.categories == [kind.label for kind in Fund.Kind]
    assert figure.stacked
    assert values(figure) == {
        # government, welfare lottery, foundation, company, donation pool
        "Paid": [D("30000"), D("15000"), 0, 0, 0],
        "Still to pay": [D("120600"), D("15000"), D("90000"), 0, 0],
    }


def test_money_by_year_counts_in_the_year_projects_start_and_shows_empty_years(world):
    figure = chart("money-by-year")
    assert figure.categories == ["2025", "2026", "2027"]
    assert values(figure) == {"Paid": [D("45000"), 0, 0], "Still to pay": [D("135600"), 0, D("90000")]}


def test_money_by_street_lists_every_street_also_without_projects(world):
    figure = chart("money-by-street")
    with override("en"):
        assert figure.categories == [street.name for street in Street.objects.order_by("code")]
    assert len(figure.categories) == 15
    paid, to_pay = values(figure)["Paid"], values(figure)["Still to pay"]
    assert (paid[0], to_pay[0]) == (D("45000"), D("45000"))
    assert (paid[1], to_pay[1]) == (0, D("180600"))
    assert not any(paid[2:]) and not any(to_pay[2:])


def test_a_project_with_two_themes_counts_in_both_and_the_chart_says_so(world):
    figure = chart("money-by-theme")
    # The largest first; a theme without projects still shows.
    assert figure.categories == ["Elderly care", "Children and youth", "Culture and sport"]
    assert figure.totals() == [D("180600"), D("180000"), 0]
    assert values(figure)["Paid"] == [D("45000"), D("45000"), 0]
    assert sum(figure.totals()) > D("270600")
    assert "add up to more" in str(figure.description)


def test_every_other_money_chart_adds_up_to_the_committed_total(world):
    for slug in ("money-by-source", "money-by-year", "money-by-street"):
        figure = chart(slug)
        assert sum(figure.totals()) == D("270600"), slug
        assert sum(values(figure)["Paid"]) == D("45000"), slug


def test_a_project_without_a_street_or_theme_is_listed_as_such(world):
    a3 = world["awards"][2]
    a3.proposal.themes.clear()
    a3.proposal.__class__.objects.filter(pk=a3.proposal_id).update(street=None)
    a3.__class__.objects.filter(pk=a3.pk).update(street=None)  # awards carry their street
    assert chart("money-by-theme").categories[-1] == "No theme"
    assert chart("money-by-theme").totals()[-1] == D("90000")
    assert chart("money-by-street").categories[-1] == "No street given"
    assert chart("money-by-street").totals()[-1] == D("90000")


def test_projects_by_year(world):
    figure = chart("projects-by-year")
    assert figure.categories == ["2025", "2026", "2027"]
    assert values(figure) == {"Projects": [2, 0, 1]}


def test_donations_and_matches_by_year_are_net_of_refunds(world):
    figure = chart("donations-by-year")
    assert figure.categories == ["2025", "2026"]
    assert not figure.stacked
    assert values(figure) == {
        "Donations": [D("600"), D("500")],
        "Matches": [D("600"), D("0")],
    }


def test_an_ended_project_counts_only_what_it_was_paid(world, staff):
    from grants.funding.services import awards

    awards.terminate(world["awards"][0], staff, "项目终止")
    figure = chart("money-by-year")
    assert values(figure) == {"Paid": [D("45000"), 0, 0], "Still to pay": [D("90600"), 0, D("90000")]}
    assert chart("projects-by-year").series[0].values == [2, 0, 1]


# -- the page ---------------------------------------------------------------------------------

class Tables(HTMLParser):
    """Each <table>'s rows as lists of cell texts."""

    def __init__(self):
        super().__init__()
        self.tables, self.row, self.cell = [], None, None

    def handle_starttag(self, tag, attrs):
        if tag == "table":
            self.tables.append([])
        elif tag == "tr":
            self.row = []
            self.tables[-1].append(self.row)
        elif tag in ("th", "td"):
            self.cell = []

    def handle_endtag(self, tag):
        if tag in ("th", "td"):
            self.row.append("".join(self.cell).strip())
            self.cell = None

    def handle_data(self, data):
        if self.cell is not None:
            self.cell.append(data)


def tables(html):
    parser = Tables()
    parser.feed(html)
    return parser.tables


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_page_shows_every_figure_as_an_svg_with_its_table(world, page, client, language):
    response = client.get(f"/{language}/figures/")
    html = response.content.decode()
    assert response.status_code == 200
    assert f'<html lang="{language}">' in html
    assert html.count('role="img"') == len(CHARTS) == 9
    assert len(tables(html)) == 6  # nobody trained yet: training's three charts say "no data"
    assert "css/figures.css" in html
    for slug in list(CHARTS)[:6]:
        assert f'href="/{language}/figures/{slug}.csv"' in html
    s1 = world["streets"][0]
    assert (s1.name_zh if language == "zh-hans" else s1.name_en) in html
    if language == "en":
        assert "Projects funded" in html and "¥270,600" in html
    else:
        assert "27.06万元" in html


def test_each_csv_download_equals_its_table_on_the_page(world, page, client):
    html = client.get("/en/figures/").content.decode()
    for slug, table in zip(CHARTS, tables(html)):
        response = client.get(f"/en/figures/{slug}.csv")
        assert response.status_code == 200
        assert response["Content-Type"] == "text/csv; charset=utf-8"
        assert f'filename="seedbed-{slug}.csv"' in response["Content-Disposition"]
        downloaded = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
        header, *body = table
        assert downloaded[0] == header, slug
        assert downloaded[1:] == [[label, *(cell.replace(",", "") for cell in cells)]
                                  for label, *cells in body], slug


def test_the_csv_is_in_the_language_of_its_address(world, client):
    def lines(language):
        response = client.get(f"/{language}/figures/money-by-theme.csv")
        return response.content.decode("utf-8-sig").splitlines()

    chinese, english = lines("zh-hans"), lines("en")
    assert english[0].startswith("Theme,") and chinese[0].startswith("服务领域,")
    assert english[1] == "Elderly care,45000.00,135600.00,180600.00"
    assert chinese[1] == "为老服务,45000.00,135600.00,180600.00"


def test_an_unknown_figure_is_not_found(client, db):
    assert client.get("/en/figures/salaries.csv").status_code == 404


def test_the_page_runs_as_many_queries_with_10_awards_as_with_2(
        call, page, themes, applicant, staff, client):
    streets = list(Street.objects.order_by("code")[:3])
    organisations = [OrganisationFactory(admins=[applicant]) for _ in range(3)]
    fund = FundFactory(budget=D("2000000"), match_ratio=D("1"))

    def add_awards(count, start):
        for number in range(start, start + count):
            award = fund_project(call, organisations[number % 3], applicant, staff, streets[number % 3],
                                 themes[:1 + number % 2], 2025 + number % 3, {fund: D("90000")})
            donate(D("100"), timezone.now(), award=award)

    def queries():
        client.get("/zh-hans/figures/")  # Wagtail caches the site's root paths on first use
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/zh-hans/figures/").status_code == 200
        return len(captured)

    add_awards(2, 0)
    with_two = queries()
    add_awards(8, 2)
    assert queries() == with_two


def test_an_empty_installation_says_there_is_no_data_yet(page, client):
    html = client.get("/en/figures/").content.decode()
    assert "No project has been funded yet" in html
    assert html.count('role="img"') == len(CHARTS)
    assert html.count("No data yet") >= len(CHARTS)
    assert tables(html) == []
    response = client.get("/en/figures/money-by-street.csv")
    assert response.status_code == 200
    assert response.content.decode("utf-8-sig").splitlines()[1:] == []
    assert client.get("/zh-hans/figures/").status_code == 200


def test_the_figures_page_goes_once_under_the_home_page(page):
    home = HomePage.objects.get(locale__language_code="zh-hans")
    assert FiguresPage in home.specific_class.creatable_subpage_models()
    assert not FiguresPage.can_create_at(home)  # there is one already
    assert FiguresPage.allowed_parent_page_models() == [HomePage]
    assert FiguresPage.allowed_subpage_models() == []
