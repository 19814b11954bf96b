from django.utils.translation import gettext_lazy as _
from wagtail import hooks

from core.audit import register_actions


@hooks.register("register_log_actions")
def register_proposal_actions(actions):
    register_actions(actions, [
        ("seedbed.proposal.created", _("Proposal started")),
        ("seedbed.proposal.saved", _("Draft saved")),
        ("seedbed.proposal.submitted", _("Proposal submitted")),
        ("seedbed.proposal.attachment_added", _("Attachment added"), _("Attachment “%(name)s” added.")),
        ("seedbed.proposal.attachment_removed", _("Attachment removed"), _("Attachment “%(name)s” removed.")),
        ("seedbed.proposal.resubmitted", _("Proposal resubmitted")),
    ])
