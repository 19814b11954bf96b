"""Who may see and manage an organisation's record: its members, its administrators, staff."""

from incubator.accounts.permissions import is_staff_member


def memberships_of(user):
    from incubator.organisations.models import Membership

    if not user.is_authenticated:
        return Membership.objects.none()
    return Membership.objects.filter(user=user).select_related("organisation")


def membership(user, organisation):
    """The user's membership of the organisation, or None."""
    if not user.is_authenticated:
        return None
    return organisation.memberships.filter(user=user).first()


def can_view_organisation_record(user, organisation):
    """The full record (members, contact details, verification notes), not the public profile."""
    return is_staff_member(user) or membership(user, organisation) is not None


def can_manage_organisation(user, organisation):
    """Edit the record, invite and remove members: the organisation's administrators."""
    found = membership(user, organisation)
    return found is not None and found.is_admin


def can_verify_organisations(user):
    return is_staff_member(user)
