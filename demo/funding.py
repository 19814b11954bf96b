"""Demo funding data: a year of funded projects, so the public portal and the staff pages look
alive.

It runs after demo.proposals and demo.review and adds, through the same services the site
uses (every audit entry, reference number and ledger line is real; the emails they would
send are not, as seed_demo runs quiet):

- 20 more social organisations spread over Nan'an's 15 streets and towns (two of them filed
  community groups with a 备案号), each with a demo administrator, registered and verified;
- last year's call, 「<year>年南岸区社区治理创新项目」 (closed, translated), with 40 proposals
  submitted while it was open, screened, reviewed by three experts each and decided;
- the funds of last year and of this year: government purchase of services, the welfare
  lottery (elderly and disability projects only, at most half an award), the charity
  federation's “幸福社区” fund (which matches public donations 1:1 up to a cap; the demo funder
  manages it), a company's fund for the riverside streets, and the public-donation pool;
- last year's matching run, computed by the real solver and confirmed, and the awards' life
  since: agreements signed, tranches paid with voucher references, mid-term and final reports
  approved (most projects completed, some still active, one reported and waiting for staff, one
  returned), one award terminated, one budget variation approved and one waiting, donations
  and the matches they earned, a partial refund, gifts to the pool; then a supplementary run
  that funds waitlisted proposals with the money the terminated award gave back (their
  awards are still being contracted);
- this year's run over the closed “五社联动” call, computed and left for staff to confirm at
  /zh-hans/staff/matching/.

There is no Stripe in the demo: the donations are rows marked paid and counted by
`ledger.receive_donation`, exactly as the webhook does when Stripe reports a payment. They
stand for gifts that came through Stripe Checkout.

Every step is dated back to when it "happened" (relative to today) once the service has run.
Safe to run again: each step is taken only when its object has not got there yet.
"""

import heapq
import random
from datetime import datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal

from allauth.account.models import EmailAddress
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.db.models import Count, Sum
from django.utils import timezone, translation
from wagtail.log_actions import log
from wagtail.models import Locale, ModelLogEntry

from core.money import yuan
from demo.people import DEMO_PASSWORD
from demo.proposals import (
    GOVERNANCE_QUESTIONS,
    GOVERNANCE_RUBRIC,
    LEHE,
    NEIGHBOURS,
    SILVER,
    STAFF_EMAIL,
    SUNSHINE,
    C,
    K,
    _at,
    _day,
    _find_organisation,
    _make_proposal,
    _section,
    _translate,
    ensure_call_index,
    uscc,
)
from demo.review import HE, LI, SUN, ZHOU, R, S, _advance, _audited_at
from grants.calls.models import CallPage, Theme
from grants.donations.models import Donation
from grants.funding.models import Award, BudgetVariation, Fund, MatchingRun, Tranche
from grants.funding.services import awards as award_service
from grants.funding.services import ledger, matching
from grants.impact.models import Report
from grants.proposals.models import Indicator, Proposal
from incubator.accounts.models import User
from incubator.organisations.models import Membership, Organisation
from incubator.organisations.services import register_organisation, verify_organisation
from incubator.places.models import Community, Street

FUNDER_EMAIL = "funder@seedbed.test"
LINKAGE = "five-forces-community-services"
PAST_SLUG = "community-governance-innovation-{year}"
CENT = Decimal("0.01")
ZERO = Decimal("0")


def _moment(days, hour, minute=0):
    """Like demo.proposals._at, but `days` may be fractional and the moment is never in the future."""

    moment = _at(0, hour, minute) + timedelta(days=days)
    return min(moment, timezone.now() - timedelta(minutes=5))


def _date_text(day):
    return f"{day.year}年{day.month}月{day.day}日"


# -- organisations ---------------------------------------------------------------------------
# key: (admin email, admin name, fields). Codes: 51… social groups, 52… social service
# organisations (registered by the district's civil-affairs bureau); the check character is
# computed by demo.proposals.uscc.

def _org(email, person, role, name_zh, name_en, kind, code, street, community, founded, phone, introduction,
         authority="重庆市南岸区民政局", address=""):
    filed = kind == Organisation.Kind.COMMUNITY_GROUP
    return {
        "admin": email, "admin_name": f"{person}（{name_zh.replace('重庆市南岸区', '')}）", "role": role,
        "fields": {
            "name_zh": name_zh, "name_en": name_en, "kind": kind,
            "uscc": None if filed else uscc(code), "filing_number": code if filed else None,
            "registration_authority": authority, "founded_on": founded,
            "address": f"{address}（演示地址）", "street": street, "community": community,
            "contact_name": person, "contact_phone": phone, "contact_email": email,
            "introduction": introduction,
        },
    }


SG, SS, CG = Organisation.Kind.SOCIAL_GROUP, Organisation.Kind.SOCIAL_SERVICE, Organisation.Kind.COMMUNITY_GROUP

ORGANISATIONS = {
    "tongxin": _org(
        "tongxin@seedbed.test", "刘芳", "中心主任", "重庆市南岸区铜元局街道同心社会工作服务中心",
        "Tongyuanju Tongxin Social Work Service Centre", SS, "52500108MJA612837", "500108001", "500108001005",
        "2017-08-21", "023-6280 2316",
        "铜元局街道首家专业社工机构，持证社工 11 人，承接老旧小区治理、困境家庭帮扶和社区矫正等项目。",
        address="重庆市南岸区铜元局街道长江新村社区长江路 86 号"),
    "xiyang": _org(
        "xiyang@seedbed.test", "孔令芬", "会长", "重庆市南岸区铜元局街道夕阳红文体协会",
        "Tongyuanju Sunset Glow Culture and Sports Association", SG, "51500108MJX405172", "500108001",
        "500108001002", "2016-10-01", "023-6280 4430",
        "退休居民组成的文体协会，下设合唱、太极、川剧票友等 9 支队伍，会员 420 人。",
        address="重庆市南岸区铜元局街道桐梓坪社区文化活动中心"),
    "xinyue": _org(
        "xinyue@seedbed.test", "陈红梅", "中心主任", "重庆市南岸区花园路街道馨悦居家养老服务中心",
        "Huayuanlu Xinyue Home Care Centre for the Elderly", SS, "52500108MJC380514", "500108002", "500108002004",
        "2019-04-02", "023-6296 7718",
        "运营花园路街道两个社区养老服务站，提供助餐、助浴、日间照料和居家上门服务。",
        address="重庆市南岸区花园路街道大石社区养老服务站"),
    "mulin": _org(
        "mulin@seedbed.test", "唐颖", "中心主任", "重庆市南岸区花园路街道睦邻社区营造中心",
        "Huayuanlu Good Neighbours Community Building Centre", SS, "52500108MJY198630", "500108002", "500108002009",
        "2022-03-18", "023-6296 1024",
        "以参与式方法陪伴老旧小区居民成立自管小组，开展楼栋议事、社区花园和公共空间微改造。",
        address="重庆市南岸区花园路街道明佳园社区党群服务中心三楼"),
    "qihang": _org(
        "qihang@seedbed.test", "杨帆", "中心主任", "重庆市南岸区南坪街道启航青少年服务中心",
        "Nanping Qihang Youth Service Centre", SS, "52500108MJD705261", "500108003", "500108003004",
        "2020-06-18", "023-6289 5520",
        "关注青少年成长，开展课后托管、生涯教育和亲子沟通服务，与辖区 6 所中小学建立合作。",
        address="重庆市南岸区南坪街道响水路社区响水路 12 号"),
    "xinqiao": _org(
        "xinqiao@seedbed.test", "郑敏", "中心主任", "重庆市南岸区心之桥心理咨询服务中心",
        "Nan'an Bridge of Hearts Counselling Centre", SS, "52500108MJU071389", "500108003", "500108003010",
        "2015-12-03", "023-6280 6631",
        "国家二级心理咨询师领衔，提供社区心理健康讲座、青少年心理辅导和家庭关系调适服务。",
        address="重庆市南岸区南坪街道南城社区南城大道 58 号"),
    "lequn": _org(
        "lequn@seedbed.test", "罗静", "中心主任", "重庆市南岸区海棠溪街道乐群社会工作服务中心",
        "Haitangxi Lequn Social Work Service Centre", SS, "52500108MJE294718", "500108004", "500108004006",
        "2018-11-09", "023-6255 3107",
        "扎根海棠溪街道的社工机构，擅长社区营造、居民议事协商和困境儿童帮扶。",
        address="重庆市南岸区海棠溪街道四公里社区四公里支路 3 号"),
    "yigong": _org(
        "yigong@seedbed.test", "秦建平", "会长", "重庆市南岸区慈善义工联合会",
        "Nan'an Charity Volunteers Federation", SG, "51500108MJW736804", "500108004", "500108004001",
        "2014-09-19", "023-6255 7788",
        "全区性义工组织，注册义工 2,600 余人，开展助老助残、应急救援和公益集市活动。",
        address="重庆市南岸区海棠溪街道海新街社区海棠溪正街 21 号"),
    "laojie": _org(
        "laojie@seedbed.test", "谭志明", "会长", "重庆市南岸区龙门浩老街文化促进会",
        "Longmenhao Old Street Culture Society", SG, "51500108MJF817402", "500108005", "500108005002",
        "2019-10-12", "023-6253 0915",
        "由老街居民、文史爱好者和商户发起，挖掘开埠文化，组织老街导览、口述史采集和社区文化节。",
        address="重庆市南岸区龙门浩街道下新街社区下浩正街 9 号"),
    "jinguo": _org(
        "jinguo@seedbed.test", "李秀华", "会长", "重庆市南岸区弹子石街道巾帼志愿服务协会",
        "Danzishi Women Volunteers Association", SG, "51500108MJG452196", "500108006", "500108006003",
        "2017-03-08", "023-6231 4406",
        "妇女骨干组成的志愿服务组织，会员 380 人，开展家庭教育、邻里调解和关爱困境妇女儿童服务。",
        address="重庆市南岸区弹子石街道弹新街社区弹子石正街 45 号"),
    "lvye": _org(
        "lvye@seedbed.test", "王林", "会长", "重庆市南岸区南山街道绿野生态环保志愿者协会",
        "Nanshan Green Fields Environmental Volunteers", SG, "51500108MJH139685", "500108007", "500108007007",
        "2016-06-05", "023-6246 1123",
        "组织志愿者开展南山生态保护、垃圾分类宣传和自然教育活动，注册志愿者 900 余人。",
        address="重庆市南岸区南山街道黄桷垭社区黄桷垭正街 102 号"),
    "hemei": _org(
        "hemei@seedbed.test", "周雪", "中心主任", "重庆市南岸区天文街道和美社区服务中心",
        "Tianwen Hemei Community Service Centre", SS, "52500108MJK560329", "500108008", "500108008003",
        "2021-02-26", "023-6252 8830",
        "服务天文街道新建小区居民，开展邻里节、议事协商和新市民融入服务。",
        address="重庆市南岸区天文街道玉马路社区邻里中心二楼"),
    "kangle": _org(
        "kangle@seedbed.test", "黄伟", "中心主任", "重庆市南岸区南坪镇康乐助残服务中心",
        "Nanping Town Kangle Disability Service Centre", SS, "52500108MJL978143", "500108101", "500108101006",
        "2018-05-20", "023-6293 6612",
        "运营南坪镇残疾人之家，为残疾人提供康复训练、辅助性就业和家庭支持服务。",
        address="重庆市南岸区南坪镇金阳社区残疾人之家"),
    "yikang": _org(
        "yikang@seedbed.test", "邓丽", "中心主任", "重庆市南岸区涂山镇颐康居家养老服务中心",
        "Tushan Yikang Home Care Centre", SS, "52500108MJM247596", "500108102", "500108102003",
        "2019-09-16", "023-6284 9023",
        "涂山镇社区养老服务站运营方，提供助餐、康复理疗和失能老人家庭照护培训。",
        address="重庆市南岸区涂山镇仁济路社区养老服务站"),
    "qiaoshou": _org(
        "qiaoshou@seedbed.test", "冉小琴", "队长", "鸡冠石镇石门社区“巧手妈妈”互助队",
        "Shimen Community “Clever Hands Mums” Mutual-Aid Team", CG, "南岸鸡冠石镇社备〔2022〕第009号",
        "500108103", "500108103006", "2022-05-10", "136 5230 8841",
        "社区全职妈妈和留守妇女组成的互助队，队员 36 人，开展手工编织、儿童看护互助和邻里帮扶。",
        authority="南岸区鸡冠石镇人民政府", address="重庆市南岸区鸡冠石镇石门社区服务中心"),
    "xiakou": _org(
        "xiakou@seedbed.test", "张国强", "会长", "重庆市南岸区峡口镇乡村振兴志愿服务协会",
        "Xiakou Rural Revitalisation Volunteers Association", SG, "51500108MJN683017", "500108105", "500108105201",
        "2020-09-28", "023-6245 2206",
        "联合返乡青年、乡贤和村民志愿者，开展农技帮扶、留守老人关爱和乡村文化活动。",
        address="重庆市南岸区峡口镇大石村村民委员会旁"),
    "ertong": _org(
        "ertong@seedbed.test", "吴婷", "中心主任", "重庆市南岸区长生桥镇童心儿童服务中心",
        "Changshengqiao Childlike Heart Children's Centre", SS, "52500108MJQ316758", "500108106", "500108106002",
        "2021-07-01", "023-6247 3319",
        "为长生桥镇流动儿童和留守儿童提供四点半课堂、阅读推广和安全教育。",
        address="重庆市南岸区长生桥镇桃花桥社区桃花路 18 号"),
    "longding": _org(
        "longding@seedbed.test", "蒋德明", "召集人", "迎龙镇龙顶村院坝议事会",
        "Longding Village Courtyard Council, Yinglong Town", CG, "南岸迎龙镇社备〔2021〕第004号",
        "500108107", "500108107206", "2021-03-15", "139 8325 6170",
        "村民推选的议事骨干组成，每月召开院坝会，协商村内道路、用水和人居环境等事项。",
        authority="南岸区迎龙镇人民政府", address="重庆市南岸区迎龙镇龙顶村便民服务中心"),
    "changzhe": _org(
        "changzhe@seedbed.test", "何永红", "中心主任", "重庆市南岸区迎龙镇长者之家养老服务中心",
        "Yinglong Elders' Home Care Centre", SS, "52500108MJR859240", "500108107", "500108107001",
        "2020-12-08", "023-6246 9902",
        "运营迎龙镇农村互助养老点，为农村高龄、空巢老人提供助餐、探访和健康管理。",
        address="重庆市南岸区迎龙镇倒座庙社区迎龙大道 7 号"),
    "mingyue": _org(
        "mingyue@seedbed.test", "付春燕", "会长", "重庆市南岸区广阳镇明月农耕文化协会",
        "Guangyang Mingyue Farming Culture Association", SG, "51500108MJT524961", "500108108", "500108108200",
        "2020-04-22", "023-6249 5581",
        "传承广阳岛周边农耕文化，组织农事体验、乡村研学和村民文艺队。",
        address="重庆市南岸区广阳镇明月村村民委员会"),
}
# The grants demo's verified organisations that apply too: key -> name.
EXISTING = {"sunshine": SUNSHINE, "neighbours": NEIGHBOURS, "silver": SILVER, "lehe": LEHE}
ROLES = {"sunshine": "中心主任", "neighbours": "会长", "silver": "队长", "lehe": "秘书长"}


