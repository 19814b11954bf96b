"""The incubator in the Wagtail admin: places, and organisations with their verification."""

from django.contrib import messages
from django.core.exceptions import FieldDoesNotExist, PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.admin.widgets import Button
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from core.audit import register_actions
from core.events import send_after_admin_changes
from incubator.organisations import events, permissions, services
from incubator.organisations.forms import VerificationForm
from incubator.organisations.models import Organisation


class OrganisationViewSet(SnippetViewSet):
    """Staff see every organisation, waiting ones first, and verify or reject them. Status
    changes only through the verification view, which logs them and tells the organisation."""

    model = Organisation
    icon = "group"
    menu_label = _("Organisations")
    menu_name = "organisations"
    menu_order = 210
    add_to_admin_menu = True
    list_display = ["name_zh", "kind", "identifier", "street", "status", "created_at"]
    list_filter = ["status", "kind", "street"]
    search_fields = ["name_zh", "name_en", "uscc", "filing_number"]
    ordering = ["status", "-created_at"]
    inspect_view_enabled = True
    panels = [
        MultiFieldPanel([FieldPanel("name_zh"), FieldPanel("name_en"), FieldPanel("kind")],
                        heading=_("Name and type")),
        MultiFieldPanel([
            FieldRowPanel([FieldPanel("uscc"), FieldPanel("filing_number")]),
            FieldPanel("registration_authority"), FieldPanel("founded_on"),
        ], heading=_("Registration")),
        MultiFieldPanel([FieldPanel("address"), FieldPanel("street"), FieldPanel("community")],
                        heading=_("Where")),
        MultiFieldPanel([FieldPanel("contact_name"), FieldPanel("contact_phone"), FieldPanel("contact_email")],
                        heading=_("Contact")),
        FieldPanel("introduction"), FieldPanel("logo"),
    ]

    def get_urlpatterns(self):
        return super().get_urlpatterns() + [path("verify/<int:pk>/", self.verify_view, name="verify")]

    def verify_view(self, request, pk):
        if not permissions.can_verify_organisations(request.user):
            raise PermissionDenied
        organisation = get_object_or_404(Organisation, pk=pk)
        form = VerificationForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            decide = (services.verify_organisation if form.cleaned_data["decision"] == "verify"
                      else services.reject_organisation)
            organisation = decide(organisation, request.user, form.cleaned_data["reason"])
            messages.success(request, _("%(name)s: %(status)s. Its administrators have been emailed.") % {
                "name": organisation.name_zh, "status": organisation.get_status_display()})
            return redirect(self.get_url_name("list"))
        return TemplateResponse(request, "organisations/admin/verify_organisation.html", {
            "organisation": organisation, "form": form,
            "memberships": organisation.memberships.select_related("user"),
            "header_icon": self.icon, "page_title": _("Verify %(name)s") % {"name": organisation.name_zh},
        })


organisation_viewset = OrganisationViewSet()
register_snippet(organisation_viewset)
send_after_admin_changes(Organisation, events.organisation_changed, "organisation", fields=None)


@hooks.register("register_snippet_listing_buttons")
def verify_button(snippet, user, next_url=None):
    if isinstance(snippet, Organisation) and permissions.can_verify_organisations(user):
        yield Button(
            _("Verify or reject") if snippet.status != Organisation.Status.VERIFIED else _("Review verification"),
            reverse(organisation_viewset.get_url_name("verify"), args=[snippet.pk]),
            icon_name="tick-inverse", priority=5,
        )


@hooks.register("register_log_actions")
def register_incubator_actions(actions):
    register_actions(actions, [
        ("seedbed.organisation.registered", _("Organisation registered")),
        ("seedbed.organisation.edited", _("Organisation record edited"),
         _("Organisation record edited: %(fields)s."), {"fields": field_names}),
        ("seedbed.organisation.verified", _("Organisation verified")),
        ("seedbed.organisation.rejected", _("Organisation not verified")),
        ("seedbed.organisation.invited", _("Member invited"), _("%(email)s was invited to join.")),
        ("seedbed.organisation.joined", _("Member joined"), _("%(email)s joined.")),
        ("seedbed.organisation.member_removed", _("Member removed"), _("%(email)s was removed.")),
    ])


def field_names(names):
    """The fields that changed, by their names on the form."""
    def name(field):
        try:
            return str(Organisation._meta.get_field(field).verbose_name)
        except FieldDoesNotExist:
            return field
    return _(", ").join(name(field) for field in names) if isinstance(names, list) else str(names)
