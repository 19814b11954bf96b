"""The public call pages for Chinese readers (issue 13): open calls listed before upcoming and
closed ones, and every date and time in Beijing time, written the Chinese way."""

from datetime import datetime, timedelta
from datetime import timezone as dt_timezone

import pytest
from django.utils import timezone

from tests.factories import make_call

pytestmark = pytest.mark.django_db


def test_open_calls_come_before_upcoming_ones_then_closed_ones(client):
    now = timezone.now()
    make_call("closed", title="已截止：较早", closes_at=now - timedelta(days=30))
    make_call("closed", title="已截止：最近", closes_at=now - timedelta(days=1))
    # An upcoming call's deadline is later than an open one's: ordering by deadline alone
    # would put it first.
    make_call("upcoming", title="未开始", closes_at=now + timedelta(days=90))
    make_call("open", title="征集中：晚截止", closes_at=now + timedelta(days=20))
    make_call("open", title="征集中：早截止", closes_at=now + timedelta(days=5))
    response = client.get("/zh-hans/calls/")
    assert [call.title for call in response.context["calls"]] == [
        "征集中：早截止", "征集中：晚截止", "未开始", "已截止：最近", "已截止：较早"]


def test_an_upcoming_call_says_when_it_opens_in_beijing_time_the_chinese_way(client):
    opens = datetime(2036, 12, 18, 1, 0, tzinfo=dt_timezone.utc)  # 09:00 in Beijing
    call = make_call("upcoming", opens_at=opens, closes_at=opens + timedelta(days=30))
    page = client.get(call.url).content.decode()
    assert "申报将于2036年12月18日 09:00开始。" in page
    assert "+00:00" not in page and "2036-12-18" not in page


def test_the_call_list_and_page_print_dates_in_beijing_time(client):
    closes = datetime(2036, 12, 18, 16, 30, tzinfo=dt_timezone.utc)  # 00:30 the next day in Beijing
    call = make_call("open", closes_at=closes)
    listing = client.get("/zh-hans/calls/").content.decode()
    assert "截止时间：2036年12月19日 00:30" in listing
    page = client.get(call.url).content.decode()
    assert "截止时间：2036年12月19日 00:30（北京时间）" in page
    assert "2036年12月19日 00:30" in page.split('class="facts"', 1)[1]
    for html in (listing, page):
        assert "+00:00" not in html and "(北京时间)" not in html


def test_grant_sizes_are_grouped_yuan(client):
    call = make_call("open")
    assert "资助额度：¥50,000.00–¥150,000.00" in client.get("/zh-hans/calls/").content.decode()
    assert "¥2,000,000.00" in client.get(call.url).content.decode()
