"""Roles are groups, and each app gives them the permissions of its own models.

An app calls `grant` from its AppConfig's post_migrate handler (connected with itself as
sender), when its own permissions exist: Django's `create_permissions` answers each app's
post_migrate before the app's own handlers. So accounts, at the bottom, never names another
app's permissions, and a group gets its permissions whichever app migrates first.
"""

from django.contrib.auth.models import Group, Permission


def group(role):
    return Group.objects.get_or_create(name=role)[0]


def grant(role, codenames, app_label):
    """Give `role`'s group these permissions (codenames, e.g. "change_theme") of the app
    `app_label`. Only adds: safe to repeat, and staff's other permissions stay. Returns the
    permissions found (a codename the app does not have is skipped; tests/incubator/accounts
    checks the result)."""

    found = list(Permission.objects.filter(content_type__app_label=app_label, codename__in=codenames))
    group(role).permissions.add(*found)
    return found
