"""Registering an organisation, its record, and its members."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from incubator.organisations import permissions, services
from incubator.organisations.forms import InvitationForm, OrganisationForm
from incubator.organisations.models import Membership, Organisation


def _organisation_for(request, pk, manage=False):
    """The organisation's full record for its members (or staff); admins only when `manage`.
    Anyone else gets a 404, so the URL never confirms the record exists."""

    organisation = get_object_or_404(Organisation.objects.select_related("street", "community"), pk=pk)
    allowed = (permissions.can_manage_organisation if manage
               else permissions.can_view_organisation_record)(request.user, organisation)
    if not allowed:
        raise Http404
    return organisation


@login_required
def organisation_register(request):
    form = OrganisationForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            organisation = services.register_organisation(form.save(commit=False), request.user)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _(
                "%(name)s is registered. Staff will check its records and email you when it is "
                "verified; you can already invite colleagues.") % {"name": organisation.name})
            return redirect("organisations:detail", organisation.pk)
    return render(request, "organisations/organisation_form.html", {"form": form})


@login_required
def organisation_detail(request, pk):
    organisation = _organisation_for(request, pk)
    return render(request, "organisations/organisation_detail.html", {
        "organisation": organisation,
        "memberships": organisation.memberships.select_related("user").order_by("role", "joined_at"),
        "can_manage": permissions.can_manage_organisation(request.user, organisation),
        "invitation_form": InvitationForm(),
    })


@login_required
def organisation_edit(request, pk):
    organisation = _organisation_for(request, pk, manage=True)
    form = OrganisationForm(request.POST or None, request.FILES or None, instance=organisation)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_organisation(form.save(commit=False), request.user, form.changed_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Saved."))
            return redirect("organisations:detail", organisation.pk)
    return render(request, "organisations/organisation_form.html", {"form": form, "organisation": organisation})


@login_required
@require_POST
def organisation_invite(request, pk):
    organisation = _organisation_for(request, pk, manage=True)
    form = InvitationForm(request.POST)
    if form.is_valid():
        try:
            services.invite_member(organisation, form.cleaned_data["email"], request.user)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("An invitation has been emailed to %(email)s.") % form.cleaned_data)
            return redirect("organisations:detail", organisation.pk)
    return render(request, "organisations/organisation_detail.html", {
        "organisation": organisation, "can_manage": True, "invitation_form": form,
        "memberships": organisation.memberships.select_related("user").order_by("role", "joined_at"),
    })


@login_required
@require_POST
def organisation_remove_member(request, pk, membership_pk):
    organisation = _organisation_for(request, pk, manage=True)
    membership = get_object_or_404(Membership, pk=membership_pk, organisation=organisation)
    try:
        services.remove_member(membership, request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("%(person)s is no longer a member.") % {"person": membership.user})
    return redirect("organisations:detail", organisation.pk)


@login_required
def organisation_join(request, token):
    """The invitation link: a GET shows what joining means, a POST joins (links in emails must
    not change anything by merely being opened, e.g. by a mail scanner)."""
    if request.method == "POST":
        try:
            membership = services.accept_invitation(token, request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("portal:dashboard")
        messages.success(request, _("You are now a member of %(name)s.") % {"name": membership.organisation.name})
        return redirect("organisations:detail", membership.organisation_id)
    try:
        organisation, email = services.read_invitation(token)
    except ValidationError as error:
        return render(request, "organisations/organisation_join.html", {"problem": " ".join(error.messages)})
    return render(request, "organisations/organisation_join.html", {
        "token": token, "organisation": organisation, "email": email})
