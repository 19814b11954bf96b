"""The staff workbench: the filtered, searchable list of proposals and its exports.

Staff and supervisors see every submitted proposal (drafts are the applicants' own business).
The list and both exports share one FilterSet (grants/review/workbench_filters.py), so an export
holds exactly the rows the list shows, in the same order, on every page at once. A page costs
the same few queries whatever it shows: the rows come with their call, organisation and
street in one query, and only the columns the table needs are read.
"""

from decimal import ROUND_HALF_UP, Decimal

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import F
from django.http import Http404, HttpResponseBadRequest
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.text import capfirst
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from core import exports
from grants.proposals import permissions
from grants.proposals.models import Proposal
from grants.review import redaction
from grants.review.workbench_filters import ProposalFilter

PAGE_SIZE = 50


def _field_label(name):
    """A column heading: the field's own (already translated) name."""

    return capfirst(Proposal._meta.get_field(name).verbose_name)


# The table's columns: (key, heading, the ?sort= a first click asks for, or None).
COLUMNS = [
    ("reference", _field_label("reference"), "reference"),
    ("title", _field_label("title"), "title"),
    ("organisation", _field_label("organisation"), None),
    ("call", _field_label("call"), None),
    ("street", gettext_lazy("Street / town"), None),
    ("status", _field_label("status"), None),
    ("requested_amount", _field_label("requested_amount"), "-requested_amount"),
    ("score", _field_label("score"), "-score"),
    ("review_count", _field_label("review_count"), None),
    ("submitted_at", _field_label("submitted_at"), "-submitted_at"),
]
NUMERIC = {"requested_amount", "score", "review_count"}

# What one row of the table reads: nothing else is fetched (no summaries, answers, call text).
# The call's title comes as a plain column: a Wagtail page object per row would cost more
# than the rest of the row.
LIST_FIELDS = [
    "reference", "title", "status", "requested_amount", "score", "review_count", "disagreement",
    "submitted_at", "organisation", "organisation__name_zh", "organisation__name_en", "street",
    "street__name_zh", "street__name_en",
]


def _readable_proposals(request):
    """Every submitted proposal, for the people who may read them all; 403 for anyone else."""

    if not permissions.can_read_all_proposals(request.user):
        raise PermissionDenied
    return permissions.visible_proposals(request.user).exclude(status=Proposal.Status.DRAFT)


def _filtered(request):
    return ProposalFilter(request.GET, queryset=_readable_proposals(request), request=request)


