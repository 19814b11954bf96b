"""The CSV of each public figure, at /<lang>/figures/<slug>.csv: the numbers of its table,
headed in the language of the address. Public, like the figures page that links to them."""

from django.http import Http404
from django.views.decorators.http import require_safe

from core.public_cache import cacheable
from portal.charts import csv_response
from portal.figures import CHARTS, Figures


@require_safe
@cacheable
def figure_csv(request, slug):
    build = CHARTS.get(slug)
    if build is None:
        raise Http404
    return csv_response(build(Figures()), f"seedbed-{slug}")
