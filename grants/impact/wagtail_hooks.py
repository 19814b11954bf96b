from django.utils.translation import gettext_lazy as _
from wagtail import hooks

from core.audit import register_actions


@hooks.register("register_log_actions")
def register_report_actions(actions):
    # Logged on the award, hence "seedbed.award.…": its history reads as one story.
    register_actions(actions, [
        ("seedbed.award.report_submitted", _("Report submitted")),
        ("seedbed.award.report_approved", _("Report approved")),
        ("seedbed.award.report_returned", _("Report returned for changes")),
        ("seedbed.award.report_evidence_added", _("Report evidence added")),
        ("seedbed.award.report_evidence_removed", _("Report evidence removed")),
    ])
