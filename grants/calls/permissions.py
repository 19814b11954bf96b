"""Who may apply to a call, and why not."""

from dataclasses import dataclass, field

from django.utils.formats import date_format
from django.utils.timezone import localtime
from django.utils.translation import gettext_lazy as _

from incubator.organisations.models import Organisation


@dataclass
class ApplyOptions:
    """What the call page's Apply button offers this visitor, or why it cannot."""

    organisations: list = field(default_factory=list)  # those the user may apply for
    reasons: list = field(default_factory=list)  # why not (each a sentence)
    needs_login: bool = False
    needs_organisation: bool = False

    @property
    def can_apply(self):
        return bool(self.organisations)


def apply_options(user, call):
    options = ApplyOptions()
    status = call.status
    if status == call.Status.UPCOMING:
        options.reasons.append(_("Applications open on %(date)s.") % {
            "date": date_format(localtime(call.opens_at), "DATETIME_FORMAT")})
        return options
    if status == call.Status.CLOSED:
        options.reasons.append(_("This call is closed: applications are no longer accepted."))
        return options
    if not user.is_authenticated:
        options.needs_login = True
        return options
    organisations = Organisation.objects.filter(memberships__user=user).select_related("street")
    if not organisations:
        options.needs_organisation = True
        return options
    for organisation in organisations:
        problem = call.eligibility_problem(organisation)
        if problem:
            options.reasons.append(problem)
        else:
            options.organisations.append(organisation)
    return options
