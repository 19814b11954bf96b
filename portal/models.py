"""The public pages of funded projects and figures, and the version of the open data."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Page
from wagtail.search import index

from core.public_cache import cacheable_page


@cacheable_page
class ProjectIndexPage(Page):
    """The public browser of funded projects: facets with counts, Chinese full-text search,
    sorting and pages, all in the URL so a filtered list can be shared (portal/project_filters.py
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
        from portal.project_filters import ProjectFilter, facet_links, page_of

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


@cacheable_page
class FiguresPage(Page):
    """The public figures: projects, organisations and money by source, year, street and
    theme, donations and matches, as server-drawn charts with their tables and CSV
    (portal/figures.py says what each number counts)."""

    intro = RichTextField(_("introduction"), blank=True, features=["bold", "italic", "link"])

    parent_page_types = ["cms.HomePage"]
    subpage_types = []
    max_count_per_parent = 1

    content_panels = Page.content_panels + [FieldPanel("intro")]
    search_fields = Page.search_fields + [index.SearchField("intro")]

    class Meta:
        verbose_name = _("figures page")

    def get_figures(self):
        from portal.figures import Figures

        return Figures()

    def get_context(self, request, *args, **kwargs):
        from django.urls import reverse

        from portal.charts import Figure
        from portal.figures import CHARTS

        context = super().get_context(request, *args, **kwargs)
        figures = self.get_figures()
        context["numbers"] = figures
        context["totals"] = figures.totals()
        # Keyed for the template: figures.money_by_source is the chart of "money-by-source".
        context["figures"] = {
            slug.replace("-", "_"): Figure(build(figures), csv_url=reverse("portal:figure_csv", args=[slug]))
            for slug, build in CHARTS.items()}
        return context


class OpenDataChange(models.Model):
    """A change to what the open data publishes, noted by `portal.services` in the transaction
    that made it, so a rollback takes it back: the newest row is the data's version (part of
    the files' fingerprint). Rows older than the newest are deleted once files are made."""

    noted_at = models.DateTimeField(_("noted at"), default=timezone.now)

    class Meta:
        verbose_name = _("open data change")
