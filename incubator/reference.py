"""Reference data every installation needs: role groups and the places of Nan'an district.

Run after every `migrate` (see apps.py) and safe to repeat: it only adds what is missing, so
staff edits to places survive and a flushed test database gets its groups back.
"""

import json
from pathlib import Path

from django.contrib.auth.models import Group, Permission
from django.db import transaction

from . import permissions
from .models import Community, District, Street

PLACES_FILE = Path(__file__).parent / "data" / "nanan_places.json"

# Staff run the CMS and the reference data; the other roles never enter the admin.
STAFF_PERMISSIONS = [
    "wagtailadmin.access_admin",
    "incubator.add_district", "incubator.change_district", "incubator.view_district",
    "incubator.add_street", "incubator.change_street", "incubator.view_street",
    "incubator.add_community", "incubator.change_community", "incubator.view_community",
    "incubator.change_organisation", "incubator.view_organisation",
    "grants.add_theme", "grants.change_theme", "grants.view_theme",
    "grants.change_determinationtemplate", "grants.view_determinationtemplate",
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


@transaction.atomic
def ensure_places(path=PLACES_FILE):
    """Load Nan'an's streets and communities, once; later edits belong to staff."""
    if District.objects.exists():
        return 0
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    district = District.objects.create(**data["district"])
    count = 0
    for item in data["streets"]:
        communities = item.pop("communities")
        street = Street.objects.create(district=district, **item)
        Community.objects.bulk_create(Community(street=street, **c) for c in communities)
        count += 1 + len(communities)
    return count
