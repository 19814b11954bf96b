"""The scoring sheet tells the reviewer what went wrong at the top of the page, with a link to
each field; names the criterion and its range; asks them to confirm the final submission; shows
the weighted total; and calls a draft a draft."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from grants.review import services as service
from grants.review.models import Review, ReviewAssignment
from tests.factories import in_review, make_proposal

pytestmark = pytest.mark.django_db


@pytest.fixture
def declared(call, organisation, applicant, reviewer, staff):
    proposal = in_review(make_proposal(call, organisation, applicant), applicant, staff)
    assignment = service.assign_reviewer(proposal, reviewer, staff, due_on=timezone.localdate() + timedelta(days=10))
    return service.declare_conflict(assignment, reviewer, has_conflict=False)


def sheet(call, scores, action="save", **fields):
    data = {"action": action, "comment": "", "recommendation": ""}
    for block, score in zip(call.rubric, scores):
        data[f"score_{block.id}"] = "" if score is None else str(score)
    data.update(fields)
    return data


def post(client, reviewer, assignment, data):
    client.force_login(reviewer)
    return client.post(f"/zh-hans/reviews/{assignment.pk}/", data)


def test_an_out_of_range_score_is_named_in_a_summary_at_the_top_linking_to_the_field(
        client, reviewer, declared, call):
    first = call.rubric[0]
    response = post(client, reviewer, declared, sheet(call, [11, 5]))
    assert response.status_code == 200
    page = response.content.decode()
    summary = page[page.index('id="review-errors"'):]
    summary = summary[:summary.index("</div>")]
    assert f'<a href="#id_score_{first.id}">“需求与必要性”的得分须为 0 至 10 之间的整数。</a>' in summary
    assert page.index('id="review-errors"') < page.index('id="proposal-heading"')  # above the proposal
    assert f'id="id_score_{first.id}"' in page
    assert "确保该值小于或等于10" not in page


def test_submitting_needs_the_confirmation_box(client, reviewer, declared, call):
    response = post(client, reviewer, declared, sheet(call, [7, 8], action="submit", recommendation="fund"))
    assert response.status_code == 200
    page = response.content.decode()
    assert 'href="#id_confirm_final"' in page and "请勾选确认" in page
    declared.refresh_from_db()
    assert declared.status == ReviewAssignment.Status.ASSIGNED
    review = Review.objects.get(assignment=declared)
    assert review.submitted_at is None and review.scores  # the draft is kept

    response = post(client, reviewer, declared, sheet(call, [7, 8], action="submit", recommendation="fund",
                                                      confirm_final="on"))
    assert response.status_code == 302
    declared.refresh_from_db()
    assert declared.status == ReviewAssignment.Status.DONE


def test_the_sheet_shows_the_saved_weighted_total_and_carries_the_weights_for_the_script(
        client, reviewer, declared, call):
    post(client, reviewer, declared, sheet(call, [5, None]))  # 40% × 5/10 = 20
    client.force_login(reviewer)
    page = client.get(f"/zh-hans/reviews/{declared.pk}/").content.decode()
    assert re.search(r'<output id="weighted-total">20\.00</output>', page)
    assert 'data-weight="40"' in page and 'data-max="10"' in page
    assert re.search(r'<script src="/static/js/review_form\.js[^"]*" defer>', page)


def test_a_draft_review_is_called_a_draft_on_the_dashboard(client, reviewer, declared, call):
    post(client, reviewer, declared, sheet(call, [5, None]))
    page = client.get("/zh-hans/reviews/").content.decode()
    row = page[page.index(f"/reviews/{declared.pk}/"):]
    row = row[:row.index("</tr>")]
    assert "草稿" in row and "保存草稿" not in row
