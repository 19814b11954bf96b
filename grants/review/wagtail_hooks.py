from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from core import audit
from core.audit import register_actions
from grants.review.models import DeterminationTemplate, Review


class DeterminationTemplateViewSet(SnippetViewSet):
    """The messages applicants receive with each outcome, edited by staff in both languages.
    {title}, {reference}, {organisation} and {call} are filled in for each proposal."""

    model = DeterminationTemplate
    icon = "mail"
    menu_label = _("Decision messages")
    menu_order = 230
    add_to_admin_menu = True
    list_display = ["outcome", "subject_zh", "subject_en"]


register_snippet(DeterminationTemplateViewSet)


@hooks.register("register_log_actions")
def register_review_actions(actions):
    # Logged on the proposal, hence "seedbed.proposal.…": its history reads as one story.
    register_actions(actions, [
        ("seedbed.proposal.screening_started", _("Screening started")),
        ("seedbed.proposal.screened_in", _("Passed screening")),
        ("seedbed.proposal.determined.screened_out", _("Screened out")),
        ("seedbed.proposal.determined.more_info", _("More information requested")),
        ("seedbed.proposal.determined.approved", _("Approved")),
        ("seedbed.proposal.determined.rejected", _("Not funded")),
        ("seedbed.proposal.determined.waitlisted", _("Waitlisted")),
        ("seedbed.proposal.reviewer_assigned", _("Reviewer assigned"),
         _("Reviewer %(reviewer)s assigned, due %(due_on)s."), {"due_on": audit.day}),
        ("seedbed.proposal.no_conflict", _("Reviewer declared no conflict of interest")),
        ("seedbed.proposal.conflict_declared", _("Reviewer declared a conflict of interest")),
        ("seedbed.proposal.review_submitted", _("Review submitted"),
         _("Review submitted: weighted score %(score)s, recommendation: %(recommendation)s."),
         {"recommendation": audit.label(Review.Recommendation)}),
    ])
