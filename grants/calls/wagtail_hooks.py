from django.utils.translation import gettext_lazy as _
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from core.events import send_after_admin_changes
from grants.calls import events
from grants.calls.models import Theme


class ThemeViewSet(SnippetViewSet):
    model = Theme
    icon = "tag"
    menu_label = _("Themes")
    menu_order = 220
    add_to_admin_menu = True
    list_display = ["name_zh", "name_en", "code"]
    search_fields = ["name_zh", "name_en", "code"]


register_snippet(ThemeViewSet)
send_after_admin_changes(Theme, events.theme_changed, "theme")
