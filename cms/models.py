from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page
from wagtail.search import index

from .blocks import BaseStreamBlock


class HomePage(Page):
    intro = RichTextField(_("introduction"), blank=True, features=["bold", "italic", "link"])
    body = StreamField(BaseStreamBlock(), blank=True, verbose_name=_("body"))

    parent_page_types = ["wagtailcore.Page"]
    subpage_types = ["cms.StandardPage", "cms.CallIndexPage", "cms.ProjectIndexPage", "cms.FiguresPage"]

    content_panels = Page.content_panels + [FieldPanel("intro"), FieldPanel("body")]
    search_fields = Page.search_fields + [index.SearchField("intro")]

    class Meta:
        verbose_name = _("home page")

    def menu_pages(self):
        return self.get_children().live().in_menu().specific()


class StandardPage(Page):
    intro = models.TextField(_("introduction"), blank=True)
    body = StreamField(BaseStreamBlock(), blank=True, verbose_name=_("body"))

    parent_page_types = ["cms.HomePage", "cms.StandardPage"]
    subpage_types = ["cms.StandardPage"]

    content_panels = Page.content_panels + [FieldPanel("intro"), FieldPanel("body")]
    search_fields = Page.search_fields + [index.SearchField("intro"), index.SearchField("body")]

    class Meta:
        verbose_name = _("standard page")


class CallIndexPage(Page):
    """Lists the calls placed under it: open, upcoming and closed, with filters."""

    intro = RichTextField(_("introduction"), blank=True, features=["bold", "italic", "link"])

    parent_page_types = ["cms.HomePage"]
    subpage_types = ["grants.CallPage"]
    max_count_per_parent = 1

    content_panels = Page.content_panels + [FieldPanel("intro")]

    class Meta:
        verbose_name = _("call index page")

    def get_calls(self):
        from grants.models import CallPage

        return CallPage.objects.live().child_of(self).prefetch_related("themes").order_by("-closes_at")

    def get_context(self, request, *args, **kwargs):
        from django.core.paginator import Paginator

        from grants.filters import CallFilter

        context = super().get_context(request, *args, **kwargs)
        calls = CallFilter(request.GET, queryset=self.get_calls(), request=request)
        context["filter"] = calls
        context["calls"] = Paginator(calls.qs, 20).get_page(request.GET.get("page"))
        return context


class ProjectIndexPage(Page):
    """The public browser of funded projects: facets with counts, Chinese full-text search,
    sorting and pages, all in the URL so a filtered list can be shared (grants/project_filters.py
    holds the filters, shared with the JSON list at /api/projects/)."""

    intro = RichTextField(_("introduction"), blank=True, features=["bold", "italic", "link"])

    parent_page_types = ["cms.HomePage"]
    subpage_types = []
    max_count_per_parent = 1
    PAGE_SIZE = 24

    content_panels = Page.content_panels + [FieldPanel("intro")]

    class Meta:
        verbose_name = _("funded projects page")

    def get_context(self, request, *args, **kwargs):
        from grants.project_filters import ProjectFilter, facet_links, page_of

        context = super().get_context(request, *args, **kwargs)
        projects = ProjectFilter(request.GET)
        page = page_of(projects, request.GET.get("page"), self.PAGE_SIZE)
        context.update({
            "filter": projects,
            "facets": facet_links(projects, request.GET),
            "page_obj": page,
            "projects": page.object_list,
            "active": [name for name in projects.FACETS if request.GET.get(name)],
            # The search form resubmits the facets chosen so far.
            "hidden": [(name, value) for name, value in request.GET.items() if name in projects.FACETS and value],
        })
        return context


class FiguresPage(Page):
    """The public figures: projects, organisations and money by source, year, street and
    theme, donations and matches, as server-drawn charts with their tables and CSV
    (grants/figures.py says what each number counts)."""

    intro = RichTextField(_("introduction"), blank=True, features=["bold", "italic", "link"])

    parent_page_types = ["cms.HomePage"]
    subpage_types = []
    max_count_per_parent = 1

    content_panels = Page.content_panels + [FieldPanel("intro")]
    search_fields = Page.search_fields + [index.SearchField("intro")]

    class Meta:
        verbose_name = _("figures page")

    def get_figures(self):
        from grants.figures import Figures

        return Figures()

    def get_context(self, request, *args, **kwargs):
        from django.urls import reverse

        from grants.figures import CHARTS

        from .charts import Figure

        context = super().get_context(request, *args, **kwargs)
        figures = self.get_figures()
        context["numbers"] = figures
        context["totals"] = figures.totals()
        # Keyed for the template: figures.money_by_source is the chart of "money-by-source".
        context["figures"] = {
            slug.replace("-", "_"): Figure(build(figures), csv_url=reverse("figure_csv", args=[slug]))
            for slug, build in CHARTS.items()}
        return context


@register_setting(icon="cog")
class SiteSettings(BaseSiteSetting):
    hotline = models.CharField(
        _("service hotline"), max_length=40, blank=True, help_text=_("Shown in every page's footer.")
    )
    email = models.EmailField(_("contact email"), blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)

    panels = [FieldPanel("hotline"), FieldPanel("email"), FieldPanel("address")]

    class Meta:
        verbose_name = _("site settings")
