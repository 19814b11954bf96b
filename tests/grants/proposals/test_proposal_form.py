"""The proposal form without JavaScript: communities ticked in groups by street, empty selects
that say "请选择…", as many budget rows as the applicant sends, and the script and styles that
enhance it loaded from this site."""

import re

import pytest

from grants.proposals.models import BudgetLine
from incubator.places.models import Community, Street
from tests.grants.proposals.editor import add_rows, editor_data

pytestmark = pytest.mark.django_db


def edit_page(client, user, proposal):
    client.force_login(user)
    return client.get(f"/zh-hans/proposals/{proposal.pk}/edit/").content.decode()


def test_communities_are_checkboxes_grouped_under_their_street(client, applicant, draft):
    page = edit_page(client, applicant, draft)
    assert 'name="p-communities"' in page and "<select name=\"p-communities\"" not in page
    street = draft.street
    group = re.search(rf'<fieldset class="community-group" data-street="{street.pk}">(.*?)</fieldset>', page, re.DOTALL)
    assert group and street.name in group.group(1)
    for community in Community.objects.filter(street=street):
        assert f'value="{community.pk}"' in group.group(1)
    assert page.count('class="community-group"') == Street.objects.filter(communities__isnull=False).distinct().count()


def test_ticked_communities_stay_ticked(client, applicant, draft):
    community = Community.objects.filter(street=draft.street).first()
    draft.communities.add(community)
    page = edit_page(client, applicant, draft)
    assert re.search(rf'value="{community.pk}" id="[^"]+" checked', page)


def test_empty_selects_ask_to_choose(client, applicant, draft):
    page = edit_page(client, applicant, draft)
    assert "---------" not in page
    assert '<option value="">请选择…</option>' in page


def test_more_than_three_new_budget_lines_are_saved_at_once(client, applicant, draft):
    data = add_rows(editor_data(draft), "budget", [
        {"category": "materials", "item": f"物资{number}", "quantity": "1", "unit": "批", "unit_price": "10"}
        for number in range(6)])
    client.force_login(applicant)
    response = client.post(f"/zh-hans/proposals/{draft.pk}/edit/", data)
    assert response.status_code == 302
    assert BudgetLine.objects.filter(proposal=draft, item__startswith="物资").count() == 6


def test_a_missing_community_problem_links_to_the_group(client, applicant, draft):
    elsewhere = Community.objects.exclude(street=draft.street).first()
    draft.communities.add(elsewhere)
    client.force_login(applicant)
    page = client.get(f"/zh-hans/proposals/{draft.pk}/edit/?check=1").content.decode()
    assert 'href="#id_p-communities"' in page and 'id="id_p-communities"' in page


def test_the_form_loads_its_own_script_and_styles_with_no_inline_code(client, applicant, draft):
    page = edit_page(client, applicant, draft)
    assert re.search(r'<script src="/static/js/proposal_form\.js[^"]*" defer>', page)
    assert re.search(r'<link rel="stylesheet" href="/static/css/proposal_form\.css', page)
    assert 'id="add-budget-row" hidden' in page  # shown only by the script that makes it work
    assert '<template id="budget-empty-row">' in page and "budget-__prefix__-item" in page
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", page)