@transaction.atomic
def ensure_applicants():
    created = []
    for spec in ORGANISATIONS.values():
        user, was_created = User.objects.get_or_create(
            email=spec["admin"], defaults={"name": spec["admin_name"], "language": "zh-hans"})
        if was_created:
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
            created.append(user)
        EmailAddress.objects.get_or_create(user=user, email=spec["admin"], defaults={"verified": True, "primary": True})
    return created


@transaction.atomic
def ensure_organisations(staff, call):
    """Register and verify the new organisations (through the incubator's services); returns
    ({key: organisation}, number registered). Registration is dated before the call opened."""

    streets = {street.code: street for street in Street.objects.all()}
    communities = {community.code: community for community in Community.objects.all()}
    organisations, created = {}, 0
    for key, spec in ORGANISATIONS.items():
        fields = dict(spec["fields"])
        organisation = _find_organisation(fields)
        if organisation is None:
            fields["street"] = streets[fields["street"]]
            fields["community"] = communities[fields["community"]]
            fields["founded_on"] = datetime.strptime(fields["founded_on"], "%Y-%m-%d").date()
            admin = User.objects.get(email=spec["admin"])
            organisation = verify_organisation(register_organisation(Organisation(**fields), admin), staff)
            created += 1
        organisations[key] = organisation
    for key, name in EXISTING.items():
        organisations[key] = Organisation.objects.get(name_zh=name)
    for number, organisation in enumerate(organisations.values()):
        _backdate_registration(organisation, call.opens_at - timedelta(days=160 + (number * 53) % 420, hours=number))
    return organisations, created


def _backdate_registration(organisation, registered):
    """The organisations applied to last year's call, so they were registered before it."""
    if organisation.created_at <= registered + timedelta(days=30):
        return
    verified = registered + timedelta(days=3, hours=2)
    Organisation.objects.filter(pk=organisation.pk).update(created_at=registered, verified_at=verified)
    entries = ModelLogEntry.objects.for_instance(organisation)
    entries.filter(action="seedbed.organisation.registered").update(timestamp=registered)
    entries.filter(action="seedbed.organisation.verified").update(timestamp=verified)
    admins = User.objects.filter(memberships__organisation=organisation, memberships__role=Membership.Role.ADMIN,
                                 date_joined__gt=registered)
    admins.update(date_joined=registered - timedelta(hours=1))


# -- last year's call ------------------------------------------------------------------------

ALL_STREETS = ["500108001", "500108002", "500108003", "500108004", "500108005", "500108006", "500108007",
               "500108008", "500108101", "500108102", "500108103", "500108105", "500108106", "500108107",
               "500108108"]


def past_year():
    """Last year's call is dated from today: it opened 470 days ago."""
    return timezone.localtime(_at(-470, 9)).year


def _past_call_spec():
    year = past_year()
    return {
        "slug": PAST_SLUG.format(year=year),
        "fields": {
            "total_budget": Decimal("2600000.00"), "min_grant": Decimal("30000.00"),
            "max_grant": Decimal("120000.00"), "cofunding_share": Decimal("10.00"),
            "opens_at": _at(-470, 9), "closes_at": _at(-430, 17, 30),
            "project_start": _day(-380), "project_end": _day(-15),
            "eligible_kinds": [Organisation.Kind.SOCIAL_GROUP, Organisation.Kind.SOCIAL_SERVICE,
                               Organisation.Kind.FOUNDATION, Organisation.Kind.COMMUNITY_GROUP],
            "verified_only": True, "reviewers_per_proposal": 3, "blind_review": False,
        },
        "themes": ["governance", "elderly", "neighbours", "youth", "disability", "culture", "environment"],
        "streets": ALL_STREETS,
        "zh": {
            "title": f"{year}年南岸区社区治理创新项目",
            "summary": "面向全区15个街镇，支持社会组织围绕老旧小区治理、居民议事协商、为老助残、儿童关爱、社区文化和人居环境设计创新项目，单个项目资助3万至12万元，需自筹不少于项目总预算10%的配套资金。本批次已完成评审和配资。",
            "body": _section("一、征集范围", "南岸区8个街道和7个镇的城乡社区，重点支持：老旧小区治理与居民自治、社区议事协商、为老服务与助残服务、儿童青少年关爱、社区文化营造、人居环境改善。")
            + _section("二、申报条件", "在南岸区登记或备案、并已在“社创苗圃”平台完成认证的社会团体、社会服务机构、基金会和社区社会组织均可申报，每个组织限报两个项目。")
            + _section("三、资助标准", "本批次计划资金260万元，由政府购买服务资金、福彩公益金、慈善会基金、企业公益金和公众募捐资金共同配置；单个项目资助3万至12万元，项目周期不超过12个月，申报组织须自筹不少于项目总预算10%的配套资金。")
            + _section("四、评审与拨付", "资格审查 → 专家评审（每个项目三位专家）→ 中心评审会 → 配资 → 签订协议。资金分三期拨付：签约后50%，中期报告通过后40%，结项报告通过后10%。")
            + _section("五、结果", "本批次共收到申报40个，经评审和配资，立项项目及其执行情况可在“资助项目”栏目查看。"),
            "questions": GOVERNANCE_QUESTIONS["zh"], "rubric": GOVERNANCE_RUBRIC["zh"],
        },
        "en": {
            "title": f"{year} Nan'an Community Governance Innovation Projects",
            "summary": "For all 15 streets and towns of the district: funding for social organisations' innovative answers to community needs — old estates, residents' deliberation, elderly and disability care, children, community culture and the living environment. Grants of ¥30,000 to ¥120,000; organisations raise at least 10% of the project budget themselves. This round has been reviewed and funded.",
            "body": _section("Scope", "Urban and rural communities in Nan'an's eight subdistricts and seven towns. Priorities: old estates and residents' self-management, community deliberation, elderly care and disability support, children and youth, community culture, the living environment.")
            + _section("Who may apply", "Social groups, social service organisations, foundations and filed community organisations registered in Nan'an and verified on Seedbed; at most two projects per organisation.")
            + _section("Funding", "¥2,600,000 planned, from government purchase of services, the welfare lottery, the charity federation's fund, a company fund and public donations; grants of ¥30,000 to ¥120,000 for projects of up to twelve months. Organisations raise at least 10% of the total project budget themselves.")
            + _section("Review and payment", "Eligibility screening → expert review (three reviewers per proposal) → the centre's panel → matching to funds → agreement. Grants are paid in three tranches: 50% on signing, 40% after the mid-term report, 10% after the final report.")
            + _section("Results", "40 proposals were received; the funded projects and how they are doing are listed under Funded projects."),
            "questions": GOVERNANCE_QUESTIONS["en"], "rubric": GOVERNANCE_RUBRIC["en"],
        },
    }


