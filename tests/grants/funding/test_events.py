"""Every step that changes what the public sees of an award tells the apps above
(`grants.funding.events.award_changed`), and a refused step tells nothing."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from grants.funding import events
from grants.funding.services import awards
from grants.impact import services as reports
from tests.factories import FundFactory, approved, make_award, make_proposal

D = Decimal


@pytest.fixture
def heard(db):
    """The awards award_changed has named, in order."""
    named = []

    def listen(award, **kwargs):
        named.append(award.pk)

    events.award_changed.connect(listen)
    yield named
    events.award_changed.disconnect(listen)


def scan():
    return SimpleUploadedFile("signed.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf")


def test_each_step_of_an_award_says_it_changed(heard, call, organisation, applicant, staff):
    proposal = approved(make_proposal(call, organisation, applicant), applicant, staff, score=D("80"))
    award = make_award(proposal, {FundFactory(budget=D("100000")): D("90000")}, staff)
    assert heard and set(heard) == {award.pk}

    steps = {
        "sign": lambda: awards.sign(award, staff, scan()),
        "pay": lambda: awards.pay_tranche(award.tranches.get(number=1), staff, timezone.localdate(), "BANK-1"),
        "submit a report": lambda: reports.save_report(
            award.reports.get(kind="midterm"), applicant, "开展活动。",
            {indicator.pk: (D("10"), "") for indicator in award.proposal.indicators.all()}, submit=True),
        "approve it": lambda: reports.decide_report(award.reports.get(kind="midterm"), staff, approve=True),
        "end early": lambda: awards.terminate(award, staff, "项目终止"),
    }
    for step, run in steps.items():
        heard.clear()
        run()
        assert heard and set(heard) == {award.pk}, step

    heard.clear()
    with pytest.raises(ValidationError):
        awards.sign(award, staff, scan())  # a terminated award signs nothing
    assert heard == []
