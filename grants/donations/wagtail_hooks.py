from django.utils.translation import gettext_lazy as _
from wagtail import hooks

from core.audit import register_actions


@hooks.register("register_log_actions")
def register_donation_actions(actions):
    register_actions(actions, [
        ("seedbed.donation.created", _("Donation started")),
        ("seedbed.donation.paid", _("Donation paid")),
        ("seedbed.donation.failed", _("Donation payment failed")),
        ("seedbed.donation.expired", _("Donation abandoned")),
        ("seedbed.donation.refund_requested", _("Refund requested")),
        ("seedbed.donation.refunded", _("Donation refunded")),
    ])
