"""An organisation's edits tell the apps above which fields changed
(`incubator.organisations.events.organisation_changed`)."""

import pytest

from incubator.organisations import events, services


@pytest.fixture
def heard(db):
    told = []

    def listen(organisation, fields, **kwargs):
        told.append((organisation.pk, fields))

    events.organisation_changed.connect(listen)
    yield told
    events.organisation_changed.disconnect(listen)


def test_an_edit_says_which_fields_changed(heard, organisation, applicant):
    organisation.name_en = "Nanping Social Work Centre"
    organisation.contact_phone = "023-62000000"
    services.update_organisation(organisation, applicant, ["name_en", "contact_phone"])
    assert heard == [(organisation.pk, {"name_en", "contact_phone"})]


def test_staff_edits_in_the_admin_are_told_without_fields(heard, client, staff, organisation):
    client.force_login(staff)
    fields = ["name_zh", "name_en", "kind", "uscc", "filing_number", "registration_authority", "address",
              "contact_name", "contact_phone", "contact_email", "introduction"]
    form = {name: getattr(organisation, name) or "" for name in fields}
    form.update(street=organisation.street_id, community=organisation.community_id or "",
                founded_on=organisation.founded_on or "", name_en="Nanping Social Work Centre")
    response = client.post(f"/admin/snippets/organisations/organisation/edit/{organisation.pk}/", form)
    assert response.status_code == 302, response.content.decode()[:3000]
    assert heard == [(organisation.pk, None)]
