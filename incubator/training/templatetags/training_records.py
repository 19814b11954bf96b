"""Training records on pages that lower apps own (the profile, an organisation's page).

    {% load training_records %}
    {% completed_programmes user as completions %}   [enrolment, …] completed, newest first
    {% people_trained organisation as trained %}      how many of its members completed a cohort

A template tag library is how accounts and organisations show what training owns without
importing it."""

from django import template

from incubator.training.models import Enrolment

register = template.Library()


@register.simple_tag
def completed_programmes(user):
    if not user.is_authenticated:
        return []
    return list(Enrolment.objects.filter(user=user, state=Enrolment.State.COMPLETED)
                .select_related("cohort__programme", "certificate").order_by("-cohort__ends_on"))


@register.simple_tag
def people_trained(organisation):
    """Distinct people who completed a cohort, whether they applied for the organisation or
    are among its members."""
    from django.db.models import Q

    return (Enrolment.objects.filter(state=Enrolment.State.COMPLETED)
            .filter(Q(organisation=organisation) | Q(user__memberships__organisation=organisation))
            .values("user").distinct().count())
