"""The staff work queue: what waits for staff, each a count and a link to the list filtered
to exactly those items. Shown on the dashboard and on the Wagtail admin's home page.

The rules live with the lists (grants/review/queues.py, grants/funding/queues.py): a count
here and the list it links to are the same query, so they cannot disagree.
"""

from dataclasses import dataclass

from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from grants.funding import queues as funding_queues
from grants.funding.models import Award
from grants.proposals.models import Proposal
from grants.review import queues as review_queues
from incubator.organisations.models import Organisation
from incubator.organisations.wagtail_hooks import organisation_viewset


@dataclass
class Item:
    key: str
    label: str
    count: int
    url: str


def _link(name, **query):
    return f"{reverse(name)}?{urlencode(query)}"


def staff_queue(today=None):
    """One query per item (seven in all), whatever the numbers."""
    today = today or timezone.localdate()
    proposals = Proposal.objects.all()
    awards = Award.objects.all()
    return [
        Item("screening", _("Proposals awaiting screening"),
             proposals.filter(status=Proposal.Status.SUBMITTED).count(),
             _link("review:workbench", status=Proposal.Status.SUBMITTED)),
        Item("overdue_reviews", _("Proposals with overdue reviews"),
             review_queues.with_overdue_reviews(proposals, today).count(),
             _link("review:workbench", queue="overdue_reviews")),
        Item("to_decide", _("Proposals awaiting a decision"),
             review_queues.ready_to_decide(proposals).count(),
             _link("review:workbench", queue="to_decide")),
        Item("runs_to_confirm", _("Matching runs to confirm"),
             funding_queues.runs_to_confirm().count(),
             _link("funding:matching_list", status="done")),
        Item("tranches_due", _("Projects with a payment due"),
             funding_queues.with_payable_tranches(awards).count(),
             _link("funding:award_list", waiting="tranche_due")),
        Item("reports_to_approve", _("Projects with a report to approve"),
             funding_queues.with_submitted_reports(awards).count(),
             _link("funding:award_list", waiting="report_submitted")),
        Item("organisations", _("Organisations awaiting verification"),
             Organisation.objects.filter(status=Organisation.Status.PENDING).count(),
             _link(organisation_viewset.get_url_name("list"), status=Organisation.Status.PENDING)),
    ]
