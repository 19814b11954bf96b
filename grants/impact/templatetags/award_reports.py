"""What the award page's report section and the report page need beyond their context.

    {% load award_reports %}
    {% award_reports award as reports %}   the award's reports, in due order
    {% if report|overdue %}                 still the holder's to write after its due date

The award page is funding's, which sits below impact and never reads reports: it includes
impact/_award_reports.html, which fetches them through this library.
"""

from django import template
from django.utils import timezone

register = template.Library()


@register.simple_tag
def award_reports(award):
    return award.reports.all()


@register.filter
def overdue(report):
    return report.is_overdue(timezone.localdate())
