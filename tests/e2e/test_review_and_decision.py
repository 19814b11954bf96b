"""A submitted proposal from screening to decision, each person in their own browser: staff
screen it and assign a reviewer by hand; the reviewer declares no conflict of interest,
scores it (a draft first, then the submission); staff see the weighted score and approve it
with a note; the applicant reads the decision, the note and the comments the reviewer shared,
and nothing the reviewer kept internal. axe-core runs on each page along the way.

Selectors use element names, ids and values rather than visible wording, so the journey does
not depend on the state of the Chinese translation.
"""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from grants.proposals.models import Proposal
from grants.proposals.services import submit_proposal
from grants.review.models import Review, ReviewAssignment
from tests.e2e.conftest import assert_accessible
from tests.e2e.test_organisation_applies import sign_in
from tests.factories import RUBRIC, OrganisationFactory, UserFactory, make_call, make_proposal

pytestmark = pytest.mark.browser

REVIEWER_NAME = "王立评"
SHARED_COMMENT = "社区需求调研扎实，服务对象明确。"
INTERNAL_COMMENT = "人员配置偏紧，执行风险需要关注（仅供工作人员参考）。"
OVERALL_COMMENT = "建议资助，但应在协议中明确志愿者培训安排。"
SCREENING_NOTE = "材料齐全，进入专家评审。"
DECISION_NOTE = "请于两周内与中心联系，签订资助协议。"
SCORES = (8, 7)


def expected_weighted_score(scores):
    """The rubric's weighted total, 0–100: each score as a share of its maximum, weighted."""

    total = sum(Decimal(value["weight"]) * score / value["max_score"]
                for (_kind, value), score in zip(RUBRIC, scores))
    return total.quantize(Decimal("0.01"))


def new_page(browser, site):
    context = browser.new_context(locale="zh-CN", base_url=site.url)
    context.set_default_timeout(15000)
    return context, context.new_page()


