"""Reference data every installation needs: the role groups, and staff's way into the admin.

Run after every `migrate` (see apps.py) and safe to repeat: it only adds what is missing, so
a flushed test database gets its groups back. What staff may edit there is given by each
app, for its own models (`roles.grant`, from the app's post_migrate handler).
"""

from django.contrib.auth.models import Group, Permission
from django.db import transaction

from incubator.accounts import permissions, roles

# Staff run the CMS and the reference data; the other roles never enter the admin.
STAFF_PAGE_PERMISSIONS = ["add_page", "change_page", "publish_page", "lock_page", "unlock_page"]
STAFF_COLLECTION_PERMISSIONS = [
    "wagtaildocs.add_document", "wagtaildocs.change_document", "wagtaildocs.choose_document",
    "wagtailimages.add_image", "wagtailimages.change_image", "wagtailimages.choose_image",
]


def _permissions(names):
    found = []
    for name in names:
        app_label, codename = name.split(".")
        found.extend(
            Permission.objects.filter(content_type__app_label=app_label, codename=codename)
        )
    return found


@transaction.atomic
def ensure_roles():
    from wagtail.models import Collection, GroupCollectionPermission, GroupPagePermission, Page

    # Wagtail's migrations create "Editors" and "Moderators" with admin access; Seedbed's one
    # admin role is staff, so the unused defaults go (a group someone was put in stays).
    Group.objects.filter(name__in=["Editors", "Moderators"], user__isnull=True).delete()
    groups = {name: roles.group(name) for name in permissions.ROLES}
    staff = groups[permissions.STAFF]
    roles.grant(permissions.STAFF, ["access_admin"], "wagtailadmin")

    root = Page.get_first_root_node()
    if root is not None:
        for perm in Permission.objects.filter(
            content_type__app_label="wagtailcore", codename__in=STAFF_PAGE_PERMISSIONS
        ):
            GroupPagePermission.objects.get_or_create(group=staff, page=root, permission=perm)
    collection = Collection.get_first_root_node()
    if collection is not None:
        for perm in _permissions(STAFF_COLLECTION_PERMISSIONS):
            GroupCollectionPermission.objects.get_or_create(
                group=staff, collection=collection, permission=perm
            )
    return groups
