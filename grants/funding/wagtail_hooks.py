from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel, ObjectList
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from core import audit
from core.audit import register_actions
from core.events import send_after_admin_changes
from core.money import percent
from grants.funding import events
from grants.funding.models import Fund, Tranche


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
    amounts = {key: audit.money for key in ("amount", "before", "after", "total", "not_covered", "matched")}
    changes = {"amount_change": audit.money_change}
    register_actions(actions, [
        ("seedbed.matching.started", _("Matching run started")),
        ("seedbed.matching.computed", _("Matching run computed"),
         _("Matching computed: %(funded)s proposals can be funded."), {}),
        ("seedbed.matching.confirmed", _("Matching run confirmed"),
         _("Matching confirmed: %(awards)s awards created, %(total)s in all."),
         {"awards": audit.count, **amounts}),
        ("seedbed.matching.failed", _("Matching run failed")),
        ("seedbed.matching.retried", _("Matching run tried again")),
        ("seedbed.fund.committed", _("Fund committed to an award"),
         _("Committed %(amount)s to %(award)s."), amounts),
        ("seedbed.fund.matched", _("Fund matched a donation"),
         _("Matched donations to %(award)s with %(amount)s."), amounts),
        ("seedbed.fund.released", _("Fund commitment released"),
         _("%(amount)s committed to %(award)s came back to the fund."), amounts),
        ("seedbed.fund.paid", _("Paid a tranche from the fund"),
         _("Paid %(amount)s for tranche %(tranche)s of %(award)s."), amounts),
        ("seedbed.fund.donation_received", _("Donation received into the pool"),
         _("%(amount)s of donations received into the pool."), amounts),
        ("seedbed.fund.donation_refunded", _("Pool donation refunded"),
         _("A donation of %(amount)s to the pool was refunded."), amounts),
        ("seedbed.fund.budget_changed", _("Fund budget changed"),
         _("Budget changed from %(before)s to %(after)s."), amounts),
        ("seedbed.award.created", _("Award created"),
         _("Award created: %(amount)s in all (%(funds)s)."), {"funds": audit.money_by_name, **amounts}),
        ("seedbed.award.funded", _("Award funded"),
         _("%(fund)s granted %(amount)s."), amounts),
        ("seedbed.award.matched", _("Donation matched"),
         _("%(fund)s matched donations with %(amount)s."), amounts),
        ("seedbed.award.released", _("Funding released"),
         _("%(amount)s went back to %(fund)s."), amounts),
        ("seedbed.award.schedule_changed", _("Tranches changed"),
         _("Tranches changed: %(schedule)s."), {"schedule": schedule}),
        ("seedbed.award.signed", _("Agreement signed")),
        ("seedbed.award.tranche_paid", _("Tranche payment recorded"),
         _("Tranche %(tranche)s paid: %(amount)s on %(paid_on)s, payment reference %(reference)s."),
         {"paid_on": audit.day, **amounts}),
        ("seedbed.award.completed", _("Award completed")),
        ("seedbed.award.terminated", _("Award terminated")),
        ("seedbed.award.donation_received", _("Donation received"),
         _("A donation of %(amount)s was received."), amounts),
        ("seedbed.award.donation_refunded", _("Donation refunded"),
         _("A donation of %(amount)s was refunded; %(not_covered)s of it had already been paid out."), amounts),
        ("seedbed.award.donation_redirected", _("Donation arrived after the award stopped accepting gifts"),
         _("A donation of %(amount)s arrived after the award stopped accepting gifts and went to %(pool)s."),
         amounts),
        ("seedbed.award.variation_requested", _("Budget variation requested"),
         _("Budget variation requested: %(amount_change)s."), changes),
        ("seedbed.award.variation_approved", _("Budget variation approved"),
         _("Budget variation approved: %(amount_change)s."), changes),
        ("seedbed.award.variation_rejected", _("Budget variation rejected"),
         _("Budget variation rejected: %(amount_change)s."), changes),
    ])


def schedule(value):
    """[["40.00", "signing"], …] → "40%（签约后）, …"."""
    condition = audit.label(Tranche.Condition)
    try:
        return _(", ").join(_("%(share)s%% %(condition)s") % {
            "share": percent(Decimal(share)), "condition": condition(code)} for share, code in value)
    except (TypeError, ValueError, ArithmeticError):
        return str(value)
