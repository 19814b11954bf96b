"""Places in the admin, grouped under one menu item."""

from django.utils.translation import gettext_lazy as _
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from core.events import send_after_admin_changes
from incubator.places import events
from incubator.places.models import Community, District, Street


class DistrictViewSet(SnippetViewSet):
    model = District
    icon = "site"
    list_display = ["name_zh", "name_en", "code"]
    search_fields = ["name_zh", "name_en", "code"]


class StreetViewSet(SnippetViewSet):
    model = Street
    icon = "site"
    list_display = ["name_zh", "name_en", "kind", "code"]
    list_filter = ["kind", "district"]
    search_fields = ["name_zh", "name_en", "code"]


class CommunityViewSet(SnippetViewSet):
    model = Community
    icon = "home"
    list_display = ["name_zh", "name_en", "street", "kind", "code"]
    list_filter = ["kind", "street"]
    search_fields = ["name_zh", "name_en", "code"]
    list_per_page = 50


class PlacesViewSetGroup(SnippetViewSetGroup):
    items = (DistrictViewSet, StreetViewSet, CommunityViewSet)
    menu_icon = "site"
    menu_label = _("Places")
    menu_name = "places"


register_snippet(PlacesViewSetGroup)
send_after_admin_changes((District, Street, Community), events.place_changed, "place")
