"""Demo donations: gifts to projects (some earning their fund's match), gifts to the public pool,
and a partial refund.

There is no Stripe in the demo: the donations are rows marked paid and counted by
`ledger.receive_donation`, exactly as the webhook does when Stripe reports a payment. They
stand for gifts that came through Stripe Checkout.
"""

import random
from datetime import timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from wagtail.log_actions import log

from demo.history import before_now
from grants.donations.models import Donation
from grants.funding.models import Award, Fund
from grants.funding.services import ledger

DONORS = [
    ("王女士", False, "祝老人们身体健康！"), ("李先生", False, ""), ("", True, "一点心意"),
    ("陈阿姨", False, "我也是社区的老人，谢谢社工们"), ("南坪实验小学三年级二班家委会", False, "孩子们的零花钱，为小朋友加油"),
    ("重庆某科技有限公司工会", False, "企业员工爱心捐赠"), ("张先生", True, ""), ("刘女士", False, "支持社区公益"),
    ("黄师傅", False, "邻里互助，你我同行"), ("周同学", False, "大学生志愿者的一点心意"), ("", True, ""),
    ("赵先生一家", False, "愿社区越来越好"), ("杨女士", True, "感谢项目帮助了我的父亲"), ("社区党员志愿者", False, ""),
    ("谢女士", False, "加油！"), ("邓先生", False, "希望项目一直办下去"),
]
AMOUNTS = ["50", "100", "100", "200", "200", "200", "300", "500", "500", "600", "800", "1000", "1000", "2000", "5000"]

# Gifts to the pool: (days from today, hour, name, anonymous, message, amount).
POOL_GIFTS_LAST = [
    (-445, 10, "重庆某建设工程有限公司", False, "助力南岸社区治理", "10000"),
    (-431, 20, "", True, "", "500"),
    (-420, 12, "南岸区某律师事务所全体律师", False, "公益同行", "3000"),
    (-408, 21, "钱女士", False, "", "800"),
]
POOL_GIFTS_THIS = [(-58, 19, "孙先生", False, "支持更多社区项目", "2000"), (-21, 9, "", True, "", "300"),
                   (-3, 20, "南坪某社区读书会", False, "读书会义卖所得", "1680")]


def _gift(rng):
    name, anonymous, message = rng.choice(DONORS)
    return (name, anonymous, message, rng.choice(AMOUNTS))


def _give(moment, gift, award=None, pool=None):
    """A donation Stripe reported paid: recorded, marked paid at `moment` and counted by the
    ledger (the award and the match its fund gives, or the pool's budget), as the webhook does."""
    name, anonymous, message, amount = gift
    donation = Donation.objects.create(award=award, fund=pool, amount=Decimal(amount), donor_name=name,
                                       anonymous=anonymous, message=message, language="zh-hans")
    log(donation, "seedbed.donation.created", data={
        "amount": amount, "award": award.reference if award else None, "pool": pool.pk if pool else None,
        "anonymous": anonymous})
    with transaction.atomic():
        donation = Donation.objects.select_for_update().get(pk=donation.pk)
        donation.mark_paid(moment)
        donation.save(update_fields=["status", "paid_at"])
        matched = ledger.receive_donation(donation)
        log(donation, "seedbed.donation.paid", data={"amount": amount, "matched": str(matched),
                                                     "demo": "a payment Stripe would have reported"})
    Donation.objects.filter(pk=donation.pk).update(created_at=moment - timedelta(minutes=4))
    return donation


class Gifts:
    """The gifts' steps on the timeline; `touch(award pk, moment)` records an award's last step."""

    def __init__(self, timeline, touch):
        self.timeline, self.touch = timeline, touch

    def plan_pool(self, fund, gifts, spread):
        """The gifts to a year's pool, each at its day and hour (minutes spread by `spread`)."""
        for number, gift in enumerate(gifts):
            self.timeline.at(before_now(gift[0], gift[1], (number * spread) % 60), self.pool_gift, fund.pk,
                             number, gift)

    def plan(self, award, start, end, count):
        """`count` gifts to the award between `start` and `end`, at hours people give. The n-th
        gift is made only while the award has fewer than n: so they are planned in time order."""
        rng = random.Random(f"seedbed-demo-gifts-{award.reference}")
        span = max((end - start).total_seconds(), 3600)
        moments = []
        for _n in range(count):
            moment = timezone.localtime(start + timedelta(seconds=rng.uniform(0, span)))
            moment = moment.replace(hour=rng.choice([8, 9, 12, 13, 19, 20, 21, 22]), minute=rng.randrange(60),
                                    second=rng.randrange(60), microsecond=0)
            moments.append(min(max(moment, start), end))
        for number, moment in enumerate(sorted(moments)):
            self.timeline.at(moment, self.gift, award.pk, number, _gift(rng))

    def gift(self, moment, award_pk, number, gift):
        award = Award.objects.get(pk=award_pk)
        if award.donations.count() > number:
            return False
        if not award.accepts_donations:
            raise RuntimeError(f"{award}: a demo gift planned after the award ended")
        _give(moment, gift, award=award)
        self.touch(award_pk, moment)
        return True

    def pool_gift(self, moment, fund_pk, number, gift):
        fund = Fund.objects.get(pk=fund_pk)
        if fund.donations.count() > number:
            return False
        _give(moment, gift[2:], pool=fund)
        return True

    def refund(self, moment, award_pk):
        """The largest gift to the project is partly refunded at the donor's request (40 % of it):
        the money leaves the unpaid tranche, with the same share of its match."""
        if Donation.objects.filter(award_id=award_pk, refunded__gt=0).exists():
            return False
        donation = Donation.objects.filter(award_id=award_pk).order_by("-amount", "pk").first()
        if donation is None:
            return False
        with transaction.atomic():
            donation = Donation.objects.select_for_update().get(pk=donation.pk)
            before = donation.refunded
            refunded = ledger.refund_donation(donation, (donation.amount * Decimal("0.4")).quantize(Decimal(1)))
            log(donation, "seedbed.donation.refunded", data={
                "stage": "confirmed", "amount": str(refunded), "refunded_before": str(before),
                "refunded_total": str(donation.refunded), "match_withdrawn": str(donation.match_withdrawn),
                "demo": "a refund Stripe would have reported"})
        self.touch(award_pk, moment)
        return True
