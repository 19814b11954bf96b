"""The staff search finds Chinese words inside unsegmented text, Latin words whole and in any
case, organisations by name and proposals by reference — alike on SQLite and PostgreSQL."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.search import document, search, tokens
from grants.proposals.models import Proposal
from grants.proposals.services import submit_proposal
from tests.factories import OrganisationFactory, make_call, make_proposal

pytestmark = pytest.mark.django_db

PARKING = "小区停车管理方案"
ELDERLY = "老年人关爱"


# -- the tokenizer ---------------------------------------------------------------------------
def test_chinese_is_split_into_overlapping_bigrams_and_latin_into_lower_case_words():
    assert tokens("小区停车") == ["小区", "区停", "停车"]
    assert tokens("Smart PARKING, 2026!") == ["smart", "parking", "2026"]
    assert tokens("NA-2026-0042") == ["na", "2026", "0042"]
    assert tokens("车") == ["车"]
    assert tokens(" ，。!") == []


def test_the_indexed_form_keeps_each_chinese_runs_last_character_on_its_own():
    assert document("暂停") == "暂停 停"
    assert document("停车 停车场") == "停车 车 车场 场"
    assert document("车", "ABC 车") == "车 abc"


# -- searching -----------------------------------------------------------------------------
@pytest.fixture
def proposals(applicant):
    call = make_call()
    ours = OrganisationFactory(admins=[applicant], name_zh="重庆市南岸区邻里守望协会", name_en="Neighbourhood Watch")
    others = OrganisationFactory(admins=[applicant], name_zh="南岸区夕阳红服务社")
    parking = submit_proposal(make_proposal(
        call, ours, applicant, title=PARKING, summary="Smart Parking：错峰共享车位，缓解停车难。"), applicant)
    elderly = submit_proposal(make_proposal(
        call, others, applicant, title=ELDERLY, summary="为独居老人暂停不了的日常送去关怀。"), applicant)
    return {"parking": parking, "elderly": elderly}


def found(text):
    return set(search(Proposal.objects.all(), text).values_list("title", flat=True))


def test_a_chinese_word_is_found_inside_a_longer_title(proposals):
    assert found("停车") == {PARKING}
    assert found("停车管理") == {PARKING}
    assert found("老年人") == {ELDERLY}


def test_bigrams_must_appear_in_the_order_typed(proposals):
    assert found("车停") == set()
    assert found("管理停车") == set()  # 理停 is in neither text


def test_every_word_of_a_query_must_match(proposals):
    assert found("停车 关爱") == set()
    assert found("停车 parking") == {PARKING}


def test_a_single_character_finds_every_text_containing_it(proposals):
    assert found("停") == {PARKING, ELDERLY}  # 停车 and 暂停
    assert found("案") == {PARKING}  # the last character of 方案
    assert found("爱") == {ELDERLY}
    assert found("猫") == set()


def test_latin_words_are_matched_whole_and_in_any_case(proposals):
    assert found("PARKING") == {PARKING}
    assert found("smart parking") == {PARKING}
    assert found("park") == set()


def test_a_proposal_is_found_by_its_organisations_name(proposals):
    assert found("邻里守望") == {PARKING}
    assert found("neighbourhood") == {PARKING}
    assert found("夕阳红") == {ELDERLY}


def test_a_proposal_is_found_by_its_reference_number(proposals):
    reference = proposals["parking"].reference
    assert reference.startswith("NA-")
    assert found(reference) == {PARKING}
    assert found(reference.lower()) == {PARKING}
    assert found(reference.rsplit("-", 1)[1]) == {PARKING}  # "0001" alone


def test_a_query_without_words_leaves_the_list_as_it_is(proposals):
    assert found("") == {PARKING, ELDERLY}
    assert found(" ，。") == {PARKING, ELDERLY}


def test_search_combines_with_other_filters(proposals):
    queryset = Proposal.objects.filter(status=Proposal.Status.SUBMITTED).exclude(title=PARKING)
    assert not search(queryset, "停车").exists()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the GIN index exists on PostgreSQL only")
def test_on_postgresql_the_search_uses_the_gin_index(proposals):
    queryset = search(Proposal.objects.all(), "停车管理")
    with CaptureQueriesContext(connection) as queries:
        assert list(queryset.values_list("title", flat=True)) == [PARKING]
    # The stored vector is read, never computed row by row.
    assert "\"proposals_proposal\".\"search_vector\" @@" in queries[0]["sql"]
    assert "to_tsvector" not in queries[0]["sql"]
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")  # a two-row table: make the planner show its choice
        plan = queryset.explain()
    assert "proposal_search_vector_gin" in plan, plan
