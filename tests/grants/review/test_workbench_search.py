"""The staff list's search finds the same proposals, in the same order, for a fixed set of
Chinese and English queries: written against the search as it was before the search vector
was stored (issue 18), so that storing it changes no answer, on SQLite or PostgreSQL."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.utils.http import urlencode

from grants.proposals.models import Proposal
from grants.proposals.services import submit_proposal
from tests.factories import OrganisationFactory, make_call, make_proposal

pytestmark = pytest.mark.django_db

URL = "/zh-hans/staff/proposals/"
BEIJING = ZoneInfo("Asia/Shanghai")

# title, summary, organisation key, submitted (day of December 2026): newest is listed first.
CORPUS = [
    ("小区停车管理方案", "Smart Parking：错峰共享车位，缓解停车难。", "watch", 1),
    ("老旧小区共享停车位协商项目", "居民议事协商，共享车位。", "sunset", 2),
    ("老年人居家关爱项目", "为独居老人暂停不了的日常送去关怀。", "sunset", 3),
    ("Youth after-school care 青少年课后托管", "Homework club and reading for children.", "watch", 4),
    ("社区垃圾分类宣传行动", "Waste sorting campaign: 垃圾分类进楼栋。", "green", 5),
    ("心理健康进社区", "Mental health talks for residents.", "green", 6),
]
ORGANISATIONS = {
    "watch": ("邻里守望协会", "Neighbourhood Watch"),
    "sunset": ("夕阳红服务社", "Sunset Service"),
    "green": ("绿色家园", "Green Home"),
}

# query -> the titles listed (newest submitted first), as the search answered before.
EXPECTED = {
    "停车": ["老旧小区共享停车位协商项目", "小区停车管理方案"],
    "停车管理": ["小区停车管理方案"],
    "共享车位": ["老旧小区共享停车位协商项目", "小区停车管理方案"],
    "车停": [],
    "停": ["老年人居家关爱项目", "老旧小区共享停车位协商项目", "小区停车管理方案"],
    "老人": ["老年人居家关爱项目"],
    "社区": ["心理健康进社区", "社区垃圾分类宣传行动"],
    "关爱 停车": [],
    "协会": ["Youth after-school care 青少年课后托管", "小区停车管理方案"],
    "垃圾 sorting": ["社区垃圾分类宣传行动"],
    "parking": ["小区停车管理方案"],
    "PARKING": ["小区停车管理方案"],
    "smart parking": ["小区停车管理方案"],
    "park": [],
    "youth": ["Youth after-school care 青少年课后托管"],
    "Mental Health": ["心理健康进社区"],
    "sunset": ["老年人居家关爱项目", "老旧小区共享停车位协商项目"],
    "neighbourhood watch": ["Youth after-school care 青少年课后托管", "小区停车管理方案"],
    "care": ["Youth after-school care 青少年课后托管"],
    "，。": [title for title, *_ in reversed(CORPUS)],  # no word at all: the whole list
}


@pytest.fixture
def corpus(applicant):
    call = make_call()
    organisations = {key: OrganisationFactory(admins=[applicant], name_zh=zh, name_en=en)
                     for key, (zh, en) in ORGANISATIONS.items()}
    proposals = []
    for title, summary, organisation, day in CORPUS:
        proposal = submit_proposal(make_proposal(call, organisations[organisation], applicant,
                                                 title=title, summary=summary), applicant)
        Proposal.objects.filter(pk=proposal.pk).update(submitted_at=datetime(2026, 12, day, 9, tzinfo=BEIJING))
        proposals.append(proposal)
    return proposals


def listed(client, query, **params):
    response = client.get(f"{URL}?{urlencode({'q': query, **params})}")
    assert response.status_code == 200
    return [proposal.title for proposal in response.context["proposals"]]


@pytest.mark.parametrize("query", EXPECTED)
def test_the_search_lists_the_same_proposals_as_before(client, staff, corpus, query):
    client.force_login(staff)
    assert listed(client, query) == EXPECTED[query]


def test_a_proposal_is_found_by_its_reference(client, staff, corpus):
    client.force_login(staff)
    assert listed(client, corpus[2].reference) == ["老年人居家关爱项目"]


def test_search_results_follow_the_chosen_sort_order(client, staff, corpus):
    client.force_login(staff)
    assert listed(client, "停", sort="submitted_at") == [
        "小区停车管理方案", "老旧小区共享停车位协商项目", "老年人居家关爱项目"]
    assert listed(client, "停", sort="title") == sorted(["小区停车管理方案", "老旧小区共享停车位协商项目", "老年人居家关爱项目"])


def test_the_list_says_how_search_results_are_ordered(client, staff, corpus):
    client.force_login(staff)
    note = "以下申报书均包含您搜索的全部关键词，排序方式：{}。"
    assert note.format("提交时间由新到旧") in client.get(f"{URL}?q=停车").content.decode()
    assert note.format("得分由高到低") in client.get(f"{URL}?q=停车&sort=-score").content.decode()
    assert "以下申报书均包含" not in client.get(URL).content.decode()
    assert "以下申报书均包含" not in client.get(f"{URL}?q=，。").content.decode()