def find_past_call():
    """Last year's call, wherever a previous run of the demo dated it."""
    default = Locale.get_default()
    calls = CallPage.objects.filter(locale=default, slug__startswith="community-governance-innovation-")
    return calls.order_by("first_published_at", "pk").first()


@transaction.atomic
def ensure_past_call():
    """Last year's call in Chinese and English, placed under the call index; returns (call,
    pages created)."""
    index, created = ensure_call_index()
    spec = _past_call_spec()
    call = find_past_call()
    if call is None:
        themes = {theme.code: theme for theme in Theme.objects.all()}
        streets = {street.code: street for street in Street.objects.all()}
        call = CallPage(slug=spec["slug"], **spec["fields"], **spec["zh"])
        call.themes.set([themes[code] for code in spec["themes"]])
        call.streets.set([streets[code] for code in spec["streets"]])
        index.add_child(instance=call)
        call.save_revision().publish()
        created += 1
    english = Locale.objects.get(language_code="en")
    if _translate(call, english, spec["en"], call.slug):
        created += 1
        # Both languages were published a week before applications opened.
        opened = call.opens_at - timedelta(days=7)
        CallPage.objects.filter(translation_key=call.translation_key).update(
            first_published_at=opened, last_published_at=opened, latest_revision_created_at=opened)
    return CallPage.objects.get(pk=call.pk), created


# -- last year's proposals -------------------------------------------------------------------
# Budgets are built from each project's size and kind, so they always add up: the lines'
# total equals the amount requested plus co-funding (11-12% of the total).

KINDS = {
    # activity, its unit, materials, their unit, how many, training, custom indicator (name, unit)
    "elderly": ("入户探访及助老服务", "次", "助老服务包", "份", 120, "志愿者照护技能培训", ("建立老人服务档案", "份")),
    "meal": ("老年助餐服务", "人次", "厨房设备及餐具", "套", 40, "助餐志愿者食品安全培训", ("建立老人服务档案", "份")),
    "youth": ("课业辅导及成长小组活动", "次", "图书及学习用品", "套", 100, "志愿者儿童保护培训", ("建立儿童成长档案", "份")),
    "governance": ("居民议事会及协商活动", "场", "议事公示栏及公约印制", "套", 30, "居民骨干议事能力培训",
                   ("协商解决的社区事项", "件")),
    "culture": ("社区文化活动", "场", "演出服装及活动道具", "套", 60, "文艺骨干培训", ("培育社区文艺队伍", "支")),
    "environment": ("垃圾分类宣传及清洁行动", "场", "分类垃圾桶及清洁工具", "套", 150, "环保志愿者培训",
                    ("完成环境整治点位", "处")),
    "disability": ("康复训练及小组活动", "次", "康复辅具及训练器材", "件", 50, "家属照护技能培训",
                   ("制定个案康复计划", "份")),
    "neighbours": ("邻里互助活动", "场", "互助服务物资", "份", 150, "志愿者能力培训", ("结成互助对子", "对")),
    "mental": ("心理健康讲座及团体辅导", "场", "心理测评及宣传资料", "套", 80, "心理志愿者培训", ("个案心理辅导", "人")),
}

