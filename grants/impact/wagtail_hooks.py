from django.utils.translation import gettext_lazy as _
from wagtail import hooks

from core import audit
from core.audit import register_actions
from grants.impact.models import Report


@hooks.register("register_log_actions")
def register_report_actions(actions):
    # Logged on the award, hence "seedbed.award.…": its history reads as one story.
    kind = {"report": audit.label(Report.Kind)}
    register_actions(actions, [
        ("seedbed.award.report_submitted", _("Report submitted"), _("%(report)s submitted."), kind),
        ("seedbed.award.report_approved", _("Report approved"), _("%(report)s approved."), kind),
        ("seedbed.award.report_returned", _("Report returned for changes"),
         _("%(report)s returned for changes."), kind),
        ("seedbed.award.report_evidence_added", _("Report evidence added"),
         _("Evidence “%(name)s” added to the %(report)s."), kind),
        ("seedbed.award.report_evidence_removed", _("Report evidence removed"),
         _("Evidence “%(name)s” removed from the %(report)s."), kind),
    ])
