"""The project browser's facet rows follow the awards through the services, and a rebuild
from scratch gives the same rows and totals."""

from decimal import Decimal

from django.db import transaction

from grants.calls.models import Theme
from grants.funding import facets
from grants.funding.models import FacetTotal, Fund, ProjectFacet, ProjectTag
from grants.funding.services import awards
from incubator.places.models import Community
from tests.factories import FundFactory, OrganisationFactory, approved, make_award, make_proposal


def snapshot():
    return (set(ProjectFacet.objects.values_list("award", "year", "call", "street", "organisation", "status")),
            set(ProjectTag.objects.values_list("award", "facet", "value")),
            set(FacetTotal.objects.filter(count__gt=0).values_list("facet", "value", "count")))


def totals(facet):
    return dict(FacetTotal.objects.filter(facet=facet, count__gt=0).values_list("value", "count"))


def test_a_new_award_and_its_end_move_the_rows_and_totals(call, applicant, staff):
    theme = Theme.objects.create(code="bench-theme", name_zh="测试主题", name_en="Test theme")
    organisation = OrganisationFactory(admins=[applicant])
    proposal = make_proposal(call, organisation, applicant)
    proposal.themes.set([theme])
    community = Community.objects.filter(street=proposal.street).first()
    proposal.communities.set([community])
    fund = FundFactory(kind=Fund.Kind.FOUNDATION)
    award = make_award(approved(proposal, applicant, staff), {fund: Decimal("90000")}, staff)

    assert ProjectFacet.objects.get(award=award).status == "contracting"
    assert set(ProjectTag.objects.filter(award=award).values_list("facet", "value")) == {
        ("theme", str(theme.pk)), ("community", str(community.pk)), ("source", "foundation")}
    assert totals("status") == {"contracting": 1} and totals("theme") == {str(theme.pk): 1}
    assert totals("year") == {str(award.starts_on.year): 1}

    with transaction.atomic():
        awards.terminate(award, staff, "项目无法继续实施。")
    assert ProjectFacet.objects.get(award=award).status == "terminated"
    assert totals("status") == {"terminated": 1}


def test_a_rebuild_gives_what_the_services_kept(call, applicant, staff):
    funds = [FundFactory(kind=Fund.Kind.GOVERNMENT), FundFactory(kind=Fund.Kind.FOUNDATION)]
    for shares in ({funds[0]: Decimal("90000")}, {funds[0]: Decimal("50000"), funds[1]: Decimal("40000")}):
        proposal = make_proposal(call, OrganisationFactory(admins=[applicant]), applicant)
        make_award(approved(proposal, applicant, staff), shares, staff)
    kept = snapshot()
    assert totals("source") == {"government": 2, "foundation": 1}

    ProjectTag.objects.all().delete()
    FacetTotal.objects.update(count=0)
    assert facets.rebuild() == 2
    assert snapshot() == kept