# org, title, summary, need, themes, kind, months, size (about the grant asked for), communities,
# people served directly, attendances, volunteers, new or continued, partners, custom target,
# quality (what the reviewers will make of it, 0-10).
PROJECTS = [
    ("sunshine", "南坪街道“银龄互助”居家养老关爱项目（一期）",
     "在阳光、东路两个社区组建银龄志愿者队伍，为高龄、独居老人提供定期探访、助餐代办和健康监测服务，探索“低龄助高龄”的互助养老模式。",
     "两个社区 60 岁以上老人 4,100 余名，其中 80 岁以上独居老人 170 名，入户走访显示定期探访和助餐代办需求最突出。",
     ["elderly", "neighbours"], "elderly", 12, 105000, ["500108003002", "500108003003"], 180, 2600, 50, "新项目",
     ["社区居委会", "志愿者队伍"], 180, 8.6),
    ("neighbours", "花园路街道“楼栋守望”独居老人关爱项目",
     "在南湖、海峡路社区每栋楼招募“楼栋守望员”，每日查看独居老人门前的“平安卡”，每周电话问候，遇到异常及时上门并报告社区。",
     "两个社区独居老人 230 名，去年发生 3 起老人在家跌倒数日无人知晓的事件。",
     ["elderly", "neighbours"], "neighbours", 10, 82000, ["500108002001", "500108002003"], 230, 4800, 90, "新项目",
     ["社区居委会", "物业服务企业", "志愿者队伍"], 115, 8.3),
    ("neighbours", "南湖社区“红色物业”小区议事协商项目",
     "在南湖社区三个无物业老旧小区推动党员、居民代表和物业服务企业共同议事，协商解决环境卫生、楼道照明和停车秩序等问题。",
     "南湖社区三个老旧小区无物业管理，居民对环境卫生和公共设施维修的投诉占社区投诉总量的六成。",
     ["governance"], "governance", 9, 58000, ["500108002001"], 1100, 3200, 35, "新项目",
     ["社区居委会", "物业服务企业"], 18, 7.4),
    ("silver", "白鹤苑社区“以老助老”结对帮扶项目",
     "组织 40 名低龄老人与 80 名高龄、独居老人结对，提供代购代办、陪同就医和节日慰问，建立结对服务台账。",
     "白鹤苑社区 80 岁以上老人 310 名，子女不在身边的占四成，日常代购和就医陪同需求大。",
     ["elderly", "neighbours"], "elderly", 8, 36000, ["500108101002"], 80, 1900, 40, "新项目",
     ["社区居委会", "志愿者队伍"], 80, 7.8),
    ("lehe", "弹子石街道王家沱社区“社区基金”培育项目",
     "设立王家沱社区基金，动员驻区单位和居民小额捐赠，每季度由居民评审会资助居民自组织解决身边小事。",
     "王家沱社区是开埠老街区，老年人口占 34%，居民反映的路灯、扶手、公共晾晒等小事多，社区缺少快速回应的小额资金。",
     ["governance", "neighbours"], "governance", 12, 112000, ["500108006004", "500108006002"], 2600, 5200, 40,
     "新项目", ["社区居委会", "驻区单位"], 12, 8.1),
    ("tongxin", "铜元局街道长江新村老旧小区“自管小组”培育项目",
     "陪伴长江新村、芭蕉湾两个社区 12 个无物业院落成立居民自管小组，协商制定院落公约，开展环境整治和设施微改造。",
     "两个社区建成于上世纪八九十年代的老旧院落 27 个，其中 12 个无物业管理，楼道杂物、化粪池清掏和公共照明长期无人负责。",
     ["governance"], "governance", 10, 96000, ["500108001005", "500108001004"], 1800, 4300, 45, "新项目",
     ["社区居委会", "驻区单位", "志愿者队伍"], 24, 8.4),
    ("tongxin", "铜元局街道困境家庭“暖心驿站”社工帮扶项目",
     "为 60 户低保、低收入和重病困境家庭提供社工个案帮扶、子女课业辅导和资源链接服务。",
     "街道登记低保和低保边缘家庭 186 户，其中有未成年子女的 64 户，家庭照护和子女教育压力大。",
     ["youth", "neighbours"], "youth", 11, 84000, ["500108001005", "500108001006"], 60, 1500, 30, "延续项目",
     ["社区居委会", "其他社会组织"], 60, 7.9),
    ("xiyang", "铜元局街道“夕阳红”社区文体惠民项目",
     "依托协会 9 支文体队伍，在桐梓坪社区开展每周文体活动、季度汇演和新队员培训，吸引更多老人走出家门。",
     "桐梓坪社区老年居民 2,300 余名，社区文体活动场地和骨干力量不足，部分空巢老人长期缺少社交。",
     ["culture", "elderly"], "culture", 9, 46000, ["500108001002"], 420, 5600, 25, "延续项目",
     ["社区居委会", "志愿者队伍"], 9, 6.8),
    ("xinyue", "花园路街道“助餐助浴”居家养老服务提升项目",
     "依托大石、金堰两个社区养老服务站，为高龄、失能老人提供助餐送餐和上门助浴服务，配套建立服务质量回访制度。",
     "两个社区 80 岁以上老人 620 名，其中失能半失能老人 95 名，老人及家属对助餐和助浴服务的需求最为迫切。",
     ["elderly"], "meal", 12, 113000, ["500108002004", "500108002005"], 260, 9800, 30, "延续项目",
     ["社区居委会", "驻区单位"], 260, 8.7),
    ("xinyue", "花园路街道失能老人家庭照护者“喘息服务”项目",
     "为长期照护失能老人的家属提供临时替代照护、照护技能培训和照护者互助小组，缓解照护者身心压力。",
     "走访的 95 户失能老人家庭中，七成由配偶或子女独自照护，照护者普遍存在睡眠不足和焦虑情绪。",
     ["elderly", "disability"], "disability", 10, 72000, ["500108002004"], 60, 1200, 20, "新项目",
     ["社区居委会", "其他社会组织"], 60, 7.6),
    ("mulin", "花园路街道明佳园小区“社区花园”共建项目",
     "发动居民把小区闲置荒地改造成社区花园，组建园艺小组认领种植区，开展亲子自然课堂和邻里分享会。",
     "明佳园小区约 600 平方米闲置绿地长期荒废，居民多次在议事会上提出改造需求。",
     ["environment", "neighbours"], "environment", 8, 52000, ["500108002009", "500108002010"], 900, 2400, 60,
     "新项目", ["社区居委会", "物业服务企业", "志愿者队伍"], 6, 7.5),
    ("qihang", "南坪街道“四点半课堂”课后托管服务项目",
     "在响水路、玛瑙溪社区为双职工家庭的小学生提供放学后课业辅导、阅读和安全教育，由大学生志愿者和社工共同带领。",
     "两个社区双职工家庭小学生约 350 名，放学后到家长下班之间的看护空档是家长反映最多的问题。",
     ["youth"], "youth", 10, 74000, ["500108003004", "500108003007"], 90, 6400, 40, "延续项目",
     ["社区居委会", "志愿者队伍", "驻区单位"], 90, 8.5),
    ("qihang", "南坪街道青少年“生涯探索”成长营项目",
     "面向初中生开展职业体验、生涯规划小组和家长沙龙，帮助青少年认识自我、规划学业。",
     "初中生普遍缺少了解职业的渠道，家长对孩子的升学选择普遍焦虑。",
     ["youth"], "youth", 8, 42000, ["500108003004"], 120, 1300, 20, "新项目", ["驻区单位"], 120, 5.9),
    ("xinqiao", "南坪街道社区心理健康“解忧驿站”项目",
     "在南城、西路社区设立“解忧驿站”，提供心理健康讲座、青少年和家庭心理辅导以及心理危机转介服务。",
     "社区网格员反映，近两年因家庭矛盾、学业压力求助的居民明显增多，社区缺少专业心理服务力量。",
     ["neighbours", "youth"], "mental", 10, 68000, ["500108003010", "500108003009"], 500, 2600, 25, "新项目",
     ["社区居委会", "其他社会组织"], 80, 7.3),
    ("xinqiao", "南坪街道独居老人“心晴”心理关爱项目",
     "为独居、丧偶老人提供心理评估、一对一陪伴和互助小组，预防老年抑郁。",
     "筛查发现辖区独居老人中约两成存在不同程度的抑郁倾向，多数从未接受过心理服务。",
     ["elderly"], "mental", 9, 54000, ["500108003010"], 120, 1800, 30, "新项目",
     ["社区居委会", "志愿者队伍"], 120, 7.0),
    ("lequn", "海棠溪街道四公里社区“院坝议事厅”协商治理项目",
     "在四公里、海棠晓月社区设立 6 个“院坝议事厅”，每月由居民提出并协商解决一件身边事，培育 30 名议事骨干。",
     "两个社区老旧院落多，晾晒、停车、宠物等邻里矛盾频发，居民缺少固定的商量渠道。",
     ["governance"], "governance", 10, 70000, ["500108004006", "500108004003"], 1500, 3600, 30, "新项目",
     ["社区居委会", "志愿者队伍"], 40, 8.0),
    ("lequn", "海棠溪街道困境儿童“护苗成长”关爱项目",
     "为 50 名困境儿童提供个案管理、课业辅导、心理支持和暑期营地，链接学校和爱心企业资源。",
     "街道摸排困境儿童 53 名，其中事实无人抚养儿童 7 名，学业和情绪支持需求突出。",
     ["youth"], "youth", 11, 88000, ["500108004006", "500108004001"], 50, 1800, 35, "新项目",
     ["社区居委会", "驻区单位", "其他社会组织"], 50, 8.2),
    ("yigong", "海棠溪街道老年人“防诈骗”宣传志愿服务项目",
     "组织义工进社区、进院坝开展防诈骗情景剧、案例讲座和一对一提醒，建立老年人防诈“守护联络员”队伍。",
     "去年辖区涉老诈骗警情 40 余起，老人对新型网络诈骗的识别能力弱。",
     ["elderly", "governance"], "governance", 8, 44000, ["500108004001"], 1200, 3000, 60, "新项目",
     ["社区居委会", "驻区单位", "志愿者队伍"], 30, 6.9),
    ("yigong", "海棠溪街道“邻里应急”社区志愿者队伍建设项目",
     "培训 80 名社区应急志愿者，开展急救、消防和防汛演练，为独居老人家庭配置应急包。",
     "辖区临江坡地多，汛期和高温天气易发险情，社区应急力量不足。",
     ["neighbours", "governance"], "neighbours", 9, 56000, ["500108004001", "500108004002"], 300, 2200, 80,
     "新项目", ["社区居委会", "驻区单位"], 40, 7.1),
    ("laojie", "龙门浩老街“开埠记忆”社区文化营造项目",
     "与下新街、上新街社区居民共同整理开埠历史，开展老街导览、居民口述史采集和社区文化节。",
     "龙门浩老街更新后游客增多，原住居民对老街的认同和参与感下降，老街故事面临失传。",
     ["culture", "governance"], "culture", 10, 78000, ["500108005002", "500108005001"], 800, 6000, 40, "新项目",
     ["社区居委会", "驻区单位", "志愿者队伍"], 5, 7.7),
    ("laojie", "龙门浩街道下浩里“老街坊”口述史项目",
     "采访下浩里 50 位老街坊，整理出版口述史小册子并举办展览。",
     "下浩里的老街坊多已搬离，老街记忆亟待记录。",
     ["culture"], "culture", 8, 34000, ["500108005005"], 50, 900, 15, "新项目", ["社区居委会"], 2, 5.6),
    ("jinguo", "弹子石街道“巾帼调解室”邻里矛盾化解项目",
     "在弹新街、石桥社区设立巾帼调解室，由妇女骨干和专业调解员共同调处家庭和邻里纠纷，开展婚姻家庭讲座。",
     "两个社区每年登记的邻里、家庭纠纷约 150 件，以噪音、漏水和赡养纠纷为主。",
     ["governance", "neighbours"], "governance", 10, 62000, ["500108006003", "500108006001"], 600, 2100, 30,
     "延续项目", ["社区居委会", "其他社会组织"], 90, 7.2),
    ("jinguo", "弹子石街道“时间银行”互助养老项目",
     "建立“时间银行”互助平台，志愿者为老人服务的时长存入个人账户，日后可兑换服务，带动低龄老人和居民参与互助养老。",
     "街道 60 岁以上老人占户籍人口 27%，养老服务人手不足，不少低龄老人有意愿参与志愿服务。",
     ["elderly", "neighbours"], "neighbours", 12, 92000, ["500108006003", "500108006001"], 300, 6500, 120,
     "新项目", ["社区居委会", "志愿者队伍", "驻区单位"], 150, 8.8),
    ("lvye", "南山街道“无废社区”垃圾分类推广项目",
     "在黄桷垭、真武山社区推行垃圾分类“桶边督导”和积分兑换，培育居民环保志愿者。",
     "两个社区垃圾分类准确率不足 40%，景区周边生活垃圾和餐厨垃圾量大。",
     ["environment"], "environment", 9, 60000, ["500108007007", "500108007008"], 3000, 8000, 70, "新项目",
     ["社区居委会", "物业服务企业", "志愿者队伍"], 20, 7.4),
    ("lvye", "南山街道黄桷垭老街“自然课堂”生态教育项目",
     "利用南山自然资源，为社区儿童开设自然观察、植物识别和生态保护课堂。",
     "社区儿童课余户外活动少，家长希望孩子多接触自然。",
     ["environment", "youth"], "environment", 8, 40000, ["500108007007"], 150, 1600, 25, "新项目",
     ["志愿者队伍"], 4, 6.4),
    ("hemei", "天文街道新建小区“邻里节”社区融入项目",
     "在玉马路、梨花路社区的新建小区开展邻里节、兴趣社团和新居民见面会，帮助新市民融入社区。",
     "两个社区近三年新入住居民 5,000 余户，居民互不相识，社区活动参与率低。",
     ["neighbours", "culture"], "neighbours", 9, 54000, ["500108008003", "500108008005"], 2000, 5000, 40, "新项目",
     ["社区居委会", "物业服务企业"], 60, 7.0),
    ("hemei", "天文街道玉马路社区业委会规范化建设项目",
     "为新成立的业主委员会提供议事规则培训、财务公开辅导和物业矛盾协商支持。",
     "社区 4 个小区新成立业委会，委员缺少履职经验，业主与物业的矛盾多。",
     ["governance"], "governance", 8, 40000, ["500108008003"], 800, 1200, 15, "新项目",
     ["社区居委会", "物业服务企业"], 12, 6.2),
    ("kangle", "南坪镇残疾人“阳光家园”康复与辅助就业项目",
     "为 45 名智力和精神残疾人提供日间照料、康复训练和手工辅助性就业，定期开展家属支持小组。",
     "南坪镇持证智力、精神残疾人 138 名，多数长期居家，家庭照护负担重。",
     ["disability"], "disability", 12, 116000, ["500108101006", "500108101001"], 45, 5400, 25, "延续项目",
     ["社区居委会", "驻区单位", "其他社会组织"], 45, 8.9),
    ("kangle", "南坪镇孤独症儿童家庭支持项目",
     "为孤独症儿童家庭提供康复训练指导、家长喘息服务和融合活动，推动社区接纳。",
     "镇内登记孤独症儿童 26 名，家庭康复费用高，家长长期处于高压状态。",
     ["disability", "youth"], "disability", 10, 76000, ["500108101006"], 26, 900, 30, "新项目",
     ["其他社会组织", "志愿者队伍"], 26, 7.8),
    ("yikang", "涂山镇失能半失能老人“家庭照护床位”服务项目",
     "为 40 名失能半失能老人建设家庭照护床位，提供上门护理、康复指导和适老化改造评估。",
     "涂山镇失能半失能老人 210 名，机构床位紧张，九成老人希望在家养老。",
     ["elderly", "disability"], "elderly", 12, 114000, ["500108102003", "500108102002"], 40, 3800, 20, "新项目",
     ["社区居委会", "驻区单位"], 40, 8.5),
    ("yikang", "涂山镇社区老年人“防跌倒”健康促进项目",
     "开展跌倒风险筛查、平衡训练小组和居家环境改造指导，降低老年人跌倒风险。",
     "社区卫生服务中心的数据显示，跌倒是辖区老年人意外伤害的首要原因。",
     ["elderly"], "elderly", 8, 44000, ["500108102003"], 200, 2400, 20, "新项目",
     ["社区居委会", "其他社会组织"], 200, 7.1),
    ("qiaoshou", "鸡冠石镇石门社区“巧手妈妈”编织互助项目",
     "组织社区妈妈学习编织和手工技能，义卖所得用于社区困难家庭，并开展互助看护儿童。",
     "社区全职妈妈和留守妇女约 120 人，希望学技能、增收入、互相帮忙看护孩子。",
     ["neighbours", "culture"], "neighbours", 8, 33000, ["500108103006"], 120, 1400, 30, "新项目",
     ["社区居委会", "志愿者队伍"], 30, 7.3),
    ("xiakou", "峡口镇留守老人“幸福食堂”互助项目",
     "在大石村、大田村建设互助食堂，由村民志愿者轮值，为 70 岁以上留守老人提供每日午餐。",
     "两个村 70 岁以上老人 260 名，子女多在外务工，老人独自做饭困难、饮食营养差。",
     ["elderly"], "meal", 10, 78000, ["500108105201", "500108105202"], 110, 16000, 40, "新项目",
     ["社区居委会", "驻区单位", "志愿者队伍"], 110, 8.6),
    ("xiakou", "峡口镇大石村“乡村夜校”村民能力提升项目",
     "利用晚间开设农技、电商和法律知识课堂，提升村民就业创业能力。",
     "村里返乡青年和中年村民有学习电商和种养技术的需求。",
     ["governance", "culture"], "culture", 8, 38000, ["500108105201"], 150, 1200, 10, "新项目",
     ["驻区单位"], 2, 5.8),
    ("ertong", "长生桥镇流动儿童“童心书屋”阅读推广项目",
     "在桃花桥、同景社区建设两个“童心书屋”，开展亲子共读、故事会和阅读小组。",
     "两个社区流动儿童约 400 名，家庭藏书少，周末缺少安全的学习去处。",
     ["youth", "culture"], "youth", 10, 58000, ["500108106002", "500108106003"], 200, 4800, 35, "新项目",
     ["社区居委会", "志愿者队伍", "驻区单位"], 200, 7.7),
    ("ertong", "长生桥镇儿童“安全小卫士”安全教育项目",
     "开展防溺水、交通安全和自我保护情景课堂，同时培训家长和老师。",
     "镇内临江临水区域多，暑期儿童溺水风险高。",
     ["youth"], "youth", 8, 40000, ["500108106002"], 600, 2000, 20, "新项目", ["驻区单位"], 600, 6.6),
    ("longding", "迎龙镇龙顶村院坝协商议事提升项目",
     "规范院坝会议事流程，培育村民议事骨干，协商解决村内道路养护、用水和人居环境问题。",
     "龙顶村 9 个村民小组居住分散，村级事务协商参与率低，道路和用水矛盾多年未解决。",
     ["governance"], "governance", 8, 31000, ["500108107206"], 700, 1600, 20, "新项目",
     ["社区居委会", "志愿者队伍"], 10, 7.5),
    ("changzhe", "迎龙镇农村互助养老点“长者之家”提升项目",
     "提升倒座庙社区、北斗村两个互助养老点，提供助餐、健康监测和文娱活动，组建村民互助队伍。",
     "两个村社 70 岁以上老人 380 名，空巢独居比例高，现有互助点服务内容单一。",
     ["elderly"], "elderly", 12, 98000, ["500108107001", "500108107201"], 150, 7200, 45, "延续项目",
     ["社区居委会", "志愿者队伍"], 150, 8.0),
    ("mingyue", "广阳镇明月村“农耕记忆”乡村文化振兴项目",
     "挖掘明月村农耕文化，组建村民文艺队，开展农事体验和乡村研学，带动村民参与乡村建设。",
     "明月村紧邻广阳岛，村民希望借生态旅游发展的契机传承农耕文化、增加收入。",
     ["culture"], "culture", 9, 62000, ["500108108200", "500108108201"], 1500, 4000, 50, "新项目",
     ["驻区单位", "志愿者队伍"], 3, 7.2),
    ("mingyue", "广阳镇沿江村人居环境“清洁家园”共建项目",
     "开展院坝清洁评比、房前屋后绿化和垃圾分类积分兑换，建立村民环境维护机制。",
     "沿江村部分院落垃圾乱堆、污水横流，村民在院坝会上多次提出整治需求。",
     ["environment", "neighbours"], "environment", 8, 46000, ["500108108201"], 900, 2600, 45, "新项目",
     ["社区居委会", "志愿者队伍"], 15, 6.9),
]


