"""The questions an enrolment asks, decided by the cohort's audience."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


def _fields(audience):
    from incubator.training.models import Cohort

    experience = forms.IntegerField(label=_("Years working in community social work"), min_value=0,
                                    max_value=60)
    certified = forms.ChoiceField(label=_("Social-work qualification"), choices=[
        ("none", _("None yet")), ("assistant", _("Assistant social worker")),
        ("social_worker", _("Social worker")), ("senior", _("Senior social worker"))])
    idea = forms.CharField(label=_("The social venture or team you want to build"), max_length=1000,
                           widget=forms.Textarea(attrs={"rows": 4}))
    practice = forms.CharField(label=_("A practice your organisation can share with peers"),
                               max_length=1000, widget=forms.Textarea(attrs={"rows": 4}))
    goal = forms.CharField(label=_("What you hope to learn"), max_length=1000,
                           widget=forms.Textarea(attrs={"rows": 3}))
    return {
        Cohort.Audience.SOCIAL_WORKERS: {"experience": experience, "certified": certified, "goal": goal},
        Cohort.Audience.YOUNG_FOUNDERS: {"idea": idea, "goal": goal},
        Cohort.Audience.ORGANISATIONS: {"practice": practice, "goal": goal},
    }[audience]


def question_fields(audience):
    return _fields(audience)


def clean_answers(audience, answers):
    """The answers, cleaned by the audience's questions; a ValidationError names the fields
    answered wrongly."""
    cleaned, errors = {}, {}
    for name, field in _fields(audience).items():
        try:
            cleaned[name] = field.clean(answers.get(name))
        except ValidationError as error:
            errors[name] = error.messages
    if errors:
        raise ValidationError(errors)
    return cleaned
