"""The public project browser's facet rows (ProjectFacet, ProjectTag, FacetTotal), kept in step
with the awards.

An award's facet values are refreshed whenever its services announce a change (award_created,
award_changed: see apps.py), inside their transaction, so the rows change with the public
cache's version. The totals move by the difference, so the unfiltered counts never need a
GROUP BY over every award. `manage.py rebuild_project_facets` (and the migration that added
the tables) rebuild everything, for awards written without the services (bulk loads).
"""

from django.apps import apps as installed_apps
from django.db import transaction
from django.db.models import Count, F

SCALAR = ("year", "call", "street", "organisation", "status")
MANY = ("theme", "community", "source")
# The type each facet's values have in the browser (ids, years, choices' values).
TYPES = {"year": int, "call": int, "street": int, "organisation": int, "status": str,
         "theme": int, "community": int, "source": str}
BATCH = 5000


def typed(facet, value):
    return TYPES[facet](value)


def _values(award):
    """{(facet, value)} for one award, read from the award, its proposal and its funding."""

    from grants.funding.models import AwardFunding

    found = {("year", str(award.starts_on.year)), ("call", str(award.call_id)),
             ("organisation", str(award.organisation_id)), ("status", award.status)}
    if award.street_id is not None:
        found.add(("street", str(award.street_id)))
    proposal = award.proposal
    found |= {("theme", str(pk)) for pk in proposal.themes.values_list("pk", flat=True)}
    found |= {("community", str(pk)) for pk in proposal.communities.values_list("pk", flat=True)}
    found |= {("source", kind) for kind in AwardFunding.objects.filter(award=award)
              .values_list("fund__kind", flat=True).distinct()}
    return found


def _stored(award):
    from grants.funding.models import ProjectFacet, ProjectTag

    row = ProjectFacet.objects.filter(award=award).values(*(f"{name}_id" if name in ("call", "street", "organisation")
                                                            else name for name in SCALAR)).first()
    found = set()
    if row:
        found = {(name.removesuffix("_id"), str(value)) for name, value in row.items() if value is not None}
    found |= set(ProjectTag.objects.filter(award=award).values_list("facet", "value"))
    return found


def _move(pairs, step):
    from grants.funding.models import FacetTotal

    if not pairs:
        return
    if step > 0:
        FacetTotal.objects.bulk_create([FacetTotal(facet=facet, value=value) for facet, value in pairs],
                                       ignore_conflicts=True)
    for facet, value in sorted(pairs):  # one order for every writer: no deadlock between two
        FacetTotal.objects.filter(facet=facet, value=value).update(count=F("count") + step)


def refresh(award):
    """Bring one award's facet rows and the totals up to date with the award."""

    from grants.funding.models import Award, ProjectFacet, ProjectTag

    award = Award.objects.select_related("proposal").get(pk=award.pk)
    if _values(award) == _stored(award):
        return  # most events (a payment, a report) change no facet: nothing to lock
    with transaction.atomic():
        # The award's row only: its proposal is not ours to lock.
        award = Award.objects.select_for_update(of=("self",)).select_related("proposal").get(pk=award.pk)
        new, old = _values(award), _stored(award)
        if new == old:
            return
        ProjectFacet.objects.update_or_create(award=award, defaults={
            "year": award.starts_on.year, "call_id": award.call_id, "street_id": award.street_id,
            "organisation_id": award.organisation_id, "status": award.status})
        gone = {pair for pair in old - new if pair[0] in MANY}
        for facet, value in gone:
            ProjectTag.objects.filter(award=award, facet=facet, value=value).delete()
        ProjectTag.objects.bulk_create([ProjectTag(award=award, facet=facet, value=value)
                                        for facet, value in new - old if facet in MANY])
        _move(old - new, -1)
        _move(new - old, +1)


def on_award_changed(sender, award, **kwargs):
    refresh(award)


def rebuild(apps=installed_apps):
    """Every award's facet rows and the totals, from scratch, in a few set-wise queries. For a
    quiet moment (a deploy, a bulk load): an award changed meanwhile is refreshed by its own
    event only once this transaction has committed."""

    Award = apps.get_model("funding", "Award")
    AwardFunding = apps.get_model("funding", "AwardFunding")
    ProjectFacet = apps.get_model("funding", "ProjectFacet")
    ProjectTag = apps.get_model("funding", "ProjectTag")
    FacetTotal = apps.get_model("funding", "FacetTotal")
    Proposal = apps.get_model("proposals", "Proposal")

    with transaction.atomic():
        FacetTotal.objects.all().delete()
        ProjectTag.objects.all().delete()
        ProjectFacet.objects.all().delete()
        rows = Award.objects.order_by("pk").values_list("pk", "starts_on", "call_id", "street_id", "organisation_id",
                                                         "status")
        _batched(ProjectFacet, (ProjectFacet(award_id=pk, year=starts_on.year, call_id=call, street_id=street,
                                             organisation_id=organisation, status=status)
                                for pk, starts_on, call, street, organisation, status in rows.iterator(BATCH)))
        tags = [
            ("theme", Proposal.themes.through.objects.filter(proposal__award__isnull=False)
             .values_list("proposal__award", "theme_id")),
            ("community", Proposal.communities.through.objects.filter(proposal__award__isnull=False)
             .values_list("proposal__award", "community_id")),
            ("source", AwardFunding.objects.order_by().values_list("award_id", "fund__kind").distinct()),
        ]
        for facet, pairs in tags:
            _batched(ProjectTag, (ProjectTag(award_id=award, facet=facet, value=str(value))
                                  for award, value in pairs.iterator(BATCH)))
        totals = []
        for name in SCALAR:
            column = name if name in ("year", "status") else f"{name}_id"
            totals += [FacetTotal(facet=name, value=str(value), count=count) for value, count in
                       ProjectFacet.objects.order_by().exclude(**{column: None}).values_list(column)
                       .annotate(count=Count("pk"))]
        totals += [FacetTotal(facet=facet, value=value, count=count) for facet, value, count in
                   ProjectTag.objects.order_by().values_list("facet", "value").annotate(count=Count("pk"))]
        FacetTotal.objects.bulk_create(totals, batch_size=BATCH)
    return ProjectFacet.objects.count()


def _batched(model, objects):
    batch = []
    for item in objects:
        batch.append(item)
        if len(batch) == BATCH:
            model.objects.bulk_create(batch)
            batch = []
    model.objects.bulk_create(batch)
