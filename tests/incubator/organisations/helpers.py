"""The organisation pages as the tests drive them: the edit form's data, its URL, the errors
shown under a field, the audit entries written."""

import re

from wagtail.models import ModelLogEntry


def edit_path(organisation, language="zh-hans"):
    return f"/{language}/organisations/{organisation.pk}/edit/"


def record(organisation, **changes):
    """The edit form's data for the organisation as it is stored, with some fields changed."""
    data = {
        "name_zh": organisation.name_zh, "name_en": organisation.name_en, "kind": organisation.kind,
        "uscc": organisation.uscc or "", "filing_number": organisation.filing_number or "",
        "registration_authority": organisation.registration_authority,
        "founded_on": organisation.founded_on.isoformat() if organisation.founded_on else "",
        "address": organisation.address, "street": organisation.street_id,
        "community": organisation.community_id or "", "contact_name": organisation.contact_name,
        "contact_phone": organisation.contact_phone, "contact_email": organisation.contact_email,
        "introduction": organisation.introduction,
    }
    data.update(changes)
    return data


def field_errors(response, field):
    """The error texts shown under one field of the rendered form."""
    html = response.content.decode()
    return re.findall(rf'<p class="error" id="id_{field}_error">(.*?)</p>', html, re.S)


def logged(organisation, action):
    return ModelLogEntry.objects.for_instance(organisation).filter(action=action)
