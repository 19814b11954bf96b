from django.utils.translation import gettext_lazy as _
from wagtail import hooks

from core import audit
from core.audit import register_actions


@hooks.register("register_log_actions")
def register_donation_actions(actions):
    amounts = {key: audit.money for key in ("amount", "matched", "refunded_total")}
    register_actions(actions, [
        ("seedbed.donation.created", _("Donation started"), _("A donation of %(amount)s was started."), amounts),
        ("seedbed.donation.paid", _("Donation paid"),
         _("A donation of %(amount)s was paid; the match added %(matched)s."), amounts),
        ("seedbed.donation.failed", _("Donation payment failed")),
        ("seedbed.donation.expired", _("Donation abandoned")),
        ("seedbed.donation.refund_requested", _("Refund requested"), _("A refund of %(amount)s was requested."), amounts),
        ("seedbed.donation.refunded", _("Donation refunded"),
         _("%(amount)s refunded (%(refunded_total)s in all)."), amounts),
    ])
