"""Publishing a call: what goes live can be applied to and reviewed, and a call not yet
translated is shown in the language it exists in, with a notice, never a 404."""

import pytest
from django.utils import translation

from grants.calls.models import CallPage
from tests.factories import make_call, translated


@pytest.fixture(autouse=True)
def _in_chinese():
    with translation.override("zh-hans"):
        yield


def edit_form(call, **data):
    form_class = CallPage.get_edit_handler().get_form_class()
    data = {"questions-count": "0", "rubric-count": "0", "documents-count": "0", **data}
    form = form_class(data, instance=call, parent_page=call.get_parent(), for_user=None)
    form.is_valid()
    return {name: [str(error) for error in errors] for name, errors in form.errors.items()}


def test_publishing_without_questions_or_scoring_criteria_is_refused(db):
    errors = edit_form(make_call(), **{"action-publish": "1"})
    assert errors["questions"] == ["发布前请至少添加一个申报问题：否则申报方无从填写。"]
    assert errors["rubric"] == ["发布前请添加评分标准：否则评审专家无从评分。"]


def test_a_draft_may_still_lack_them(db):
    errors = edit_form(make_call())
    assert "questions" not in errors and "rubric" not in errors


def test_an_untranslated_call_in_english_leads_to_the_chinese_one_with_a_notice(client, db):
    call = make_call()
    with translation.override("en"):
        response = client.get(f"/en/calls/{call.slug}/", follow=True)
    assert response.redirect_chain == [(call.url, 302)]
    page = response.content.decode()
    assert call.title in page and "This call has no English version yet; here it is in Simplified Chinese." in page


def test_a_translated_call_is_served_in_its_own_language(client, db):
    english = translated(make_call())
    assert client.get(english.url).status_code == 200


def test_an_address_no_call_has_is_still_a_404(client, db):
    make_call()
    assert client.get("/en/calls/no-such-call/").status_code == 404
