"""Odd ids posted to the ranking page's batch decision are no choice at all, never a 500."""

import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("value", ["²", "①", "٣", "9" * 20])
def test_odd_proposal_ids_are_not_ticked_proposals(client, staff, call, value):
    client.force_login(staff)
    response = client.post(f"/en/staff/calls/{call.pk}/ranking/", {"proposals": [value], "outcome": "approved"})
    assert response.status_code == 200
    assert "Tick the proposals to decide on." in response.content.decode()


def test_a_call_id_too_big_for_the_database_is_not_found(client, staff):
    client.force_login(staff)
    assert client.get(f"/en/staff/calls/{'9' * 20}/ranking/").status_code == 404
