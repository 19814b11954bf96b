from django import forms
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel, ObjectList
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from core.audit import register_actions
from core.events import send_after_admin_changes
from grants.funding import events
from grants.funding.models import Fund


class FundForm(WagtailAdminModelForm):
    """A new fund's budget is its opening entry; afterwards the ledger moves it (pool gifts,
    refunds, staff's changes on the fund's page), so the form shows it and cannot change it."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and "budget" in self.fields:
            field = self.fields["budget"]
            field.disabled = True
            field.help_text = _("Change it on the fund's page (Funds → the fund → Change the budget), with a reason.")


class FundViewSet(SnippetViewSet):
    """Funds: their budget and rules. The money they commit and pay is shown (and exported)
    on the site's Funds page; here it can only be read."""

    model = Fund
    icon = "doc-full"
    menu_label = _("Funds")
    menu_order = 210
    add_to_admin_menu = True
    list_display = ["name_zh", "kind", "year", "budget", "committed", "paid", "is_active"]
    list_filter = ["kind", "year", "is_active"]
    search_fields = ["name_zh", "name_en", "owner_zh"]
    edit_handler = ObjectList([
        MultiFieldPanel([FieldRowPanel([FieldPanel("name_zh"), FieldPanel("name_en")]),
                         FieldRowPanel([FieldPanel("kind"), FieldPanel("year")]),
                         FieldRowPanel([FieldPanel("owner_zh"), FieldPanel("owner_en")]),
                         FieldPanel("owner_uscc"), FieldPanel("description"), FieldPanel("is_active")],
                        heading=_("The fund")),
        FieldPanel("budget"),
        MultiFieldPanel([FieldPanel("calls", widget=forms.CheckboxSelectMultiple),
                         FieldPanel("themes", widget=forms.CheckboxSelectMultiple),
                         FieldPanel("streets", widget=forms.CheckboxSelectMultiple),
                         FieldRowPanel([FieldPanel("max_per_award"), FieldPanel("max_share")])],
                        heading=_("What it may pay for")),
        MultiFieldPanel([FieldRowPanel([FieldPanel("match_ratio"), FieldPanel("match_cap")])],
                        heading=_("Matching public donations")),
        FieldPanel("managers", widget=forms.CheckboxSelectMultiple),
    ], base_form_class=FundForm)


register_snippet(FundViewSet)
send_after_admin_changes(Fund, events.fund_changed, "fund")


@hooks.register("register_log_actions")
def register_funding_actions(actions):
    register_actions(actions, [
        ("seedbed.matching.started", _("Matching run started")),
        ("seedbed.matching.computed", _("Matching run computed")),
        ("seedbed.matching.confirmed", _("Matching run confirmed")),
        ("seedbed.matching.failed", _("Matching run failed")),
        ("seedbed.matching.retried", _("Matching run tried again")),
        ("seedbed.fund.committed", _("Fund committed to an award")),
        ("seedbed.fund.matched", _("Fund matched a donation")),
        ("seedbed.fund.released", _("Fund commitment released")),
        ("seedbed.fund.paid", _("Fund paid a tranche")),
        ("seedbed.fund.donation_received", _("Donation received into the pool")),
        ("seedbed.fund.donation_refunded", _("Pool donation refunded")),
        ("seedbed.fund.budget_changed", _("Fund budget changed")),
        ("seedbed.award.created", _("Award created")),
        ("seedbed.award.funded", _("Award funded")),
        ("seedbed.award.matched", _("Donation matched")),
        ("seedbed.award.released", _("Funding released")),
        ("seedbed.award.schedule_changed", _("Tranches changed")),
        ("seedbed.award.signed", _("Agreement signed")),
        ("seedbed.award.tranche_paid", _("Tranche paid")),
        ("seedbed.award.completed", _("Award completed")),
        ("seedbed.award.terminated", _("Award terminated")),
        ("seedbed.award.donation_received", _("Donation received")),
        ("seedbed.award.donation_refunded", _("Donation refunded")),
        ("seedbed.award.donation_redirected", _("Donation arrived after the award stopped accepting gifts")),
        ("seedbed.award.variation_requested", _("Budget variation requested")),
        ("seedbed.award.variation_approved", _("Budget variation approved")),
        ("seedbed.award.variation_rejected", _("Budget variation rejected")),
    ])
