"""The award page as one workflow: the next step first, the rarer changes behind it, only
payable tranches offered, and ending an award only with a confirmation checked on the server."""

import re
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation

from grants.funding.models import Award
from grants.funding.services import awards
from tests.factories import FundFactory, approved, make_award, make_proposal
from tests.grants.funding.test_awards import scan

D = Decimal


@pytest.fixture(autouse=True)
def _in_english():
    with translation.override("en"):
        yield


@pytest.fixture
def award(call, organisation, applicant, staff):
    proposal = approved(make_proposal(call, organisation, applicant), applicant, staff, score=D("80"))
    return make_award(proposal, {FundFactory(budget=D("100000")): D("90000")}, staff)


def page(client, staff, award):
    client.force_login(staff)
    return client.get(reverse("funding:award_detail", args=[award.pk])).content.decode()


def test_while_contracting_signing_comes_first_and_the_rest_waits_behind_it(award, client, staff):
    html = page(client, staff, award)
    next_step = html[html.index('id="next-heading"'):html.index("<details")]
    hidden = html[html.index("<details"):html.index("</details>")]
    assert reverse("funding:award_sign", args=[award.pk]) in next_step
    assert reverse("funding:award_schedule", args=[award.pk]) in hidden
    assert reverse("funding:award_terminate", args=[award.pk]) in hidden
    assert reverse("funding:tranche_pay", args=[award.pk]) not in html
    assert "css/staff.css" in html


def test_the_pay_form_offers_only_tranches_payable_now(award, client, staff):
    awards.sign(award, staff, scan())
    html = page(client, staff, award)
    options = re.findall(r"<option[^>]*>(.*?)</option>", html[html.index('name="tranche"'):].split("</select>")[0])
    assert options == ["Tranche 1: ¥45,000.00"]


def test_ending_an_award_needs_the_confirmation_ticked(award, client, staff):
    client.force_login(staff)
    url = reverse("funding:award_terminate", args=[award.pk])
    response = client.post(url, {"reason": "The organisation dissolved."})
    award.refresh_from_db()
    assert response.status_code == 200 and award.status == Award.Status.CONTRACTING
    assert "Tick the box to confirm that the award ends for good." in response.content.decode()
    assert "<details class=\"more-actions\" open>" in response.content.decode()
    client.post(url, {"reason": "The organisation dissolved.", "confirm": "on"})
    award.refresh_from_db()
    assert award.status == Award.Status.TERMINATED
