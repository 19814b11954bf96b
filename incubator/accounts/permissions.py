"""Who may do what in the incubator: small predicates, used by views, templates and querysets.

Roles are Django groups. Applicants are not a group: they are users who belong to an
organisation (see the organisations module).
"""

from django.utils.translation import gettext_lazy as _

STAFF = "staff"
REVIEWER = "reviewer"
SUPERVISOR = "supervisor"
FUNDER = "funder"

ROLES = {
    STAFF: _("Civil-affairs staff"),
    REVIEWER: _("Expert reviewer"),
    SUPERVISOR: _("Supervisor"),
    FUNDER: _("Funder"),
}


def role_names(user):
    if not user.is_authenticated:
        return frozenset()
    if not hasattr(user, "_seedbed_roles"):
        user._seedbed_roles = frozenset(user.groups.values_list("name", flat=True))
    return user._seedbed_roles


def role_labels(user):
    return [label for name, label in ROLES.items() if name in role_names(user)]


def has_role(user, role):
    return role in role_names(user)


def is_staff_member(user):
    return user.is_authenticated and user.is_active and (user.is_superuser or has_role(user, STAFF))


def is_reviewer(user):
    return has_role(user, REVIEWER)


def is_supervisor(user):
    return has_role(user, SUPERVISOR)


def is_funder(user):
    return has_role(user, FUNDER)


def staff_members():
    from incubator.accounts.models import User

    return User.objects.filter(is_active=True, groups__name=STAFF).distinct()