def _round(value, step):
    return (Decimal(value) / step).quantize(Decimal(1), rounding=ROUND_HALF_UP) * step


def _budget(kind, months, size):
    """Budget lines (category, item, quantity, unit, price), the co-funding and the number of
    activity sessions, for a project asking for about `size` yuan."""
    activity, activity_unit, material, material_unit, materials, training, _custom = KINDS[kind]
    size = Decimal(size) * Decimal("1.2")  # the whole budget: the grant asked for and the co-funding
    sessions = months * (8 if activity_unit in ("次", "人次") else 2)
    if kind == "meal":
        sessions = months * 200
    lines = [
        (C.PERSONNEL, "项目专职社工补贴", months, "月", _round(size * Decimal("0.28") / months, 100)),
        (C.ACTIVITIES, activity, sessions, activity_unit, _round(size * Decimal("0.30") / sessions, 10)),
        (C.MATERIALS, material, materials, material_unit, _round(size * Decimal("0.18") / materials, 1)),
        (C.TRAINING, training, 4, "场", _round(size * Decimal("0.07") / 4, 100)),
        (C.PUBLICITY, "宣传品及服务手册印制", 1, "批", _round(size * Decimal("0.06"), 100)),
        (C.ADMINISTRATION, "项目管理费", 1, "项", _round(size * Decimal("0.05"), 100)),
    ]
    total = sum((Decimal(quantity) * price for _c, _i, quantity, _u, price in lines), ZERO)
    cofunding = _round(total * Decimal("0.115") + 50, 100)
    return [(category, item, str(quantity), unit, str(price)) for category, item, quantity, unit, price in lines], \
        cofunding, sessions


def _plan_text(kind, months, partners):
    activity = KINDS[kind][0]
    return (f"第 1–2 月开展需求调研，招募和培训志愿者，与{partners[0]}商定分工；第 3–{months - 1} 月按计划开展"
            f"{activity}，每季度召开一次项目推进会；第 {months} 月开展满意度测评和总结评估，形成服务手册。")


def _proposal_specs():
    """The 40 proposals in the order they were submitted (reference numbers rise with it)."""
    specs = []
    for number, (org, title, summary, need, themes, kind, months, size, communities, people, served, volunteers,
                 continued, partners, custom, quality) in enumerate(PROJECTS):
        budget, cofunding, sessions = _budget(kind, months, size)
        custom_name, custom_unit = KINDS[kind][6]
        specs.append({
            "org": org, "quality": quality, "kind": kind,
            "submitted": 466 - number * 0.8,
            "title": title, "summary": summary, "communities": communities, "themes": themes,
            "months": months, "cofunding": cofunding, "budget": budget,
            "indicators": [(K.BENEFICIARIES, "", "", str(served)), (K.ACTIVITIES, "", "", str(sessions)),
                           (K.VOLUNTEERS, "", "", str(volunteers)), (K.SATISFACTION, "", "", "90"),
                           (K.CUSTOM, custom_name, custom_unit, str(custom))],
            "answers": {
                "lead": "",  # the organisation's contact person, filled in by ensure_past_proposals
                "need": need,
                "plan": _plan_text(kind, months, partners),
                "people": str(people),
                "kind": continued,
                "partners": partners,
            },
        })
    return specs


def _lead_of(organisation, org_key):
    role = ORGANISATIONS[org_key]["role"] if org_key in ORGANISATIONS else ROLES[org_key]
    return f"{organisation.contact_name}，{role}，{organisation.contact_phone}"


@transaction.atomic
def ensure_past_proposals(call, organisations):
    """The 40 proposals, submitted through the services while the call was open; returns the
    number created."""
    created = 0
    for spec in _proposal_specs():
        organisation = organisations[spec["org"]]
        if Proposal.objects.filter(call=call, organisation=organisation, title=spec["title"]).exists():
            continue
        spec["answers"]["lead"] = _lead_of(organisation, spec["org"])
        admin = organisation.memberships.filter(role=Membership.Role.ADMIN).order_by("pk").first().user
        _make_proposal(spec, call, organisation, admin)
        created += 1
    return created


# -- their reviews and decisions (demo.review's machinery) -----------------------------

PANELS = [[LI, ZHOU, HE], [LI, ZHOU, SUN], [LI, HE, SUN], [ZHOU, HE, SUN]]

COMMENTS = {
    # criterion position: (said of a good score, said of a weak one)
    0: (["需求调研扎实，服务对象和人数清楚。", "需求来自入户走访和居民议事，有数据支撑。", "服务对象定位准确，切口小而实。"],
        ["需求分析偏笼统，缺少服务对象的基础数据。", "需求与活动设计的对应关系不够清晰。"]),
    1: (["团队有同类项目经验，进度安排合理。", "机构在本社区扎根多年，执行有保障。", "分工明确，志愿者队伍基础好。"],
        ["执行团队人手偏紧，建议明确志愿者的分工。", "机构首次承接同类项目，建议加强督导。"]),
    2: (["预算明细清楚，单价基本合理。", "配套资金落实，预算结构合理。"],
        ["物资费单价偏高，建议询价后调整。", "人员费占比接近上限，建议适当压缩。"]),
    3: (["居民参与设计充分，项目结束后有延续机制。", "注重培育居民骨干，可持续性好。"],
        ["可持续性考虑不足，建议培育居民骨干接手。", "驻区单位和居民的参与方式需要细化。"]),
    4: (["指标可量化，便于中期和结项核查。", "成效指标与目标一致，可核查。"],
        ["满意度指标建议明确测评方式。", "部分指标难以核查，建议补充佐证方式。"]),
}
OVERALL = {
    R.FUND: ["项目设计完整，建议立项。", "需求真实、设计扎实，建议优先资助。", "同意资助。"],
    R.FUND_WITH_CHANGES: ["建议按评审意见调整预算后立项。", "总体可行，请在签订协议前完善实施计划。"],
    R.DO_NOT_FUND: ["项目基础较弱，不建议本批次资助。", "建议完善需求调研后再申报。"],
}
DECISIONS = {
    S.APPROVED: ("经专家评审和中心评审会审议，同意立项。资助资金将根据配资结果从政府购买服务资金、福彩公益金、"
                 "慈善会基金等渠道安排，请于收到通知后 10 个工作日内到中心签订资助协议。"),
    S.WAITLISTED: ("项目进入候补名单。本批次资金按得分顺序配置，如有立项项目终止或产生结余资金，将按得分顺序递补，"
                   "届时中心会另行通知。"),
    S.REJECTED: ("感谢贵组织的申报。评审认为项目的需求分析和实施计划还不够充分，与同批次项目相比竞争力不足，"
                 "本批次不予资助。欢迎结合评审意见完善后申报今后的项目。"),
}


