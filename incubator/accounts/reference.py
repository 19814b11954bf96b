"""Reference data every installation needs: role groups and the places of Nan'an district.

Run after every `migrate` (see apps.py) and safe to repeat: it only adds what is missing, so
staff edits to places survive and a flushed test database gets its groups back.
"""

from django.contrib.auth.models import Group, Permission
from django.db import transaction

from incubator.accounts import permissions

# Staff run the CMS and the reference data; the other roles never enter the admin.
STAFF_PERMISSIONS = [
    "wagtailadmin.access_admin",
    "places.add_district", "places.change_district", "places.view_district",
    "places.add_street", "places.change_street", "places.view_street",
    "places.add_community", "places.change_community", "places.view_community",
    "organisations.change_organisation", "organisations.view_organisation",
    "calls.add_theme", "calls.change_theme", "calls.view_theme",
    "review.change_determinationtemplate", "review.view_determinationtemplate",
    "cms.change_sitesettings",
]
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
    groups = {name: Group.objects.get_or_create(name=name)[0] for name in permissions.ROLES}
    staff = groups[permissions.STAFF]
    staff.permissions.add(*_permissions(STAFF_PERMISSIONS))

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
