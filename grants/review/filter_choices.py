"""The workbench filter's dropdowns (calls, streets, themes, reviewers), read and rendered cheaply.

Their choices change rarely but were read (four queries) and rendered option by option through
Django's widget templates on every list page: a quarter of the page's rendering time. They are
cached per language and per data version. Calls, streets and themes are public data, so the
public pages' version (core.public_cache) already changes with them; the reviewer list is not
public, so it has a version of its own, PublicVersion's row 2, bumped when someone joins or
leaves the reviewers' group, or a user is renamed or deleted. Both are read in one query.
"""

from django import forms
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.db.models import F
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join
from django.utils.translation import get_language

from core.models import PublicVersion
from incubator.accounts import permissions as people

PUBLIC_ROW, REVIEWERS_ROW = 1, 2
CACHED = ("call", "street", "theme", "reviewer")
KEEP_SECONDS = 24 * 3600  # older versions' entries are unreachable; this only frees their space
# A user saved with only these fields changed does not change the reviewer list (a login).
UNLISTED_FIELDS = {"last_login", "password"}


class FastSelect(forms.Select):
    """A <select> written in Python: Django's Select renders a template for every option."""

    def render(self, name, value, attrs=None, renderer=None):
        chosen = set(self.format_value(value))
        options = format_html_join("", '<option value="{}"{}>{}</option>', (
            (option, " selected" if str(option) in chosen else "", label) for option, label in self.choices))
        return format_html("<select name=\"{}\"{}>{}</select>", name,
                           flatatt(self.build_attrs(self.attrs, attrs)), options)


def _versions():
    numbers = dict(PublicVersion.objects.filter(pk__in=(PUBLIC_ROW, REVIEWERS_ROW)).values_list("pk", "number"))
    return numbers.get(PUBLIC_ROW, 0), numbers.get(REVIEWERS_ROW, 0)


def _read(form):
    return {name: [(getattr(value, "value", value), str(label)) for value, label in form.fields[name].choices]
            for name in CACHED}


def use_cached_choices(form):
    """Give `form`'s dropdowns their choices from the cache (reading them on a miss)."""
    public, reviewers = _versions()
    key = f"workbench-choices:{public}:{reviewers}:{get_language()}"
    choices = cache.get(key)
    if choices is None:
        choices = _read(form)
        cache.set(key, choices, KEEP_SECONDS)
    for name, listed in choices.items():
        form.fields[name].widget.choices = listed
    return form


def reviewers_changed(sender, instance=None, created=False, update_fields=None, action=None, pk_set=None,
                      reverse=False, **kwargs):
    """Signal receiver (post_save and post_delete of users, m2m_changed of their groups)."""
    if created or (update_fields is not None and set(update_fields) <= UNLISTED_FIELDS):
        return  # a new user is in no group yet; a login changes no name
    if action is not None:
        if not action.startswith("post_"):
            return
        reviewers = Group.objects.filter(name=people.REVIEWER)
        if reverse and instance.name != people.REVIEWER:
            return  # group.user_set changed, for another group
        if not reverse and pk_set is not None and not reviewers.filter(pk__in=pk_set).exists():
            return  # user.groups changed, not the reviewers'
    if not PublicVersion.objects.filter(pk=REVIEWERS_ROW).update(number=F("number") + 1):
        PublicVersion.objects.get_or_create(pk=REVIEWERS_ROW, defaults={"number": 1})
