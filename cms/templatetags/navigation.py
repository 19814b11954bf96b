from django import template
from wagtail.models import Site

from cms.models import HomePage

register = template.Library()


def _home(request):
    """The home page in the reader's language, looked up once per request."""
    if request is None:
        return None
    if not hasattr(request, "_seedbed_home"):
        site = Site.find_for_request(request)
        home = site.root_page.localized.specific if site else None
        request._seedbed_home = home if isinstance(home, HomePage) else None
    return request._seedbed_home


@register.simple_tag(takes_context=True)
def home_url(context):
    home = _home(context.get("request"))
    return home.url if home else "/"


@register.simple_tag(takes_context=True)
def main_menu_pages(context):
    home = _home(context.get("request"))
    return home.menu_pages() if home else []