@login_required
def workbench(request):
    filterset = _filtered(request)
    # Counted without the joins the rows need; then one query for the page's rows.
    page = Paginator(filterset.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    start = (page.number - 1) * PAGE_SIZE
    proposals = list(filterset.qs.select_related("organisation", "street").only(*LIST_FIELDS)
                     .annotate(call_title=F("call__title"), blind=F("call__blind_review"))[start:start + PAGE_SIZE])
    named = redaction.naming_their_applicant([proposal.pk for proposal in proposals if proposal.blind])
    labels = {value: str(label) for value, label in Proposal.Status.choices}
    for proposal in proposals:
        _prepare_row(proposal, labels, named)
    return render(request, "review/workbench/list.html", {
        "filter": filterset,
        "page_obj": page,
        "proposals": proposals,
        "headers": _headers(request, filterset.sort_order),
        "disagreement_label": _field_label("disagreement"),
        "not_scored_label": _("not scored yet"),
        "can_export": filterset.is_valid(),
        "search_order": filterset.search_order,
    })


def _prepare_row(proposal, labels, named):
    """What a row shows, formatted here once: the template's url tag and number and date
    filters were most of a row's rendering time (profiled with cProfile, issue 18)."""
    proposal.url = reverse("review:staff_proposal", args=[proposal.pk])
    proposal.status_label = labels.get(proposal.status, proposal.status)  # translated once per status
    proposal.names_applicant = proposal.pk in named
    amount, score = proposal.requested_amount, proposal.score
    # Grouped by hand: the Chinese locale formats have no thousands grouping, and ¥81000.00 is hard to read.
    proposal.amount_text = None if amount is None else f"{amount:,.2f}"
    # Rounded half up, as the floatformat filter did.
    proposal.score_text = None if score is None else number_format(
        score.quantize(Decimal("0.1"), ROUND_HALF_UP), 1)
    proposal.submitted_text = timezone.localtime(proposal.submitted_at).strftime("%Y-%m-%d %H:%M") \
        if proposal.submitted_at else ""


def _headers(request, current):
    """Each column's heading; sortable ones link to the list sorted by them (keeping every
    other parameter, back to page 1) and say how the list is sorted now (aria-sort)."""
    headers = []
    for key, label, first in COLUMNS:
        header = {"key": key, "label": label, "numeric": key in NUMERIC, "url": None, "aria_sort": None}
        if first:
            field = first.lstrip("-")
            if current in (field, f"-{field}"):
                descending = current.startswith("-")
                header["aria_sort"] = "descending" if descending else "ascending"
                wanted = field if descending else f"-{field}"
            else:
                wanted = first
            query = request.GET.copy()
            query.pop("page", None)
            query["sort"] = wanted
            header["url"] = f"?{query.urlencode()}"
        headers.append(header)
    return headers


# -- exports -------------------------------------------------------------------------------
# The list's columns, with the reviewers' disagreement and the submission time in Beijing time
# (a spreadsheet has no time zones).
EXPORT = exports.Export([
    exports.Column("reference", _field_label("reference"), exports.TEXT, width=16),
    exports.Column("title", _field_label("title"), exports.TEXT, width=40),
    exports.Column("organisation", _field_label("organisation"), exports.TEXT, width=30),
    exports.Column("call", _field_label("call"), exports.TEXT, width=30),
    exports.Column("street", gettext_lazy("Street / town"), exports.TEXT, width=14),
    exports.Column("status", _field_label("status"), exports.TEXT, width=12),
    exports.Column("requested_amount", _field_label("requested_amount"), exports.MONEY, width=14),
    exports.Column("score", _field_label("score"), exports.NUMBER, width=8),
    exports.Column("disagreement", _field_label("disagreement"), exports.TEXT, width=10),
    exports.Column("review_count", _field_label("review_count"), exports.NUMBER, width=8),
    exports.Column("submitted_at", gettext_lazy("Submitted (Beijing time)"), exports.DATETIME, width=18),
], sheet=gettext_lazy("Proposals"))


def _export_header():
    return EXPORT.header()


def _export_rows(queryset):
    """The rows of an export, read in chunks (never the whole list at once). Names are taken
    in the language of the request and statuses are translated labels, all decided now: a
    streamed response is iterated after the view has returned."""
    english = (get_language() or "").startswith("en")
    statuses = {value: str(label) for value, label in Proposal.Status.choices}
    yes = _("Yes")
    values = queryset.values_list(
        "reference", "title", "organisation__name_zh", "organisation__name_en", "call__title",
        "street__name_zh", "street__name_en", "status", "requested_amount", "score", "disagreement",
        "review_count", "submitted_at")

    def rows():
        for (reference, title, org_zh, org_en, call, street_zh, street_en, status, amount, score,
             disagreement, reviews, submitted_at) in values.iterator(chunk_size=2000):
            yield {
                "reference": reference, "title": title,
                "organisation": (org_en or org_zh) if english else org_zh, "call": call,
                "street": (street_en or street_zh) if english else (street_zh or ""),
                "status": statuses.get(status, status), "requested_amount": amount, "score": score,
                "disagreement": yes if disagreement else "", "review_count": reviews,
                "submitted_at": submitted_at,
            }

    return rows()


@login_required
def workbench_export(request, format):
    filterset = _filtered(request)
    if format not in exports.FORMATS:
        raise Http404
    if not filterset.is_valid():
        return HttpResponseBadRequest(_("The filters are not valid: correct them on the list, then export again."),
                                      content_type="text/plain; charset=utf-8")
    filename = f"proposals-{timezone.localdate():%Y%m%d}"
    return EXPORT.response(format, _export_rows(filterset.qs), filename)