def test_staff_screen_a_reviewer_scores_and_staff_approve(browser, site, chinese_page, mailoutbox):
    applicant = UserFactory(email="chen.jing@example.org", name="陈静")
    organisation = OrganisationFactory(admins=[applicant])
    call = make_call(status="open")
    proposal = submit_proposal(make_proposal(call, organisation, user=applicant), applicant)
    staff = UserFactory(email="zhou.staff@example.org", name="周敏", roles=["staff"])
    reviewer = UserFactory(email="wang.reviewer@example.org", name=REVIEWER_NAME,
                           roles=["reviewer"])
    assert proposal.status == Proposal.Status.SUBMITTED and proposal.reference
    staff_path = f"/zh-hans/staff/proposals/{proposal.pk}/"
    due_on = timezone.localdate() + timedelta(days=10)
    first_id, second_id = (block.id for block in call.rubric)
    weighted = expected_weighted_score(SCORES)
    assert weighted == Decimal("74.00")  # 40 × 8/10 + 60 × 7/10

    staff_context, staff_page = new_page(browser, site)
    reviewer_context, reviewer_page = new_page(browser, site)
    try:
        # 1. Staff find the proposal on the workbench, pass it through screening and assign
        #    the reviewer by hand.
        page = staff_page
        sign_in(page, staff.email, "/zh-hans/staff/proposals/")
        assert_accessible(page)
        page.locator(f'main a[href$="{staff_path}"]').click()
        page.wait_for_url(f"**{staff_path}")
        assert page.locator("h1").inner_text() == proposal.title
        assert page.locator(".meta .badge-submitted").is_visible()
        assert_accessible(page)

        page.check("input[name=decision][value=pass]")
        page.fill("#id_message", SCREENING_NOTE)
        # Each form posts elsewhere and comes back to the same address: wait for the round trip.
        with page.expect_navigation():
            page.locator('form[action$="/screen/"] button[type=submit]').click()
        page.locator(".meta .badge-in_review").wait_for()
        proposal.refresh_from_db()
        assert proposal.status == Proposal.Status.IN_REVIEW

        assign_form = page.locator('form[action$="/assign/"]')
        page.select_option("#id_reviewer", str(reviewer.pk))
        page.fill("#id_due_on", due_on.isoformat())
        with page.expect_navigation():
            assign_form.locator("button[type=submit]:not([name=auto])").click()
        assignment = ReviewAssignment.objects.get(proposal=proposal)
        assert (assignment.reviewer, assignment.due_on) == (reviewer, due_on)
        reviews = page.locator("section[aria-labelledby=reviews-heading] table").first
        assert REVIEWER_NAME in reviews.locator("tbody tr").inner_text()
        assert_accessible(page)
        assert [message.to for message in mailoutbox if reviewer.email in message.to], \
            "the reviewer was not emailed about the assignment"

        # 2. The reviewer declares no conflict, saves a draft, then submits the review.
        page = reviewer_page
        review_path = f"/zh-hans/reviews/{assignment.pk}/"
        sign_in(page, reviewer.email, "/zh-hans/reviews/")
        link = f'a[href$="{review_path}"]'
        row = page.locator("#assigned table tbody tr", has=page.locator(link))
        assert proposal.reference in row.inner_text()
        assert_accessible(page)
        row.locator(link).click()
        page.wait_for_url(f"**{review_path}")
        assert page.locator("form.conflict-form").is_visible()
        assert page.locator("form.review-form:not(.conflict-form)").count() == 0  # no scoring yet
        assert_accessible(page)

        page.check("input[name=has_conflict][value=no]")
        with page.expect_navigation():
            page.locator("form.conflict-form button[type=submit]").click()
        page.locator("#your-review form.review-form").first.wait_for()
        assignment.refresh_from_db()
        assert assignment.no_conflict_declared_at is not None

        page.fill(f"#id_score_{first_id}", str(SCORES[0]))
        page.fill(f"#id_comment_{first_id}", SHARED_COMMENT)
        page.check(f"#id_shared_{first_id}")
        page.fill(f"#id_score_{second_id}", str(SCORES[1]))
        page.fill(f"#id_comment_{second_id}", INTERNAL_COMMENT)
        page.fill("#id_comment", OVERALL_COMMENT)
        page.check("input[name=recommendation][value=fund]")
        actions = page.locator("#your-review .sticky-actions")
        with page.expect_navigation():
            actions.locator("button[name=action][value=save]").click()
        review = Review.objects.get(assignment=assignment)
        assert review.submitted_at is None
        assert review.scores == {
            first_id: {"score": SCORES[0], "comment": SHARED_COMMENT, "shared": True},
            second_id: {"score": SCORES[1], "comment": INTERNAL_COMMENT, "shared": False},
        }
        # The draft comes back as it was left.
        assert page.input_value(f"#id_score_{first_id}") == str(SCORES[0])
        assert page.input_value(f"#id_comment_{second_id}") == INTERNAL_COMMENT
        assert page.is_checked(f"#id_shared_{first_id}")
        assert not page.is_checked(f"#id_shared_{second_id}")
        assert page.is_checked("input[name=recommendation][value=fund]")
        assert not page.is_checked("#id_comment_shared")
        assert_accessible(page)

        page.check("#id_confirm_final")  # submitting is final: the reviewer confirms it
        with page.expect_navigation():
            actions.locator("button[name=action][value=submit]").click()
        assert page.locator("main .badge-done").is_visible()
        assert page.locator("#your-review form.review-form").count() == 0  # final: read-only now
        assert str(weighted) in page.locator("table.review-scores tfoot").inner_text()
        review.refresh_from_db()
        assignment.refresh_from_db()
        assert review.is_submitted and review.weighted_score == weighted
        assert assignment.status == ReviewAssignment.Status.DONE
        assert_accessible(page)

        # 3. Staff see the weighted score and approve the proposal with a note.
        page = staff_page
        page.reload()
        reviews = page.locator("section[aria-labelledby=reviews-heading]")
        assert str(weighted) in reviews.locator("table").first.locator("tbody tr").inner_text()
        assert str(weighted) in reviews.locator("p strong").first.inner_text()
        for comment in (SHARED_COMMENT, INTERNAL_COMMENT, OVERALL_COMMENT):
            assert comment in reviews.locator(".review-comments").inner_text()
        assert_accessible(page)

        mailoutbox.clear()
        page.check("input[name=outcome][value=approved]")
        page.fill("#id_note", DECISION_NOTE)
        with page.expect_navigation():
            page.locator('form[action$="/determine/"] button[type=submit]').click()
        page.locator(".meta .badge-approved").wait_for()
        assert page.locator('form[action$="/determine/"]').count() == 0
        assert DECISION_NOTE in page.locator("main .callout").first.inner_text()
        proposal.refresh_from_db()
        assert proposal.status == Proposal.Status.APPROVED
        assert proposal.decision_message == DECISION_NOTE
    finally:
        staff_context.close()
        reviewer_context.close()

    # The applicant is emailed the decision, with the note and a link to the proposal.
    decision_mail = [message for message in mailoutbox if message.to == [applicant.email]]
    assert len(decision_mail) == 1, [(message.to, message.subject) for message in mailoutbox]
    assert proposal.reference in decision_mail[0].subject
    assert DECISION_NOTE in decision_mail[0].body
    assert f"/proposals/{proposal.pk}/" in decision_mail[0].body
    for hidden in (INTERNAL_COMMENT, REVIEWER_NAME):
        assert hidden not in decision_mail[0].body

    # 4. The applicant sees the decision, the note and the shared comment — nothing else.
    page = chinese_page
    sign_in(page, applicant.email, "/zh-hans/dashboard/")
    detail_path = f"/zh-hans/proposals/{proposal.pk}/"
    row = page.locator("table.listing tbody tr", has=page.locator(f'a[href$="{detail_path}"]'))
    assert row.locator(".badge-approved").is_visible()
    row.locator(f'a[href$="{detail_path}"]').click()
    page.wait_for_url(f"**{detail_path}")
    assert page.locator(".meta .badge-approved").is_visible()
    assert DECISION_NOTE in page.locator("main .callout").inner_text()
    feedback = page.locator("section[aria-labelledby=feedback-heading]")
    assert SHARED_COMMENT in feedback.inner_text()
    main = page.locator("main").inner_text()
    for hidden in (INTERNAL_COMMENT, OVERALL_COMMENT, REVIEWER_NAME, reviewer.email,
                   SCREENING_NOTE):
        assert hidden not in main, hidden
    assert str(weighted) not in main, "the applicant should not see the reviewer's score"
    assert_accessible(page)