def _reviews_of(spec, number):
    """Three reviewers' scores and comments, from the project's quality and a little noise."""
    rng = random.Random(f"seedbed-demo-review-{spec['title']}")
    panel = [LI, ZHOU, SUN] if spec["org"] == "silver" else PANELS[number % len(PANELS)]
    weights = [criterion["value"]["weight"] for criterion in GOVERNANCE_RUBRIC["zh"]]
    reviews = []
    for place, reviewer in enumerate(panel):
        bias = rng.uniform(-0.4, 0.4)
        scores = [max(3, min(10, round(spec["quality"] + bias + rng.uniform(-0.9, 0.9)))) for _w in weights]
        total = sum(Decimal(w) * s / 10 for w, s in zip(weights, scores))
        recommendation = R.FUND if total >= 78 else R.FUND_WITH_CHANGES if total >= 64 else R.DO_NOT_FUND
        comments = {}
        for position in rng.sample(range(len(weights)), 2):
            good, weak = COMMENTS[position]
            comments[position] = (rng.choice(good if scores[position] >= 8 else weak), rng.random() < 0.7)
        assigned = 425 - (number % 3) * 0.2
        opened = assigned - 1 - place - rng.random()
        reviews.append({
            "reviewer": reviewer, "assigned": (-assigned, 10, (number * 3 + place) % 60), "days": 14,
            "opened": (-opened, 19 + place, (number * 7) % 60),
            "done": (-(opened - 2 - rng.randint(0, 5)), 20 + place % 3, (number * 11) % 60),
            "scores": scores, "recommendation": recommendation, "comments": comments,
            "comment": (rng.choice(OVERALL[recommendation]), rng.random() < 0.5), "total": total,
        })
    return reviews


def review_plans(slug):
    """Screening, three reviews and the decision for each proposal of the call `slug`: most
    approved, the three after them waitlisted, the four weakest rejected."""
    specs = _proposal_specs()
    reviewed = [(spec, _reviews_of(spec, number)) for number, spec in enumerate(specs)]
    ranked = sorted(range(len(specs)), key=lambda i: -sum(r["total"] for r in reviewed[i][1]))
    outcome = {i: S.APPROVED for i in ranked[:-7]}
    outcome.update({i: S.WAITLISTED for i in ranked[-7:-4]})
    outcome.update({i: S.REJECTED for i in ranked[-4:]})
    plans = []
    for number, (spec, reviews) in enumerate(reviewed):
        minute = (number * 7) % 60
        plans.append({
            "call": slug, "title": spec["title"], "target": outcome[number],
            "screening": (-428, 9, minute),
            "passed": ((-427, 14, minute), "资格审查通过：组织已认证，金额、配套资金和实施期均符合征集要求。"),
            "reviews": [{key: value for key, value in review.items() if key != "total"} for review in reviews],
            "decision": ((-405, 15 + number % 3, minute), DECISIONS[outcome[number]]),
        })
    return plans


# -- funds -----------------------------------------------------------------------------------

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
            with _audited_at(created_at):
                log(fund, "wagtail.create", user=staff)
            Fund.objects.filter(pk=fund.pk).update(created_at=created_at)
            created += 1
        funds[spec["key"]] = fund
    return funds, created


# -- the timeline ----------------------------------------------------------------------------

class Timeline:
    """Steps in the order they happened, each dated back to its moment. A step returns whether
    it did anything (a second run of the demo finds everything done); it may plan more."""

    def __init__(self):
        self.events, self.count, self.steps = [], 0, 0

    def at(self, moment, action, *args):
        moment = min(moment, timezone.now() - timedelta(minutes=2))
        heapq.heappush(self.events, (moment, self.count, action, args))
        self.count += 1

    def run(self):
        while self.events:
            moment, _count, action, args = heapq.heappop(self.events)
            with _audited_at(moment):
                done = action(moment, *args)
            self.steps += bool(done)
        return self.steps


def _placeholder_pdf(text):
    """A one-page PDF standing for the scan of a signed agreement."""
    stream = f"BT /F1 14 Tf 72 760 Td ({text}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def _holder(award):
    return award.proposal.organisation.memberships.filter(role=Membership.Role.ADMIN).order_by("pk").first().user


