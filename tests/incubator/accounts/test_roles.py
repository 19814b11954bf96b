"""The role groups after migrate: each app gave staff the permissions of its own models, and
together they are what staff need in the admin, no more."""

from django.contrib.auth.models import Group

from incubator.accounts import permissions, roles

# What staff may do in the admin beyond pages, documents and images (which are given per
# page tree and collection).
STAFF = {
    "wagtailadmin.access_admin",
    "places.add_district", "places.change_district", "places.view_district",
    "places.add_street", "places.change_street", "places.view_street",
    "places.add_community", "places.change_community", "places.view_community",
    "organisations.change_organisation", "organisations.view_organisation",
    "calls.add_theme", "calls.change_theme", "calls.view_theme",
    "review.change_determinationtemplate", "review.view_determinationtemplate",
    "cms.change_sitesettings",
    "training.add_cohort", "training.change_cohort", "training.view_cohort",
    "training.add_session", "training.change_session", "training.view_session",
    "training.view_enrolment", "training.view_certificate",
}


def names(group):
    return {f"{app}.{codename}" for app, codename in
            group.permissions.values_list("content_type__app_label", "codename")}


def test_staff_get_from_each_app_what_they_need_in_the_admin(db):
    assert names(Group.objects.get(name=permissions.STAFF)) == STAFF


def test_the_other_roles_get_no_model_permissions(db):
    for role in (permissions.REVIEWER, permissions.SUPERVISOR, permissions.FUNDER):
        assert names(Group.objects.get(name=role)) == set()


def test_an_app_grants_only_its_own_permissions_and_granting_again_changes_nothing(db):
    assert roles.grant(permissions.STAFF, ["change_theme"], "places") == []  # not a places permission
    granted = roles.grant(permissions.STAFF, ["add_theme", "change_theme"], "calls")
    assert {p.codename for p in granted} == {"add_theme", "change_theme"}
    assert names(Group.objects.get(name=permissions.STAFF)) == STAFF


def test_a_new_role_group_is_made_when_an_app_grants_it_first(db):
    roles.grant("trainer", ["view_theme"], "calls")
    assert names(Group.objects.get(name="trainer")) == {"calls.view_theme"}
