"""A read-only JSON list of funded projects: the browser's filters, 50 to a page.

    GET /api/projects/?street=<id>&theme=<id>&q=停车&sort=amount&page=2

Every field is public (see portal/public.py); names are given in both languages, money as
decimal strings in yuan (CNY) so nothing is lost to floating point.
"""

from django.http import JsonResponse
from django.urls import reverse
from django.utils import translation
from django.views.decorators.http import require_GET

from portal.project_filters import ProjectFilter, page_of

PAGE_SIZE = 50


def _money(value):
    return f"{value:.2f}"


def _named(item):
    return None if item is None else {"id": item.pk, "name_zh": item.name_zh, "name_en": item.name_en or None}


def project_json(award, request):
    proposal = award.proposal
    with translation.override("zh-hans"):
        url = request.build_absolute_uri(reverse("portal:project", args=[award.pk]))
    return {
        "id": award.pk,
        "reference": award.reference,
        "title": proposal.title,
        "summary": proposal.summary,
        "status": award.status,
        "call": {"id": proposal.call_id, "title": proposal.call.title},
        "organisation": _named(proposal.organisation) | {
            "verified": proposal.organisation.is_verified, "code": proposal.organisation.identifier},
        "street": _named(proposal.street),
        "themes": [_named(theme) for theme in proposal.themes.all()],
        "starts_on": award.starts_on.isoformat(),
        "ends_on": award.ends_on.isoformat(),
        "currency": "CNY",
        "granted": _money(award.granted),
        "matched": _money(award.matched),
        "donations": _money(award.donations_applied),
        "awarded": _money(award.amount),
        "paid": _money(award.paid),
        "funders": [{"fund": _named(line.fund), "source": line.fund.kind, "granted": _money(line.granted),
                     "matched": _money(line.matched)} for line in award.funding.all()],
        "url": url,
    }


@require_GET
def project_list(request):
    filterset = ProjectFilter(request.GET)
    if not filterset.is_valid():
        return JsonResponse({"errors": filterset.form.errors.get_json_data()}, status=400)
    page = page_of(filterset, request.GET.get("page"), PAGE_SIZE, related=["proposal__call"])
    awards = page.object_list

    def link(number):
        query = request.GET.copy()
        query["page"] = number
        return request.build_absolute_uri(f"{request.path}?{query.urlencode()}")

    response = JsonResponse({
        "count": page.paginator.count,
        "page": page.number,
        "pages": page.paginator.num_pages,
        "next": link(page.next_page_number()) if page.has_next() else None,
        "previous": link(page.previous_page_number()) if page.has_previous() else None,
        "results": [project_json(award, request) for award in awards],
    }, json_dumps_params={"ensure_ascii": False})
    response["Access-Control-Allow-Origin"] = "*"  # open data: any site may read it
    return response