class Funding:
    """The steps of the funding demo, sharing the staff account and the timeline."""

    def __init__(self, staff, past_call, linkage_call, funds_last, funds_this):
        self.staff, self.past_call, self.linkage_call = staff, past_call, linkage_call
        self.funds_last, self.funds_this = funds_last, funds_this
        self.timeline = Timeline()
        self.touched = {}  # award pk -> the moment of its last step

    def _touch(self, award_pk, moment):
        self.touched[award_pk] = max(self.touched.get(award_pk, moment), moment)

    # -- matching runs ----------------------------------------------------------------------
    def runs_over(self, call):
        return MatchingRun.objects.filter(calls=call).order_by("pk")

    def start_run(self, moment, calls, funds, include_waitlisted=False):
        run = matching.start_run(self.staff, calls, funds, include_waitlisted=include_waitlisted)
        # Computed now, inside the demo's transaction, so that it can be confirmed; the task
        # start_run asked for runs on commit (seed_demo runs tasks now) and finds it done.
        matching.compute_run.call(run.pk)
        run.refresh_from_db()
        seconds = timedelta(seconds=max(1, round(run.seconds or 1)))
        MatchingRun.objects.filter(pk=run.pk).update(created_at=moment, started_at=moment + timedelta(seconds=2),
                                                     finished_at=moment + timedelta(seconds=2) + seconds)
        return run

    def confirm(self, moment, run):
        run = MatchingRun.objects.get(pk=run.pk)
        if run.status != MatchingRun.Status.DONE:
            return False
        made = matching.confirm(run, self.staff)
        MatchingRun.objects.filter(pk=run.pk).update(confirmed_at=moment)
        Award.objects.filter(pk__in=[award.pk for award in made]).update(created_at=moment, updated_at=moment)
        # Proposals funded from the waiting list were approved at that moment.
        Proposal.objects.filter(award__in=made, decided_at__gt=moment).update(decided_at=moment, updated_at=moment)
        return True

    def plan(self):
        at = self.timeline.at
        at(_moment(-399, 9, 30), self.main_run)
        for number, gift in enumerate(POOL_GIFTS_LAST):
            at(_moment(gift[0], gift[1], (number * 13) % 60), self.pool_gift, self.funds_last["pool"].pk, number, gift)
        for number, gift in enumerate(POOL_GIFTS_THIS):
            at(_moment(gift[0], gift[1], (number * 17) % 60), self.pool_gift, self.funds_this["pool"].pk, number, gift)
        at(_moment(-12, 10, 0), self.supplementary_run)
        at(_moment(-1, 9, 30), self.linkage_run)

    def main_run(self, moment):
        """Last year's matching: approved proposals only, every fund of last year."""
        did = False
        run = self.runs_over(self.past_call).first()
        if run is None:
            run = self.start_run(moment, [self.past_call], list(self.funds_last.values()))
            did = True
        self.timeline.at(moment + timedelta(days=1, hours=1), self.confirm_main, run.pk)
        return did

    def confirm_main(self, moment, run_pk):
        did = self.confirm(moment, MatchingRun(pk=run_pk))
        self.plan_lives(MatchingRun.objects.get(pk=run_pk), moment)
        return did

    def supplementary_run(self, moment):
        """After the termination gave money back: a run with the waiting list, confirmed next day."""
        runs = list(self.runs_over(self.past_call))
        did = False
        if len(runs) < 2:
            run = self.start_run(moment, [self.past_call], list(self.funds_last.values()), include_waitlisted=True)
            did = True
        else:
            run = runs[1]
        self.timeline.at(moment + timedelta(hours=23), self.confirm_supplementary, run.pk)
        return did

    def confirm_supplementary(self, moment, run_pk):
        did = self.confirm(moment, MatchingRun(pk=run_pk))
        for award in Award.objects.filter(run_id=run_pk).order_by("proposal__reference"):
            self.plan_gifts(award, moment + timedelta(hours=2), timezone.now() - timedelta(hours=3), 2)
        return did

    def linkage_run(self, moment):
        """This year's run over the closed “五社联动” call, left for staff to confirm."""
        if self.runs_over(self.linkage_call).exists():
            return False
        self.start_run(moment, [self.linkage_call], list(self.funds_this.values()), include_waitlisted=True)
        return True

    # -- the awards' life -------------------------------------------------------------------
    def plan_lives(self, run, confirmed):
        awards = list(run.awards.select_related("proposal__organisation").order_by("proposal__reference"))
        shares = {award.pk: {} for award in awards}
        by_proposal = {award.proposal_id: award.pk for award in awards}
        for proposal_id, split in run.lines.filter(proposal__in=by_proposal).values_list("proposal", "shares"):
            shares[by_proposal[proposal_id]] = {int(key): Decimal(amount) for key, amount in split.items()}
        lives = assign_lives(awards, shares, self.funds_last["government"])
        payments = []
        schedules = {}
        for award in awards:
            schedule = life_schedule(award, lives[award.pk], confirmed)
            schedules[award.pk] = schedule
            payments += [(moment, award.reference, number) for number, moment in schedule["pay"].items()]
        references = payment_references(payments)
        foundation = self.funds_last["foundation"]
        # A dozen projects receive gifts: eight the foundation co-funds (their gifts earn its
        # match), the terminated one (its unspent gifts go to the pool) and three still running.
        gifted = [award for award in awards if lives[award.pk] in ("completed", "completed_variation")
                  and shares[award.pk].get(foundation.pk)][:8]
        gifted += [award for award in awards if lives[award.pk] == "terminated"]
        gifted += [award for award in awards if lives[award.pk] in ("final_due", "final_submitted")][:3]
        for award in awards:
            life, schedule = lives[award.pk], schedules[award.pk]
            self._plan_life(award, life, schedule, references)
            if award in gifted:
                self.plan_gifts(award, schedule["sign"] + timedelta(days=5), schedule["gifts_until"],
                                3 + sum(map(ord, award.reference)) % 3)
        refunded = next((a for a in gifted if lives[a.pk] == "final_submitted"), None)
        if refunded is not None:
            self.timeline.at(schedules[refunded.pk]["gifts_until"] + timedelta(hours=2), self.refund, refunded.pk)

    def _plan_life(self, award, life, schedule, references):
        at, pk = self.timeline.at, award.pk
        at(schedule["sign"], self.sign, pk)
        for number, moment in schedule["pay"].items():
            at(moment, self.pay, pk, number, references[(award.reference, number)])
        for kind, (submitted, decided, approve) in schedule["reports"].items():
            at(submitted, self.submit_report, pk, kind, life)
            if decided is not None:
                at(decided, self.decide_report, pk, kind, approve)
        if "variation" in schedule:
            requested, decided, change = schedule["variation"]
            at(requested, self.request_variation, pk, change)
            if decided is not None:
                at(decided, self.decide_variation, pk)
        if "terminate" in schedule:
            at(schedule["terminate"], self.terminate, pk)

    def sign(self, moment, award_pk):
        award = Award.objects.select_related("proposal").get(pk=award_pk)
        if award.status != Award.Status.CONTRACTING:
            return False
        scan = _placeholder_pdf(f"Seedbed demo - signed agreement {award.reference} (placeholder scan)")
        award_service.sign(award, self.staff, SimpleUploadedFile(f"signed-agreement-{award.reference}.pdf", scan,
                                                                 content_type="application/pdf"))
        Award.objects.filter(pk=award_pk).update(signed_at=moment)
        self._touch(award_pk, moment)
        return True

    def pay(self, moment, award_pk, number, reference):
        tranche = Tranche.objects.filter(award_id=award_pk, number=number).first()
        if tranche is None or tranche.status != Tranche.Status.PLANNED or tranche.amount <= 0:
            return False
        award_service.pay_tranche(tranche, self.staff, timezone.localdate(moment), reference)
        self._touch(award_pk, moment)
        return True

    def submit_report(self, moment, award_pk, kind, life):
        report = Report.objects.select_related("award__proposal").get(award_id=award_pk, kind=kind)
        if report.status != Report.Status.DUE:
            return False
        award = report.award
        narrative, results = report_content(award, kind, life)
        award_service.save_report(report, _holder(award), narrative, results, submit=True)
        Report.objects.filter(pk=report.pk).update(submitted_at=moment)
        self._touch(award_pk, moment)
        return True

    def decide_report(self, moment, award_pk, kind, approve):
        report = Report.objects.get(award_id=award_pk, kind=kind)
        if report.status != Report.Status.SUBMITTED:
            return False
        rng = random.Random(f"seedbed-demo-report-{award_pk}-{kind}")
        if approve:
            note = rng.choice(MIDTERM_NOTES if kind == Report.Kind.MIDTERM else FINAL_NOTES)
        else:
            note = RETURN_NOTES[kind]
        award_service.decide_report(report, self.staff, approve, note)
        Report.objects.filter(pk=report.pk).update(decided_at=moment)
        self._touch(award_pk, moment)
        return True

    def request_variation(self, moment, award_pk, change):
        award = Award.objects.select_related("proposal").get(pk=award_pk)
        if award.variations.exists() or award.status not in (Award.Status.CONTRACTING, Award.Status.ACTIVE):
            return False
        lines, reason, change = variation_lines(award, change)
        variation = award_service.request_variation(award, _holder(award), lines, reason, change)
        BudgetVariation.objects.filter(pk=variation.pk).update(requested_at=moment)
        self._touch(award_pk, moment)
        return True

    def decide_variation(self, moment, award_pk):
        variation = BudgetVariation.objects.filter(award_id=award_pk, status=BudgetVariation.Status.REQUESTED).first()
        if variation is None:
            return False
        award_service.decide_variation(variation, self.staff, True, "同意调整。核减的资助资金退回原资金渠道，其余预算按调整后执行。")
        BudgetVariation.objects.filter(pk=variation.pk).update(decided_at=moment)
        self._touch(award_pk, moment)
        return True

    def terminate(self, moment, award_pk):
        award = Award.objects.get(pk=award_pk)
        if award.status not in (Award.Status.CONTRACTING, Award.Status.ACTIVE):
            return False
        award_service.terminate(award, self.staff, TERMINATION_REASON)
        self._touch(award_pk, moment)
        return True

    # -- donations --------------------------------------------------------------------------
    def plan_gifts(self, award, start, end, count):
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
        self._touch(award_pk, moment)
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
        self._touch(award_pk, moment)
        return True

    def finish(self):
        for award_pk, moment in self.touched.items():
            Award.objects.filter(pk=award_pk).update(updated_at=moment)


# -- what happens to each award ---------------------------------------------------------------

def assign_lives(awards, shares, government):
    """Most projects completed; the five that end last still active (the demo applicant's among
    them, its final report still to write). The biggest government-funded 9–10-month project is
    terminated and a long one gives money back through a variation: what they return pays for
    the supplementary run's awards."""
    lives = {}
    latest = sorted(awards, key=lambda a: (-a.ends_on.toordinal(), a.reference))
    sunshine = next((a for a in awards if a.proposal.organisation.name_zh == SUNSHINE), None)
    active = [a for a in latest if a is not sunshine][:4]
    if sunshine is not None:
        lives[sunshine.pk] = "final_due"
    for award, life in zip(active, ["final_submitted", "final_submitted", "final_returned", "final_due_variation"]):
        lives[award.pk] = life

    def from_government(award):  # as the run gave it (a variation or an ending changes the ledger)
        return (shares[award.pk].get(government.pk, ZERO), award.reference)

    rest = [a for a in awards if a.pk not in lives]
    candidates = [a for a in rest if a.proposal.organisation.name_zh not in (SUNSHINE, NEIGHBOURS)
                  and 240 <= (a.ends_on - a.starts_on).days <= 300]
    if candidates:
        lives[max(candidates, key=from_government).pk] = "terminated"
    varied = [a for a in awards if a.pk not in lives and (a.ends_on - a.starts_on).days >= 290]
    if varied:
        lives[max(varied, key=from_government).pk] = "completed_variation"
    for award in awards:
        lives.setdefault(award.pk, "completed")
    return lives


def life_schedule(award, life, confirmed):
    """The moments of one award's steps. Tranches: {number: moment}; reports: {kind:
    (submitted, decided or None, approved)}."""
    rng = random.Random(f"seedbed-demo-life-{award.reference}")
    now = timezone.now()
    tz = timezone.get_default_timezone()

    def on(day, hour, minute=None):
        return datetime.combine(day, time(hour, rng.randrange(60) if minute is None else minute), tzinfo=tz)

    def after(moment, days_from, days_to, hour):
        return on(timezone.localdate(moment) + timedelta(days=rng.randint(days_from, days_to)), hour)

    sign = after(confirmed, 4, 14, 15)
    schedule = {"sign": sign, "pay": {1: after(sign, 3, 8, 11)}, "reports": {}}
    middle = award.starts_on + (award.ends_on - award.starts_on) / 2
    mid_submitted = on(middle + timedelta(days=rng.randint(-4, 3)), 16)
    mid_approved = after(mid_submitted, 3, 7, 10)
    if life == "terminated":
        returned = after(mid_submitted, 4, 8, 10)
        schedule["reports"][Report.Kind.MIDTERM] = (mid_submitted, returned, False)
        schedule["terminate"] = after(returned, 25, 35, 15)
        schedule["gifts_until"] = schedule["terminate"] - timedelta(days=6)
        return schedule
    schedule["reports"][Report.Kind.MIDTERM] = (mid_submitted, mid_approved, True)
    schedule["pay"][2] = after(mid_approved, 2, 5, 11)
    if life == "completed_variation":
        requested = after(schedule["pay"][2], 8, 20, 17)
        schedule["variation"] = (requested, after(requested, 4, 8, 11), "decrease")
    ends = award.ends_on
    limit = now - timedelta(days=1)
    if life in ("completed", "completed_variation"):
        final_submitted = min(on(ends + timedelta(days=rng.randint(3, 12)), 16), now - timedelta(days=9))
        final_approved = min(after(final_submitted, 3, 6, 10), now - timedelta(days=4))
        schedule["reports"][Report.Kind.FINAL] = (final_submitted, final_approved, True)
        schedule["pay"][3] = max(min(after(final_approved, 2, 4, 11), limit), final_approved + timedelta(hours=1))
        schedule["gifts_until"] = final_approved - timedelta(days=2)
    elif life == "final_submitted":
        schedule["reports"][Report.Kind.FINAL] = (min(on(ends + timedelta(days=rng.randint(2, 6)), 16),
                                                      now - timedelta(days=2)), None, True)
        schedule["gifts_until"] = now - timedelta(hours=4)
    elif life == "final_returned":
        submitted = min(on(ends + timedelta(days=1), 16), now - timedelta(days=8))
        schedule["reports"][Report.Kind.FINAL] = (submitted, after(submitted, 4, 5, 10), False)
        schedule["gifts_until"] = now - timedelta(hours=4)
    else:  # final_due, final_due_variation: the final report is still to be written
        schedule["gifts_until"] = now - timedelta(hours=4)
        if life == "final_due_variation":
            schedule["variation"] = (now - timedelta(days=4, hours=rng.randint(1, 8)), None, "move")
    return schedule


