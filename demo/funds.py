"""Demo funds: last year's and this year's, as staff create them in the admin.

Five a year: government purchase of services, the welfare lottery (elderly and disability
projects only, at most half an award), the charity federation's “幸福社区” fund (which matches
public donations 1:1 up to a cap; the demo funder manages it), a company's fund for the
riverside streets, and the public-donation pool.
"""

from decimal import Decimal

from django.db import transaction
from wagtail.log_actions import log

from demo.history import audited_at
from demo.organisations import uscc
from demo.people import FUNDER_EMAIL
from grants.calls.models import Theme
from grants.funding.models import Fund
from incubator.accounts.models import User
from incubator.places.models import Street

CIVIL_AFFAIRS = ("重庆市南岸区民政局", "Nan'an District Civil Affairs Bureau", uscc("11500108009063720"))
CHARITY = ("重庆市南岸区慈善会", "Nan'an District Charity Federation", uscc("51500108MJP01173X"))
COMPANY = ("重庆南滨置业有限公司（演示）", "Chongqing Nanbin Property Co., Ltd. (demo)", uscc("91500108MA5U7GXK2"))
RIVERSIDE = ["500108001", "500108003", "500108005", "500108006"]  # the streets along 南滨路


def _fund_specs(year, past_call):
    """The five funds of one year. Last year's pay for last year's call; this year's for any."""
    last = past_call is not None
    return [
        {"key": "government", "kind": Fund.Kind.GOVERNMENT, "owner": CIVIL_AFFAIRS,
         "name_zh": f"{year}年南岸区政府购买社会服务资金",
         "name_en": f"{year} Nan'an Government Purchase of Social Services",
         "budget": "1350000" if last else "2000000", "calls": [past_call] if last else [],
         "description": "区级财政预算安排的政府购买社会服务资金，用于社区治理创新项目。"},
        {"key": "lottery", "kind": Fund.Kind.WELFARE_LOTTERY, "owner": CIVIL_AFFAIRS,
         "name_zh": f"{year}年福彩公益金社区项目资金",
         "name_en": f"{year} Welfare Lottery Fund for Community Projects",
         "budget": "420000" if last else "500000", "themes": ["elderly", "disability"], "max_share": "50",
         "description": "按照“扶老、助残、救孤、济困”的宗旨使用，只资助为老服务和助残服务项目，且不超过单个项目资助额的50%。"},
        {"key": "foundation", "kind": Fund.Kind.FOUNDATION, "owner": CHARITY,
         "name_zh": f"南岸区慈善会“幸福社区”基金（{year}年度）",
         "name_en": f"Nan'an Charity Federation “Happy Communities” Fund ({year})",
         "budget": "300000", "themes": ["neighbours", "youth"], "max_per_award": "15000",
         "match_ratio": "1", "match_cap": "25000" if last else "30000", "managers": [FUNDER_EMAIL],
         "description": "慈善会联合爱心企业设立的定向基金，资助邻里互助和儿童青少年项目（单个项目最多1.5万元），"
                        "并对公众向其资助项目的捐赠按1:1配捐，年度配捐有上限。"},
        {"key": "company", "kind": Fund.Kind.COMPANY, "owner": COMPANY,
         "name_zh": f"“南滨暖心”社区公益金（{year}年度）",
         "name_en": f"“Nanbin Warm Hearts” Community Fund ({year})",
         "budget": "200000", "streets": RIVERSIDE, "max_per_award": "40000",
         "description": "企业履行社会责任设立的公益金，资助南滨路沿线铜元局、南坪、龙门浩、弹子石四个街道的社区项目。"},
        {"key": "pool", "kind": Fund.Kind.DONATIONS, "owner": CHARITY,
         "name_zh": f"{year}年公众募捐资金池", "name_en": f"{year} Public Donation Pool", "budget": "0",
         "description": "公众通过平台捐给“社区公益”而非某个项目的善款，由具有公开募捐资格的区慈善会统一管理，"
                        "参与当年配资。"},
    ]


@transaction.atomic
def ensure_funds(year, past_call, staff, created_at):
    """One year's funds (created as staff do in the admin); returns ({key: fund}, created)."""
    themes = {theme.code: theme for theme in Theme.objects.all()}
    streets = {street.code: street for street in Street.objects.all()}
    funds, created = {}, 0
    for spec in _fund_specs(year, past_call):
        fund = Fund.objects.filter(name_zh=spec["name_zh"], year=year).first()
        if fund is None:
            owner_zh, owner_en, owner_uscc = spec["owner"]
            fund = Fund(name_zh=spec["name_zh"], name_en=spec["name_en"], kind=spec["kind"], year=year,
                        owner_zh=owner_zh, owner_en=owner_en, owner_uscc=owner_uscc,
                        description=spec["description"], budget=Decimal(spec["budget"]),
                        max_per_award=Decimal(spec["max_per_award"]) if "max_per_award" in spec else None,
                        max_share=Decimal(spec["max_share"]) if "max_share" in spec else None,
                        match_ratio=Decimal(spec.get("match_ratio", "0")),
                        match_cap=Decimal(spec["match_cap"]) if "match_cap" in spec else None)
            fund.full_clean()
            fund.save()
            fund.calls.set([call for call in spec.get("calls", []) if call is not None])
            fund.themes.set([themes[code] for code in spec.get("themes", [])])
            fund.streets.set([streets[code] for code in spec.get("streets", [])])
            fund.managers.set(User.objects.filter(email__in=spec.get("managers", [])))
            with audited_at(created_at):
                log(fund, "wagtail.create", user=staff)
            Fund.objects.filter(pk=fund.pk).update(created_at=created_at)
            created += 1
        funds[spec["key"]] = fund
    return funds, created
