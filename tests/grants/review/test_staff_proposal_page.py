"""A proposal's staff page reads what it shows in a fixed, small number of queries, however many
reviews, assignments and history lines the proposal has (issue 18: fewer than 26)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from grants.review import services as service
from incubator.accounts import permissions
from tests.factories import UserFactory, in_review

pytestmark = pytest.mark.django_db

MOST_QUERIES = 25


def score(assignment, reviewer, values):
    ids = [block.id for block in assignment.proposal.call.rubric]
    scores = {criterion: {"score": value, "comment": "很好。", "shared": True} for criterion, value in zip(ids, values)}
    service.declare_conflict(assignment, reviewer, False)
    return service.save_review(assignment, reviewer, scores, recommendation="fund", submit=True)


def queries_for(client, proposal):
    url = f"/zh-hans/staff/proposals/{proposal.pk}/"
    client.get(url)  # the session and caches warmed, as on any page after the first
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return [query["sql"] for query in queries]


def test_the_staff_page_of_a_reviewed_proposal_takes_few_queries_whatever_it_holds(
        client, draft, applicant, staff):
    proposal = in_review(draft, applicant, staff)
    experts = [UserFactory(name=f"专家{n}", roles=[permissions.REVIEWER]) for n in range(4)]
    client.force_login(staff)
    score(service.assign_reviewer(proposal, experts[0], staff), experts[0], [8, 6])
    service.assign_reviewer(proposal, experts[1], staff)
    few = queries_for(client, proposal)

    score(service.assign_reviewer(proposal, experts[2], staff), experts[2], [4, 9])
    score(service.assign_reviewer(proposal, experts[3], staff), experts[3], [7, 7])
    many = queries_for(client, proposal)
    assert len(many) == len(few), "\n".join(many)
    assert len(many) <= MOST_QUERIES, "\n".join(many)
    assert sum('FROM "proposals_budgetline"' in sql for sql in many) == 1  # the total and the table share it
