from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from .models import Theme


class ThemeViewSet(SnippetViewSet):
    model = Theme
    icon = "tag"
    menu_label = _("Themes")
    menu_order = 220
    add_to_admin_menu = True
    list_display = ["name_zh", "name_en", "code"]
    search_fields = ["name_zh", "name_en", "code"]


register_snippet(ThemeViewSet)


@hooks.register("register_log_actions")
def register_grants_actions(actions):
    for action, label in [
        ("seedbed.proposal.created", _("Proposal started")),
        ("seedbed.proposal.saved", _("Draft saved")),
        ("seedbed.proposal.submitted", _("Proposal submitted")),
        ("seedbed.proposal.attachment_added", _("Attachment added")),
        ("seedbed.proposal.attachment_removed", _("Attachment removed")),
    ]:
        actions.register_action(action, label, label)