def payment_references(payments):
    """Voucher numbers of the centre's payments (NA-ZF-<year>-<number>), rising with their dates."""
    references, last = {}, {}
    prefix = settings.REFERENCE_PREFIX
    for moment, reference, number in sorted(payments):
        year = timezone.localtime(moment).year
        rng = random.Random(f"seedbed-demo-voucher-{reference}-{number}")
        last[year] = last.get(year, 100) + rng.randint(1, 9)
        references[(reference, number)] = f"{prefix}-ZF-{year}-{last[year]:04d}"
    return references


TERMINATION_REASON = ("项目负责人及两名专职社工相继离职，机构无法按协议继续执行。经中心约谈和实地核查，双方协商一致"
                      "终止资助协议：已拨付的第一期资金按实际支出据实结算，未拨付的资金退回原资金渠道，用于候补项目。")
MIDTERM_NOTES = ["中期报告审核通过：进度符合协议，请按计划推进。第二期资金将于近日拨付。",
                 "审核通过。活动记录和签到表齐全，请注意下半年志愿者队伍的稳定。",
                 "审核通过。建议下半年加强服务对象的满意度回访，并保留过程资料。"]
FINAL_NOTES = ["结项报告审核通过，指标完成情况良好，第三期资金予以拨付。",
               "审核通过。项目形成的服务手册请报中心备案，供其他社区参考。",
               "审核通过。项目成效明显，建议总结经验参加下一年度的优秀项目评选。"]
RETURN_NOTES = {
    Report.Kind.MIDTERM: "中期报告显示项目仅完成计划活动的两成，且项目社工已离职。请在 15 日内说明后续执行安排并补充人员配置方案。",
    Report.Kind.FINAL: "请补充：1. 下半年活动的签到表和现场照片；2. 满意度测评问卷的统计结果；3. 配套资金的使用明细。补充后重新提交。",
}

PROGRESS = {
    "elderly": "银龄志愿者与服务对象结对稳定，老人对定期探访和代办服务认可度高。",
    "meal": "助餐服务运行平稳，菜品按老人口味和健康需求每周调整，送餐覆盖行动不便的老人。",
    "youth": "孩子们的课业完成情况和情绪状态明显改善，家长参与亲子活动的积极性提高。",
    "governance": "居民议事会已形成“提事、议事、办事、评事”的固定流程，多件居民关心的事项通过协商解决。",
    "culture": "文体队伍活动常态化，新队员不断加入，社区文化活动的参与面扩大。",
    "environment": "参与垃圾分类和环境整治的居民明显增多，整治点位的环境得到持续改善。",
    "disability": "服务对象的生活自理和社会交往能力有所提升，家属照护压力得到缓解。",
    "neighbours": "邻里互助网络逐步形成，居民之间从“不认识”到“互相帮忙”。",
    "mental": "讲座和团体辅导的参与者反馈良好，多名有需要的居民接受了个案辅导或转介。",
}
ISSUES = ["部分活动受天气影响延期，已在后续月份补齐。", "志愿者流动较大，已建立志愿者激励和替补机制。",
          "少数服务对象参与意愿不稳定，社工通过入户沟通逐步解决。"]
LASTING = ["项目培育的骨干和志愿者队伍将继续开展服务，社区已将其纳入常态化工作。",
           "项目形成的服务流程和手册已交社区存档，后续由社区和志愿者队伍延续。",
           "机构将链接社区基金和驻区单位资源，保持服务不断档。"]


def report_content(award, kind, life):
    """The holder's narrative and results: at mid-term about half of each target, at the end
    close to it (a little under or over)."""
    rng = random.Random(f"seedbed-demo-results-{award.reference}-{kind}")
    project = next(p for p in PROJECTS if p[1] == award.proposal.title)
    theme_kind = project[5]
    activity, activity_unit = KINDS[theme_kind][0], KINDS[theme_kind][1]
    results, figures = {}, {}
    for indicator in award.proposal.indicators.all():
        if indicator.kind == Indicator.Kind.SATISFACTION:
            actual = Decimal(rng.randint(91, 98))
        elif kind == Report.Kind.MIDTERM or life == "terminated":
            actual = (indicator.target * Decimal(rng.uniform(0.42, 0.58))).quantize(Decimal(1))
        else:
            actual = (indicator.target * Decimal(rng.uniform(0.95, 1.15))).quantize(Decimal(1))
        if life == "terminated" and indicator.kind != Indicator.Kind.SATISFACTION:
            actual = (indicator.target * Decimal(rng.uniform(0.15, 0.25))).quantize(Decimal(1))
        results[indicator.pk] = (actual, "")
        figures[str(indicator.kind)] = actual
    served, sessions = figures.get("beneficiaries", 0), figures.get("activities", 0)
    volunteers, satisfaction = figures.get("volunteers", 0), figures.get("satisfaction", 0)
    if kind == Report.Kind.MIDTERM:
        narrative = (f"项目于{_date_text(award.starts_on)}正式启动。截至中期，已开展{activity}{sessions}{activity_unit}，"
                     f"累计服务{served}人次，{volunteers}名志愿者参与服务。{PROGRESS[theme_kind]}\n\n"
                     f"存在的问题：{rng.choice(ISSUES)}\n\n下一步将按协议推进下半年的服务，并做好过程资料的收集整理。")
        if life == "terminated":
            narrative = (f"项目于{_date_text(award.starts_on)}启动。截至中期，仅开展{activity}{sessions}{activity_unit}，"
                         f"服务{served}人次。\n\n存在的问题：项目负责人和一名专职社工先后离职，新招聘的社工尚未到岗，"
                         "下半年活动无法按计划开展。")
        return narrative, results
    narrative = (f"项目于{_date_text(award.ends_on)}结束。项目周期内共开展{activity}{sessions}{activity_unit}，"
                 f"累计服务{served}人次，招募培育志愿者{volunteers}名，服务对象满意度{satisfaction}%。"
                 f"{PROGRESS[theme_kind]}\n\n{rng.choice(LASTING)}")
    return narrative, results


def variation_lines(award, change):
    """The budget a variation proposes: a fifth of the activity sessions fewer, either given
    back ("decrease") or moved to a new line ("move")."""
    lines = [{"category": l.category, "item": l.item, "quantity": str(l.quantity), "unit": l.unit,
              "unit_price": str(l.unit_price)} for l in award.budget_lines.all()]
    activity = next(line for line in lines if line["category"] == C.ACTIVITIES)
    price = Decimal(activity["unit_price"])
    fewer = max(2, int(Decimal(activity["quantity"])) // 5)
    activity["quantity"] = str(Decimal(activity["quantity"]) - fewer)
    amount = (price * fewer).quantize(CENT)
    if change == "decrease":
        reason = (f"部分活动改由社区和驻区单位无偿提供场地和物资，{fewer}{activity['unit']}“{activity['item']}”"
                  f"不再需要资助，申请核减相应活动费 {amount} 元并退回资助资金，其余预算不变。")
        return lines, reason, -amount
    lines.append({"category": C.ACTIVITIES, "item": "上门服务交通补贴", "quantity": "1", "unit": "项",
                  "unit_price": str(amount)})
    reason = (f"根据中期评估，服务对象对上门服务的需求高于集中活动，申请将{fewer}{activity['unit']}“{activity['item']}”"
              f"的经费 {amount} 元调整为上门服务交通补贴，资助总额不变。")
    return lines, reason, ZERO


# -- gifts -----------------------------------------------------------------------------------

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


# -- all of it -------------------------------------------------------------------------------

def ensure_demo_funding():
    """Organisations, last year's call and proposals, funds, matching runs, awards, payments,
    reports, variations and donations; returns what was created and what there is.

    Needs demo.proposals and demo.review to have run (their calls, people and reviews).
    """
    with translation.override(settings.LANGUAGE_CODE), transaction.atomic():
        staff = User.objects.get(email=STAFF_EMAIL)
        reviewers = {user.email: user for user in User.objects.filter(email__in=[LI, ZHOU, HE, SUN])}
        applicants = ensure_applicants()
        call, pages = ensure_past_call()
        organisations, registered = ensure_organisations(staff, call)
        proposals = ensure_past_proposals(call, organisations)
        steps = sum(_advance(plan, staff, reviewers) for plan in review_plans(call.slug))
        year = timezone.localtime(call.opens_at).year
        funds_last, created_last = ensure_funds(year, call, staff, call.opens_at - timedelta(days=20))
        funds_this, created_this = ensure_funds(year + 1, None, staff, _at(-330, 9))
        linkage = CallPage.objects.get(slug=LINKAGE, locale=Locale.get_default())
        funding = Funding(staff, call, linkage, funds_last, funds_this)
        funding.plan()
        steps += funding.timeline.run()
        funding.finish()
    return {
        "applicants": len(applicants), "organisations": registered, "pages": pages, "proposals": proposals,
        "funds": created_last + created_this, "steps": steps, **funding_figures(),
    }


def funding_figures():
    awards = dict(Award.objects.values_list("status").annotate(n=Count("pk")).order_by())
    runs = dict(MatchingRun.objects.values_list("status").annotate(n=Count("pk")).order_by())
    counted = Donation.objects.filter(status__in=[Donation.Status.PAID, Donation.Status.REFUNDED])
    return {
        "awards": {status: awards.get(status, 0) for status in Award.Status.values},
        "runs": {status: runs.get(status, 0) for status in MatchingRun.Status.values if runs.get(status)},
        "streets": Award.objects.values("proposal__street").distinct().count(),
        "tranches_paid": Tranche.objects.filter(status=Tranche.Status.PAID).count(),
        "reports_approved": Report.objects.filter(status=Report.Status.APPROVED).count(),
        "variations": BudgetVariation.objects.count(),
        "donations": counted.count(),
        "donated": counted.aggregate(total=Sum("amount"))["total"] or ZERO,
        "matched": Fund.objects.aggregate(total=Sum("matched"))["total"] or ZERO,
        "all_funds": Fund.objects.count(),
    }


def summary_line(result):
    awards = ", ".join(f"{status} {count}" for status, count in result["awards"].items())
    runs = ", ".join(f"{status} {count}" for status, count in result["runs"].items())
    return ("Funding demo: {organisations} organisations, {proposals} proposals, {funds} funds and {steps} "
            "funding steps added; {all_funds} funds, matching runs: {runs}; awards in {streets} streets: {awards}; "
            "{tranches_paid} tranches paid, {reports_approved} reports approved, {variations} budget variations, "
            "{donations} donations ({donated}), matches {matched}").format(
        **{**result, "runs": runs, "awards": awards, "donated": yuan(result["donated"]),
           "matched": yuan(result["matched"])})
