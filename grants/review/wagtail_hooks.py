from django.utils.translation import gettext_lazy as _
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from grants.review.models import DeterminationTemplate


class DeterminationTemplateViewSet(SnippetViewSet):
    """The messages applicants receive with each outcome, edited by staff in both languages.
    {title}, {reference}, {organisation} and {call} are filled in for each proposal."""

    model = DeterminationTemplate
    icon = "mail"
    menu_label = _("Decision messages")
    menu_order = 230
    add_to_admin_menu = True
    list_display = ["outcome", "subject_zh", "subject_en"]


register_snippet(DeterminationTemplateViewSet)
