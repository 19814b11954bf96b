"""Demo grants data: themes, the call index and calls, organisations and proposals.

Everything is made the way a person would make it: pages are published revisions with English
translations, organisations are registered and verified through the incubator's services, and
proposals are started and submitted through the grants services (so memberships, reference
numbers and audit entries exist). Safe to run again: each item is looked up first and only
what is missing is added.

Dates are relative to now, so a freshly seeded site always has an open, an upcoming and a
closed call.
"""

from datetime import datetime, time, timedelta
from decimal import Decimal

from allauth.account.models import EmailAddress
from django.db import transaction
from django.utils import timezone
from wagtail.log_actions import log
from wagtail.models import Locale, ModelLogEntry

from cms.bootstrap import ensure_site
from demo.people import DEMO_PASSWORD
from grants.calls.models import CallIndexPage, CallPage, Theme
from grants.proposals.models import BudgetLine, Indicator, Proposal
from grants.proposals.services import start_proposal, submit_proposal
from incubator.accounts.models import User
from incubator.organisations.models import Membership, Organisation
from incubator.organisations.services import (
    accept_invitation,
    invitation_token,
    register_organisation,
    reject_organisation,
    verify_organisation,
)
from incubator.organisations.uscc import check_character
from incubator.places.models import Community, Street

# -- themes ----------------------------------------------------------------------------------

THEMES = [
    # code, Chinese, English
    ("elderly", "为老服务", "Elderly care"),
    ("youth", "儿童青少年", "Children and youth"),
    ("governance", "社区治理", "Community governance"),
    ("neighbours", "邻里互助", "Neighbourly help"),
    ("culture", "文化体育", "Culture and sport"),
    ("environment", "环境保护", "Environment"),
    ("disability", "助残服务", "Disability support"),
    ("moral", "德育教育", "Moral education"),
]


@transaction.atomic
def ensure_themes():
    created = 0
    for code, name_zh, name_en in THEMES:
        created += Theme.objects.get_or_create(
            code=code, defaults={"name_zh": name_zh, "name_en": name_en})[1]
    return created


# -- dates -----------------------------------------------------------------------------------

def _day(days):
    """Today in Beijing, shifted by `days`."""

    return timezone.localdate() + timedelta(days=days)


def _at(days, hour, minute=0):
    """An aware moment in Beijing time, `days` from today."""

    return datetime.combine(_day(days), time(hour, minute), tzinfo=timezone.get_default_timezone())


def _p(*paragraphs):
    return "".join(f"<p>{p}</p>" for p in paragraphs)


def _section(heading, *paragraphs):
    return f"<h2>{heading}</h2>" + _p(*paragraphs)


# -- the call index and the calls ------------------------------------------------------------

CALL_INDEX = {
    "slug": "calls",
    "zh": {
        "title": "项目征集",
        "intro": _p("南岸区社区治理创新中心发布的社区创新项目征集：开放中的征集可在线申报，即将开放的征集可提前准备，已截止的征集保留供查阅。"),
    },
    "en": {
        "title": "Calls for proposals",
        "intro": _p("Calls for community innovation projects published by Nan'an District's Community Governance Innovation Centre: apply online to open calls, prepare for upcoming ones, and look back at closed ones."),
    },
}

# Stable block ids: answers are stored by them, and the English page reuses them.
Q = {
    "lead": "6f1d2c1e-0b1a-4c51-9d51-2a7a1c3e0001",
    "need": "6f1d2c1e-0b1a-4c51-9d51-2a7a1c3e0002",
    "plan": "6f1d2c1e-0b1a-4c51-9d51-2a7a1c3e0003",
    "people": "6f1d2c1e-0b1a-4c51-9d51-2a7a1c3e0004",
    "kind": "6f1d2c1e-0b1a-4c51-9d51-2a7a1c3e0005",
    "partners": "6f1d2c1e-0b1a-4c51-9d51-2a7a1c3e0006",
    "kickoff": "6f1d2c1e-0b1a-4c51-9d51-2a7a1c3e0007",
    "file": "6f1d2c1e-0b1a-4c51-9d51-2a7a1c3e0008",
    "small_what": "6f1d2c1e-0b1a-4c51-9d51-2a7a1c3e0011",
    "small_residents": "6f1d2c1e-0b1a-4c51-9d51-2a7a1c3e0012",
    "small_place": "6f1d2c1e-0b1a-4c51-9d51-2a7a1c3e0013",
    "moral_school": "6f1d2c1e-0b1a-4c51-9d51-2a7a1c3e0021",
    "moral_plan": "6f1d2c1e-0b1a-4c51-9d51-2a7a1c3e0022",
    "moral_age": "6f1d2c1e-0b1a-4c51-9d51-2a7a1c3e0023",
    "linkage_need": "6f1d2c1e-0b1a-4c51-9d51-2a7a1c3e0031",
    "linkage_forces": "6f1d2c1e-0b1a-4c51-9d51-2a7a1c3e0032",
    "linkage_people": "6f1d2c1e-0b1a-4c51-9d51-2a7a1c3e0033",
}
PROJECT_KINDS = ["新项目", "延续项目"]
PARTNERS = ["社区居委会", "物业服务企业", "驻区单位", "其他社会组织", "志愿者队伍"]
LINKAGE_FORCES = ["社区", "社会组织", "社会工作者", "社区志愿者", "社会慈善资源"]


def _question(kind, key, label, help_text="", required=True, choices=None):
    value = {"label": label, "help_text": help_text, "required": required}
    if choices is not None:
        value["choices"] = choices
    return {"type": kind, "id": Q[key], "value": value}


def _criterion(number, name, weight, description="", max_score=10):
    return {"type": "criterion", "id": f"9a7e5b1c-3d2f-4e6a-8b9c-0d1e2f3a{number:04d}",
            "value": {"name": name, "description": description, "weight": weight, "max_score": max_score}}


GOVERNANCE_QUESTIONS = {
    "zh": [
        _question("short_text", "lead", "项目负责人", "姓名、职务及联系电话。"),
        _question("long_text", "need", "社区需求分析", "服务对象是谁、有多少人、需求从何而来（走访、问卷、居民议事等）。"),
        _question("long_text", "plan", "项目实施计划", "主要活动、时间安排和分工。"),
        _question("number", "people", "预计直接受益人数（人）"),
        _question("single_choice", "kind", "项目类型", choices=PROJECT_KINDS),
        _question("multiple_choice", "partners", "合作方", "可多选。", required=False, choices=PARTNERS),
        _question("date", "kickoff", "计划首场活动日期", required=False),
        _question("file", "file", "项目实施方案（PDF，可选）", "不超过 10 MB。", required=False),
    ],
    "en": [
        _question("short_text", "lead", "Project lead", "Name, position and phone number."),
        _question("long_text", "need", "Community needs", "Who the project serves, how many people, and how you learned of the need (visits, surveys, residents' meetings…)."),
        _question("long_text", "plan", "Implementation plan", "Main activities, timetable and who does what."),
        _question("number", "people", "Expected direct beneficiaries (people)"),
        _question("single_choice", "kind", "Type of project", choices=["New project", "Continuation"]),
        _question("multiple_choice", "partners", "Partners", "Tick all that apply.", required=False,
                  choices=["Residents' committee", "Property management company", "Local employers",
                           "Other social organisations", "Volunteer teams"]),
        _question("date", "kickoff", "Planned date of the first activity", required=False),
        _question("file", "file", "Implementation plan (PDF, optional)", "At most 10 MB.", required=False),
    ],
}

GOVERNANCE_RUBRIC = {
    "zh": [
        _criterion(1, "需求分析与项目设计", 25, "需求有调研依据，目标清晰，活动设计与需求对应。"),
        _criterion(2, "实施可行性与团队能力", 25, "团队有相关服务经验，进度安排合理。"),
        _criterion(3, "预算合理性", 20, "预算明细清楚，单价合理，配套资金落实。"),
        _criterion(4, "居民参与与可持续性", 15, "居民、社区和驻区单位参与，项目结束后可延续。"),
        _criterion(5, "预期成效与可评估性", 15, "指标可量化、可核查。"),
    ],
    "en": [
        _criterion(1, "Needs analysis and design", 25, "The need is researched, the aims are clear and the activities answer the need."),
        _criterion(2, "Feasibility and team", 25, "The team has relevant experience; the timetable is realistic."),
        _criterion(3, "Budget", 20, "The budget is itemised, prices are reasonable and co-funding is secured."),
        _criterion(4, "Participation and sustainability", 15, "Residents, the community and local employers take part; the work can continue afterwards."),
        _criterion(5, "Expected results", 15, "The indicators are measurable and verifiable."),
    ],
}

SMALL_QUESTIONS = {
    "zh": [
        _question("long_text", "small_what", "要解决的“小事”", "用几句话说明居民身边的什么问题、影响了谁。"),
        _question("number", "small_residents", "参与的居民人数（人）"),
        _question("short_text", "small_place", "实施地点", "小区、楼栋或院落名称。", required=False),
    ],
    "en": [
        _question("long_text", "small_what", "The small problem to solve", "In a few sentences: what problem residents face, and whom it affects."),
        _question("number", "small_residents", "Residents taking part (people)"),
        _question("short_text", "small_place", "Where", "Name of the estate, building or courtyard.", required=False),
    ],
}

SMALL_RUBRIC = {
    "zh": [
        _criterion(11, "需求真实、切口小", 40),
        _criterion(12, "居民参与程度", 30),
        _criterion(13, "经费使用合理", 30),
    ],
    "en": [
        _criterion(11, "A real, well-defined need", 40),
        _criterion(12, "Residents' participation", 30),
        _criterion(13, "Sensible use of the money", 30),
    ],
}

MORAL_QUESTIONS = {
    "zh": [
        _question("short_text", "moral_school", "合作学校或社区"),
        _question("long_text", "moral_plan", "德育活动设计", "活动主题、形式、频次，以及如何引导青少年参与。"),
        _question("single_choice", "moral_age", "主要服务对象", choices=["小学生", "初中生", "高中生", "多个学段"]),
    ],
    "en": [
        _question("short_text", "moral_school", "Partner school or community"),
        _question("long_text", "moral_plan", "Activity design", "Themes, formats and frequency, and how young people are drawn in."),
        _question("single_choice", "moral_age", "Main age group",
                  choices=["Primary school", "Lower secondary", "Upper secondary", "Several"]),
    ],
}

MORAL_RUBRIC = {
    "zh": [
        _criterion(21, "育人目标与内容", 30),
        _criterion(22, "活动设计的创新性", 30),
        _criterion(23, "家校社协同", 20),
        _criterion(24, "预算与成效", 20),
    ],
    "en": [
        _criterion(21, "Educational aims and content", 30),
        _criterion(22, "Innovative activities", 30),
        _criterion(23, "Families, schools and community together", 20),
        _criterion(24, "Budget and results", 20),
    ],
}

LINKAGE_QUESTIONS = {
    "zh": [
        _question("long_text", "linkage_need", "服务对象与需求"),
        _question("multiple_choice", "linkage_forces", "项目联动的力量", choices=LINKAGE_FORCES),
        _question("number", "linkage_people", "预计服务人次"),
    ],
    "en": [
        _question("long_text", "linkage_need", "Who the project serves, and their needs"),
        _question("multiple_choice", "linkage_forces", "Which of the five forces the project links",
                  choices=["Communities", "Social organisations", "Social workers",
                           "Community volunteers", "Charitable resources"]),
        _question("number", "linkage_people", "Expected attendances"),
    ],
}

LINKAGE_RUBRIC = {
    "zh": [
        _criterion(31, "需求与设计", 25),
        _criterion(32, "五社联动机制", 25),
        _criterion(33, "执行能力", 25),
        _criterion(34, "预算与成效", 25),
    ],
    "en": [
        _criterion(31, "Needs and design", 25),
        _criterion(32, "How the five forces work together", 25),
        _criterion(33, "Capacity to deliver", 25),
        _criterion(34, "Budget and results", 25),
    ],
}

URBAN_STREETS = ["500108001", "500108002", "500108003", "500108004",
                 "500108005", "500108006", "500108007", "500108008"]


def _call_specs():
    """The demo calls, dated from today: two open, one upcoming, one closed."""
    governance_open, governance_close = _at(-20, 9), _at(30, 17, 30)
    governance_start = _day(60)
    small_open, small_close = _at(-12, 9), _at(21, 17, 30)
    small_start = _day(40)
    moral_open, moral_close = _at(10, 9), _at(55, 17, 30)
    moral_start = _day(90)
    linkage_open, linkage_close = _at(-160, 9), _at(-100, 17, 30)
    linkage_start = _day(-80)

    def year(moment):
        return timezone.localtime(moment).year

    return [
        {
            "slug": "community-governance-innovation",
            "status": CallPage.Status.OPEN,
            "fields": {
                "total_budget": Decimal("2000000.00"), "min_grant": Decimal("50000.00"),
                "max_grant": Decimal("150000.00"), "cofunding_share": Decimal("10.00"),
                "opens_at": governance_open, "closes_at": governance_close,
                "project_start": governance_start, "project_end": governance_start + timedelta(days=364),
                "eligible_kinds": [Organisation.Kind.SOCIAL_GROUP, Organisation.Kind.SOCIAL_SERVICE,
                                   Organisation.Kind.FOUNDATION, Organisation.Kind.COMMUNITY_GROUP],
                "verified_only": True, "reviewers_per_proposal": 3, "blind_review": False,
            },
            "themes": ["governance", "elderly", "neighbours", "youth", "disability"],
            "streets": URBAN_STREETS,
            "zh": {
                "title": f"{year(governance_open)}年南岸区社区治理创新项目",
                "summary": "支持社会组织围绕老旧小区治理、居民议事协商、为老助残和儿童关爱等社区需求设计创新项目，单个项目资助5万至15万元，需自筹不少于项目总预算10%的配套资金。",
                "body": _section("一、征集范围", "面向南岸区八个街道的城市社区，重点支持：老旧小区治理与居民自治、社区议事协商、为老服务与助残服务、儿童青少年关爱、邻里互助网络建设。")
                + _section("二、申报条件", "在南岸区登记或备案、并已在“社创苗圃”平台完成认证的社会团体、社会服务机构、基金会和社区社会组织均可申报。每个组织限报一个项目。")
                + _section("三、资助标准", "本批次总资金200万元，单个项目资助5万至15万元，项目周期不超过12个月。申报组织须自筹不少于项目总预算10%的配套资金，人员费不超过资助金额的40%。")
                + _section("四、评审流程", "资格审查 → 专家评审（每个项目三位专家，按评分细则打分）→ 结果公示 → 签订协议，资金分两期拨付。"),
                "questions": GOVERNANCE_QUESTIONS["zh"], "rubric": GOVERNANCE_RUBRIC["zh"],
            },
            "en": {
                "title": f"{year(governance_open)} Nan'an Community Governance Innovation Projects",
                "summary": "Funding for social organisations' innovative answers to community needs: old housing estates, residents' deliberation, elderly and disability care, children. Grants of ¥50,000 to ¥150,000; organisations raise at least 10% of the project budget themselves.",
                "body": _section("Scope", "Urban communities in Nan'an's eight subdistricts. Priorities: old estates and residents' self-management, community deliberation, elderly care and disability support, children and youth, neighbourly help networks.")
                + _section("Who may apply", "Social groups, social service organisations, foundations and filed community organisations registered in Nan'an and verified on Seedbed. One project per organisation.")
                + _section("Funding", "¥2,000,000 in total; grants of ¥50,000 to ¥150,000 for projects of up to twelve months. Organisations raise at least 10% of the total project budget themselves; personnel costs may not exceed 40% of the grant.")
                + _section("Review", "Eligibility screening → expert review (three reviewers per proposal, scored against the rubric) → public notice → agreement; the grant is paid in two tranches."),
                "questions": GOVERNANCE_QUESTIONS["en"], "rubric": GOVERNANCE_RUBRIC["en"],
            },
        },
        {
            "slug": "small-community-projects",
            "status": CallPage.Status.OPEN,
            "fields": {
                "total_budget": Decimal("300000.00"), "min_grant": Decimal("5000.00"),
                "max_grant": Decimal("20000.00"), "cofunding_share": Decimal("0.00"),
                "opens_at": small_open, "closes_at": small_close,
                "project_start": small_start, "project_end": small_start + timedelta(days=182),
                "eligible_kinds": [Organisation.Kind.COMMUNITY_GROUP, Organisation.Kind.SOCIAL_GROUP,
                                   Organisation.Kind.SOCIAL_SERVICE],
                "verified_only": True, "reviewers_per_proposal": 2, "blind_review": False,
            },
            "themes": ["neighbours", "environment", "culture", "governance"],
            "streets": ["500108003", "500108002", "500108006", "500108101"],
            "zh": {
                "title": f"{year(small_open)}年南岸区“小事微项目”",
                "summary": "居民身边的小事，由社区社会组织和志愿服务团队牵头解决：楼道微更新、邻里互助、社区议事等。单个项目资助5千至2万元，无需配套资金。",
                "body": _section("征集范围", "本批次在南坪街道、花园路街道、弹子石街道和南坪镇试点，服务对象为试点街镇的社区居民。")
                + _section("申报条件", "在试点街镇登记或备案的社区社会组织、社会团体和社会服务机构，须已在平台完成认证。")
                + _section("资助标准", "总资金30万元，单个项目5千至2万元，实施期不超过6个月，不要求配套资金。"),
                "questions": SMALL_QUESTIONS["zh"], "rubric": SMALL_RUBRIC["zh"],
            },
            "en": {
                "title": f"{year(small_open)} Nan'an Small Community Projects",
                "summary": "Small problems on residents' doorsteps, solved by community groups and volunteer teams: stairwell makeovers, neighbourly help, residents' meetings. Grants of ¥5,000 to ¥20,000; no co-funding required.",
                "body": _section("Scope", "This round pilots in Nanping, Huayuanlu and Danzishi subdistricts and Nanping Town, for the residents of their communities.")
                + _section("Who may apply", "Filed community organisations, social groups and social service organisations based in the pilot streets and towns and verified on Seedbed.")
                + _section("Funding", "¥300,000 in total; grants of ¥5,000 to ¥20,000 for projects of up to six months. No co-funding is required."),
                "questions": SMALL_QUESTIONS["en"], "rubric": SMALL_RUBRIC["en"],
            },
        },
        {
            "slug": "moral-education-venture",
            "status": CallPage.Status.UPCOMING,
            "fields": {
                "total_budget": Decimal("800000.00"), "min_grant": Decimal("30000.00"),
                "max_grant": Decimal("100000.00"), "cofunding_share": Decimal("0.00"),
                "opens_at": moral_open, "closes_at": moral_close,
                "project_start": moral_start, "project_end": moral_start + timedelta(days=300),
                "eligible_kinds": [Organisation.Kind.SOCIAL_SERVICE, Organisation.Kind.SOCIAL_GROUP,
                                   Organisation.Kind.FOUNDATION],
                "verified_only": True, "reviewers_per_proposal": 3, "blind_review": True,
            },
            "themes": ["moral", "youth", "culture"],
            "streets": ["500108001", "500108003", "500108004", "500108006", "500108106"],
            "zh": {
                "title": f"{year(moral_open)}年南岸区德育创投项目",
                "summary": "以公益创投方式支持社会组织联合学校和社区开展青少年德育实践：家风家教、志愿服务、红色研学、生命教育。即将开放申报，欢迎提前准备。",
                "body": _section("征集范围", "面向铜元局、南坪、海棠溪、弹子石街道和长生桥镇的中小学生及其家庭。")
                + _section("资助标准", "总资金80万元，单个项目3万至10万元。本批次采用匿名评审：评审专家看不到申报组织名称。"),
                "questions": MORAL_QUESTIONS["zh"], "rubric": MORAL_RUBRIC["zh"],
            },
            "en": {
                "title": f"{year(moral_open)} Nan'an Moral Education Venture Projects",
                "summary": "Venture funding for social organisations working with schools and communities on young people's moral education: family values, volunteering, heritage study trips, life education. Opening soon: start preparing.",
                "body": _section("Scope", "Primary and secondary pupils and their families in Tongyuanju, Nanping, Haitangxi and Danzishi subdistricts and Changshengqiao Town.")
                + _section("Funding", "¥800,000 in total; grants of ¥30,000 to ¥100,000. Review is blind: reviewers do not see the applicant's name."),
                "questions": MORAL_QUESTIONS["en"], "rubric": MORAL_RUBRIC["en"],
            },
        },
        {
            "slug": "five-forces-community-services",
            "status": CallPage.Status.CLOSED,
            "fields": {
                "total_budget": Decimal("1500000.00"), "min_grant": Decimal("30000.00"),
                "max_grant": Decimal("100000.00"), "cofunding_share": Decimal("5.00"),
                "opens_at": linkage_open, "closes_at": linkage_close,
                "project_start": linkage_start, "project_end": linkage_start + timedelta(days=270),
                "eligible_kinds": [],
                "verified_only": True, "reviewers_per_proposal": 3, "blind_review": False,
            },
            "themes": ["elderly", "disability", "neighbours", "youth", "environment"],
            "streets": ["500108002", "500108003", "500108006", "500108107"],
            "zh": {
                "title": f"{year(linkage_open)}年南岸区“五社联动”社区服务项目",
                "summary": "推动社区、社会组织、社会工作者、社区志愿者和社会慈善资源联动，为困境老人、残疾人和困境儿童提供社区服务。本批次已截止申报。",
                "body": _section("征集范围", "花园路街道、南坪街道、弹子石街道和迎龙镇的困境老人、残疾人、困境儿童及其家庭。")
                + _section("资助标准", "总资金150万元，单个项目3万至10万元，配套资金不少于项目总预算的5%。"),
                "questions": LINKAGE_QUESTIONS["zh"], "rubric": LINKAGE_RUBRIC["zh"],
            },
            "en": {
                "title": f"{year(linkage_open)} Nan'an “Five Forces” Community Services",
                "summary": "Communities, social organisations, social workers, volunteers and charitable resources working together for vulnerable older people, people with disabilities and children in difficulty. This call is closed.",
                "body": _section("Scope", "Vulnerable older people, people with disabilities, children in difficulty and their families in Huayuanlu, Nanping and Danzishi subdistricts and Yinglong Town.")
                + _section("Funding", "¥1,500,000 in total; grants of ¥30,000 to ¥100,000; organisations raise at least 5% of the project budget."),
                "questions": LINKAGE_QUESTIONS["en"], "rubric": LINKAGE_RUBRIC["en"],
            },
        },
    ]


def _translate(page, locale, content, slug):
    """Give `page` its translation in `locale` (a published copy with translated fields)."""
    if page.has_translation(locale):
        return False
    translation = page.copy_for_translation(locale, copy_parents=False)
    for field, value in content.items():
        setattr(translation, field, value)
    translation.slug = slug
    translation.save_revision().publish()
    return True


@transaction.atomic
def ensure_call_index():
    """The call index under each language's home page; returns (zh index, pages created)."""
    home = ensure_site()
    english = Locale.objects.get(language_code="en")
    created = 0
    index = CallIndexPage.objects.child_of(home).first()
    if index is None:
        index = CallIndexPage(slug=CALL_INDEX["slug"], show_in_menus=True, **CALL_INDEX["zh"])
        home.add_child(instance=index)
        index.save_revision().publish()
        created += 1
    created += _translate(index, english, CALL_INDEX["en"], CALL_INDEX["slug"])
    return index, created


@transaction.atomic
def ensure_calls():
    """The demo calls, in Chinese and English; returns ({slug: zh call}, pages created)."""
    index, created = ensure_call_index()
    english = Locale.objects.get(language_code="en")
    themes = {theme.code: theme for theme in Theme.objects.all()}
    streets = {street.code: street for street in Street.objects.all()}
    calls = {}
    for spec in _call_specs():
        call = CallPage.objects.child_of(index).filter(slug=spec["slug"]).first()
        if call is None:
            call = CallPage(slug=spec["slug"], **spec["fields"], **spec["zh"])
            call.themes.set([themes[code] for code in spec["themes"]])
            call.streets.set([streets[code] for code in spec["streets"]])
            index.add_child(instance=call)  # full_clean: CallPage.clean checks money, dates, rubric
            call.save_revision().publish()
            created += 1
        created += _translate(call, english, spec["en"], spec["slug"])
        calls[spec["slug"]] = call
    return calls, created


# -- people and organisations ----------------------------------------------------------------

DEMO_APPLICANT = "applicant@seedbed.test"
STAFF_EMAIL = "staff@seedbed.test"

APPLICANTS = [
    # email, name (the demo applicant itself comes from demo.people)
    ("linli@seedbed.test", "黄秀英（邻里守望志愿服务协会）"),
    ("yinfa@seedbed.test", "周桂兰（“银发伙伴”志愿服务队）"),
    ("lehe@seedbed.test", "吴磊（乐和公益基金会）"),
    ("qingmiao@seedbed.test", "邓佳（青苗儿童成长服务中心）"),
    ("leling@seedbed.test", "彭建华（乐龄文体协会）"),
    ("beidou@seedbed.test", "蹇志强（北斗村股份经济合作联合社）"),
]


def uscc(first17):
    """A valid Unified Social Credit Code from its first seventeen characters."""
    return first17 + check_character(first17)


ORGANISATIONS = [
    {
        "admin": DEMO_APPLICANT, "members": [], "decision": "verify",
        "fields": {
            "name_zh": "重庆市南岸区南坪街道阳光社工服务中心",
            "name_en": "Nanping Sunshine Social Work Service Centre, Nan'an, Chongqing",
            "kind": Organisation.Kind.SOCIAL_SERVICE, "uscc": uscc("52500108MJP581736"),
            "registration_authority": "重庆市南岸区民政局", "founded_on": "2016-05-18",
            "address": "重庆市南岸区南坪街道阳光社区南城大道 199 号（演示地址）",
            "street": "500108003", "community": "500108003002",
            "contact_name": "张晓", "contact_phone": "023-6280 1101", "contact_email": "sunshine@seedbed.test",
            "introduction": "扎根南坪街道的专业社工机构，现有持证社工 14 人，长期承接社区为老服务、困境儿童关爱和社区议事协商项目。",
        },
    },
    {
        "admin": "linli@seedbed.test", "members": [DEMO_APPLICANT], "decision": "verify",
        "fields": {
            "name_zh": "重庆市南岸区邻里守望志愿服务协会",
            "name_en": "Nan'an Neighbourhood Watch Volunteer Association",
            "kind": Organisation.Kind.SOCIAL_GROUP, "uscc": uscc("51500108MJP326410"),
            "registration_authority": "重庆市南岸区民政局", "founded_on": "2018-03-05",
            "address": "重庆市南岸区花园路街道南湖社区南湖路 36 号（演示地址）",
            "street": "500108002", "community": "500108002001",
            "contact_name": "黄秀英", "contact_phone": "023-6296 3302", "contact_email": "linli@seedbed.test",
            "introduction": "由花园路街道退休党员和居民骨干发起，登记志愿者 600 余人，开展独居老人探访、楼栋互助和小区停车、环境等议事协商。",
        },
    },
    {
        "admin": "yinfa@seedbed.test", "members": [], "decision": "verify",
        "fields": {
            "name_zh": "南坪镇白鹤苑社区“银发伙伴”志愿服务队",
            "name_en": "Baiheyuan Community “Silver Partners” Volunteer Team",
            "kind": Organisation.Kind.COMMUNITY_GROUP, "uscc": None,
            "filing_number": "南岸南坪镇社备〔2023〕第017号",
            "registration_authority": "南岸区南坪镇人民政府", "founded_on": "2023-04-12",
            "address": "重庆市南岸区南坪镇白鹤苑社区服务中心二楼（演示地址）",
            "street": "500108101", "community": "500108101002",
            "contact_name": "周桂兰", "contact_phone": "138 8312 0417", "contact_email": "yinfa@seedbed.test",
            "introduction": "社区低龄老人组成的互助队伍，队员 45 人，“以老助老”开展楼道清洁、代购代办和节日慰问。",
        },
    },
    {
        "admin": "lehe@seedbed.test", "members": [], "decision": "verify",
        "fields": {
            "name_zh": "重庆市南岸区乐和公益基金会",
            "name_en": "Nan'an Lehe Charitable Foundation",
            "kind": Organisation.Kind.FOUNDATION, "uscc": uscc("53500108MJP709251"),
            "registration_authority": "重庆市南岸区民政局", "founded_on": "2019-09-09",
            "address": "重庆市南岸区弹子石街道腾龙大道 56 号（演示地址）",
            "street": "500108006", "community": "500108006002",
            "contact_name": "吴磊", "contact_phone": "023-6238 5005", "contact_email": "lehe@seedbed.test",
            "introduction": "区内企业家发起的非公募基金会，运营社区基金，资助和陪伴社区社会组织成长。",
        },
    },
    {
        "admin": "beidou@seedbed.test", "members": [], "decision": "verify",
        "fields": {
            # Registered by the agriculture department: letters among the first eight characters.
            "name_zh": "重庆市南岸区迎龙镇北斗村股份经济合作联合社",
            "name_en": "Beidou Village Joint Economic Cooperative, Yinglong Town",
            "kind": Organisation.Kind.OTHER, "uscc": uscc("N2500108MF4Y7K2L8"),
            "registration_authority": "重庆市南岸区农业农村委员会", "founded_on": "2020-11-20",
            "address": "重庆市南岸区迎龙镇北斗村村委会（演示地址）",
            "street": "500108107", "community": "500108107201",
            "contact_name": "蹇志强", "contact_phone": "023-6246 7120", "contact_email": "beidou@seedbed.test",
            "introduction": "北斗村集体经济组织，联合村民开展人居环境整治和乡村文化活动。",
        },
    },
    {
        "admin": "qingmiao@seedbed.test", "members": [], "decision": None,  # awaits verification
        "fields": {
            "name_zh": "重庆市南岸区弹子石街道青苗儿童成长服务中心",
            "name_en": "Danzishi Young Sprouts Children's Development Centre",
            "kind": Organisation.Kind.SOCIAL_SERVICE, "uscc": uscc("52500108MJP940287"),
            "registration_authority": "重庆市南岸区民政局", "founded_on": "2025-07-01",
            "address": "重庆市南岸区弹子石街道王家沱社区（演示地址）",
            "street": "500108006", "community": "500108006004",
            "contact_name": "邓佳", "contact_phone": "023-6231 8808", "contact_email": "qingmiao@seedbed.test",
            "introduction": "为双职工家庭和困境儿童提供课后陪伴、阅读和心理支持服务。",
        },
    },
    {
        "admin": "leling@seedbed.test", "members": [], "decision": "reject",
        "reason": "上传的登记证书照片不清晰，且填写的统一社会信用代码与证书上的不一致。请核对代码并重新上传清晰的登记证书后再提交认证。",
        "fields": {
            "name_zh": "重庆市南岸区海棠溪街道乐龄文体协会",
            "name_en": "Haitangxi Active Ageing Culture and Sports Association",
            "kind": Organisation.Kind.SOCIAL_GROUP, "uscc": uscc("51500108MJP153638"),
            "registration_authority": "重庆市南岸区民政局", "founded_on": "2021-10-15",
            "address": "重庆市南岸区海棠溪街道敦厚街社区（演示地址）",
            "street": "500108004", "community": "500108004002",
            "contact_name": "彭建华", "contact_phone": "139 0836 2251", "contact_email": "leling@seedbed.test",
            "introduction": "组织社区老年人开展合唱、太极、广场舞和棋类活动。",
        },
    },
]


@transaction.atomic
def ensure_applicants():
    """Verified applicant accounts that administer the demo organisations; returns those created."""
    created = []
    for email, name in APPLICANTS:
        user, was_created = User.objects.get_or_create(
            email=email, defaults={"name": name, "language": "zh-hans"})
        if was_created:
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
            created.append(user)
        EmailAddress.objects.get_or_create(
            user=user, email=email, defaults={"verified": True, "primary": True})
    return created


def _find_organisation(fields):
    if fields.get("uscc"):
        return Organisation.objects.filter(uscc=fields["uscc"]).first()
    return Organisation.objects.filter(filing_number=fields["filing_number"]).first()


@transaction.atomic
def ensure_organisations():
    """Register, verify or reject the demo organisations through the services; returns
    ({Chinese name: organisation}, number created)."""
    staff = User.objects.get(email=STAFF_EMAIL)
    streets = {street.code: street for street in Street.objects.all()}
    communities = {community.code: community for community in Community.objects.all()}
    organisations, created = {}, 0
    for spec in ORGANISATIONS:
        fields = dict(spec["fields"])
        organisation = _find_organisation(fields)
        if organisation is None:
            fields["street"] = streets[fields["street"]]
            fields["community"] = communities[fields["community"]]
            fields["founded_on"] = datetime.strptime(fields["founded_on"], "%Y-%m-%d").date()
            admin = User.objects.get(email=spec["admin"])
            organisation = register_organisation(Organisation(**fields), admin)
            if spec["decision"] == "verify":
                organisation = verify_organisation(organisation, staff)
            elif spec["decision"] == "reject":
                organisation = reject_organisation(organisation, staff, spec["reason"])
            created += 1
        for email in spec["members"]:
            user = User.objects.get(email=email)
            if not organisation.memberships.filter(user=user).exists():
                inviter = organisation.memberships.filter(role=Membership.Role.ADMIN).first().user
                accept_invitation(invitation_token(organisation, email, inviter), user)
        organisations[organisation.name_zh] = organisation
    return organisations, created


# -- proposals -------------------------------------------------------------------------------

SUNSHINE = "重庆市南岸区南坪街道阳光社工服务中心"
NEIGHBOURS = "重庆市南岸区邻里守望志愿服务协会"
SILVER = "南坪镇白鹤苑社区“银发伙伴”志愿服务队"
LEHE = "重庆市南岸区乐和公益基金会"
BEIDOU = "重庆市南岸区迎龙镇北斗村股份经济合作联合社"

C = BudgetLine.Category
K = Indicator.Kind

# In the order they were made, so reference numbers rise with the submission dates.
# `submitted`: days before today it was submitted (None: still a draft).
PROPOSALS = [
    {
        "call": "five-forces-community-services", "organisation": BEIDOU, "user": "beidou@seedbed.test",
        "submitted": 108,
        "title": "迎龙镇北斗村“清洁家园”人居环境整治项目",
        "summary": "组织村民志愿者和留守老人参与院坝清洁、垃圾分类和房前屋后绿化，建立“积分换物”激励机制，改善北斗村人居环境。",
        "communities": ["500108107201"], "themes": ["environment", "neighbours"],
        "months": 8, "cofunding": Decimal("3400.00"),
        "budget": [
            (C.PERSONNEL, "项目专职人员补贴", "8", "月", "2500.00"),
            (C.ACTIVITIES, "院坝清洁与绿化活动", "24", "场", "600.00"),
            (C.MATERIALS, "分类垃圾桶及清洁工具", "120", "套", "150.00"),
            (C.MATERIALS, "“积分超市”兑换物资", "1", "批", "8600.00"),
            (C.PUBLICITY, "宣传展板及村规民约印制", "1", "批", "2400.00"),
        ],
        "indicators": [(K.BENEFICIARIES, "", "", "1200"), (K.ACTIVITIES, "", "", "24"),
                       (K.VOLUNTEERS, "", "", "50")],
        "answers": {
            "linkage_need": "北斗村常住人口约 1,100 人，六成以上为老年人，院坝垃圾堆放和污水问题突出，村民多次在院坝会上提出。",
            "linkage_forces": ["社区", "社区志愿者", "社会慈善资源"],
            "linkage_people": "1200",
        },
    },
    {
        "call": "five-forces-community-services", "organisation": SUNSHINE, "user": DEMO_APPLICANT,
        "submitted": 104,
        "title": "南坪街道困境儿童“护苗”关爱服务项目",
        "summary": "为南坪街道 60 名困境儿童提供一对一社工个案、课业辅导和家庭探访，链接学校、社区和爱心企业资源，织密困境儿童保护网。",
        "communities": ["500108003001", "500108003002"], "themes": ["youth"],
        "months": 9, "cofunding": Decimal("5000.00"),
        "budget": [
            (C.PERSONNEL, "项目社工补贴", "9", "月", "4000.00"),
            (C.ACTIVITIES, "课业辅导及成长小组", "36", "次", "500.00"),
            (C.ACTIVITIES, "家庭探访交通补贴", "240", "次", "30.00"),
            (C.MATERIALS, "学习用品及爱心包", "60", "份", "200.00"),
            (C.TRAINING, "志愿者培训", "3", "场", "1200.00"),
            (C.ADMINISTRATION, "项目管理费", "1", "项", "3200.00"),
        ],
        "indicators": [(K.BENEFICIARIES, "", "", "60"), (K.ACTIVITIES, "", "", "36"),
                       (K.CUSTOM, "个案服务档案", "份", "60")],
        "answers": {
            "linkage_need": "街道摸排困境儿童 63 名，其中事实无人抚养儿童 9 名，课业和心理支持需求突出。",
            "linkage_forces": LINKAGE_FORCES,
            "linkage_people": "2400",
        },
    },
    {
        "call": "five-forces-community-services", "organisation": NEIGHBOURS, "user": "linli@seedbed.test",
        "submitted": 101,
        "title": "花园路街道独居老人“一键呼”应急援助项目",
        "summary": "为 150 户独居高龄老人安装一键呼叫设备，组建“楼栋守望员”队伍，15 分钟内上门响应，并每周电话问候。",
        "communities": ["500108002001", "500108002003"], "themes": ["elderly", "neighbours"],
        "months": 9, "cofunding": Decimal("6000.00"),
        "budget": [
            (C.MATERIALS, "一键呼叫设备", "150", "台", "260.00"),
            (C.ACTIVITIES, "呼叫平台服务费", "9", "月", "1500.00"),
            (C.PERSONNEL, "项目协调员补贴", "9", "月", "3000.00"),
            (C.TRAINING, "楼栋守望员应急培训", "4", "场", "1800.00"),
            (C.PUBLICITY, "服务卡及宣传册", "1", "批", "2300.00"),
        ],
        "indicators": [(K.BENEFICIARIES, "", "", "150"), (K.VOLUNTEERS, "", "", "80"),
                       (K.SATISFACTION, "", "", "95")],
        "answers": {
            "linkage_need": "辖区 80 岁以上独居老人 212 名，近两年发生多起老人在家跌倒无人知晓的情况。",
            "linkage_forces": ["社区", "社会组织", "社区志愿者"],
            "linkage_people": "3600",
        },
    },
    {
        "call": "community-governance-innovation", "organisation": SUNSHINE, "user": DEMO_APPLICANT,
        "submitted": 9,
        "title": "南坪街道“银龄互助”老年人居家关爱项目",
        "summary": "以“低龄助高龄”为核心，在阳光、东路两个社区培育 60 名银龄志愿者，为 200 名高龄、独居老人提供定期探访、助餐代办和健康监测服务。",
        "communities": ["500108003002", "500108003003"], "themes": ["elderly", "neighbours"],
        "months": 12, "cofunding": Decimal("12000.00"),
        "budget": [
            (C.PERSONNEL, "项目社工补贴", "12", "月", "4000.00"),
            (C.ACTIVITIES, "入户探访及助餐代办", "96", "次", "300.00"),
            (C.MATERIALS, "助老服务包", "200", "份", "120.00"),
            (C.TRAINING, "银龄志愿者培训", "6", "场", "1500.00"),
            (C.PUBLICITY, "宣传品制作", "1", "批", "4200.00"),
            (C.ADMINISTRATION, "项目管理费", "1", "项", "6000.00"),
        ],
        "indicators": [(K.BENEFICIARIES, "", "", "3000"), (K.ACTIVITIES, "", "", "96"),
                       (K.VOLUNTEERS, "", "", "60"), (K.SATISFACTION, "", "", "90")],
        "answers": {
            "lead": "张晓，中心主任，023-6280 1101",
            "need": "两个社区 60 岁以上老人 4,300 余名，其中 80 岁以上独居老人 186 名。2025 年入户走访显示，七成独居老人希望有人定期上门，助餐和就医陪同需求最突出。",
            "plan": "第 1–2 月招募培训银龄志愿者并结对；第 3–11 月每周探访、每月一次集体活动；第 12 月评估总结。",
            "people": "200",
            "kind": "延续项目",
            "partners": ["社区居委会", "志愿者队伍", "驻区单位"],
        },
    },
    {
        "call": "community-governance-innovation", "organisation": NEIGHBOURS, "user": "linli@seedbed.test",
        "submitted": 6,
        "title": "花园路街道小区停车管理方案",
        "summary": "在南湖、骑龙两个无物业老旧小区，通过居民议事会协商停车规则，规划错时共享车位并培训停车引导志愿者，缓解停车难和消防通道占用问题。",
        "communities": ["500108002001", "500108002002"], "themes": ["governance"],
        "months": 10, "cofunding": Decimal("9000.00"),
        "budget": [
            (C.PERSONNEL, "项目协调员补贴", "10", "月", "3500.00"),
            (C.ACTIVITIES, "居民议事会", "20", "场", "800.00"),
            (C.ACTIVITIES, "停车需求调查", "1", "项", "8000.00"),
            (C.MATERIALS, "停车标识及划线", "1", "批", "18000.00"),
            (C.TRAINING, "停车引导志愿者培训", "4", "场", "1500.00"),
            (C.PUBLICITY, "公约印制及宣传", "1", "批", "2000.00"),
            (C.ADMINISTRATION, "项目管理费", "1", "项", "5000.00"),
        ],
        "indicators": [(K.ACTIVITIES, "", "", "20"), (K.VOLUNTEERS, "", "", "30"),
                       (K.CUSTOM, "新增错时共享车位", "个", "120")],
        "answers": {
            "lead": "黄秀英，协会会长，023-6296 3302",
            "need": "两个小区共 1,460 户、机动车 900 余辆，车位不足 300 个，消防通道常年被占，2025 年因停车引发的投诉 70 余起。",
            "plan": "先调查车位和需求，再由居民议事会分楼栋协商停车公约，与周边商场和单位签订错时共享协议，最后由志愿者引导执行。",
            "people": "4200",
            "kind": "新项目",
            "partners": ["社区居委会", "驻区单位", "志愿者队伍"],
            "kickoff": (_day(62)).isoformat(),
        },
    },
    {
        "call": "small-community-projects", "organisation": SILVER, "user": "yinfa@seedbed.test",
        "submitted": 4,
        "title": "白鹤苑社区楼道“微更新”邻里共建项目",
        "summary": "发动居民清理 12 个单元楼道的堆积杂物，共同粉刷、安装扶手和感应灯，并制定楼道公约。",
        "communities": ["500108101002"], "themes": ["neighbours", "environment"],
        "months": 4, "cofunding": Decimal("0.00"),
        "budget": [
            (C.MATERIALS, "涂料及粉刷工具", "12", "单元", "600.00"),
            (C.MATERIALS, "楼道扶手", "24", "段", "250.00"),
            (C.MATERIALS, "感应灯", "60", "个", "45.00"),
            (C.ACTIVITIES, "楼栋议事及共建活动", "8", "场", "300.00"),
            (C.PUBLICITY, "楼道公约印制", "1", "批", "500.00"),
        ],
        "indicators": [(K.BENEFICIARIES, "", "", "380"), (K.VOLUNTEERS, "", "", "45")],
        "answers": {
            "small_what": "老旧楼道杂物堆积、照明损坏，老人夜间上下楼多次摔倒。",
            "small_residents": "120",
            "small_place": "白鹤苑小区 3、5、7 栋",
        },
    },
    {
        "call": "small-community-projects", "organisation": SUNSHINE, "user": DEMO_APPLICANT,
        "submitted": 2,
        "title": "阳光社区“院坝议事厅”居民协商微项目",
        "summary": "在阳光社区三个院落设立“院坝议事厅”，每月由居民提出并协商解决一件身边小事，培育 10 名居民议事骨干。",
        "communities": ["500108003002"], "themes": ["governance"],
        "months": 5, "cofunding": Decimal("0.00"),
        "budget": [
            (C.ACTIVITIES, "院坝议事会", "15", "场", "400.00"),
            (C.TRAINING, "议事骨干培训", "3", "场", "800.00"),
            (C.MATERIALS, "议事厅桌椅及展板", "3", "套", "1200.00"),
            (C.PUBLICITY, "议事成果公示", "1", "批", "600.00"),
        ],
        "indicators": [(K.ACTIVITIES, "", "", "15"), (K.CUSTOM, "协商解决的小事", "件", "15")],
        "answers": {
            "small_what": "院落里晾晒、绿化、宠物等小矛盾多，居民缺少固定的商量渠道。",
            "small_residents": "300",
            "small_place": "阳光社区南城院落、电力院落、供销院落",
        },
    },
    # Drafts of the demo applicant: one nearly complete, one just started.
    {
        "call": "community-governance-innovation", "organisation": SUNSHINE, "user": DEMO_APPLICANT,
        "submitted": None,
        "title": "南坪街道阳光社区“四点半课堂”儿童托管项目",
        "summary": "为双职工家庭的小学生提供放学后课业辅导、阅读和安全教育。",
        "communities": ["500108003002"], "themes": ["youth"],
        "months": 10, "cofunding": Decimal("8000.00"),
        "budget": [
            (C.PERSONNEL, "辅导老师补贴", "10", "月", "3000.00"),
            (C.MATERIALS, "图书及学习用品", "1", "批", "6000.00"),
        ],
        "indicators": [],
        "answers": {"lead": "张晓，中心主任，023-6280 1101", "kind": "新项目"},
    },
    {
        "call": "small-community-projects", "organisation": NEIGHBOURS, "user": DEMO_APPLICANT,
        "submitted": None,
        "title": "骑龙社区“共享工具箱”邻里互助微项目",
        "summary": "",
        "communities": [], "themes": ["neighbours"],
        "months": None, "cofunding": Decimal("0.00"),
        "budget": [], "indicators": [], "answers": {},
    },
]


def _backdate(proposal, created_at, submitted_at=None):
    """Demo history: move the proposal's creation (and submission) back in time, with the
    audit entries that recorded them."""
    updated_at = submitted_at or created_at
    Proposal.objects.filter(pk=proposal.pk).update(created_at=created_at, updated_at=updated_at)
    entries = ModelLogEntry.objects.for_instance(proposal)
    entries.exclude(action="seedbed.proposal.submitted").update(timestamp=created_at)
    if submitted_at:
        entries.filter(action="seedbed.proposal.submitted").update(timestamp=submitted_at)


def _make_proposal(spec, call, organisation, user):
    started = timezone.now() - timedelta(days=(spec["submitted"] or 0) + 3)
    if call.status == CallPage.Status.OPEN:
        proposal = start_proposal(call, organisation, user)
    else:
        # A proposal to a call that has since closed: start_proposal refuses closed calls, so the
        # draft is made here; it is still submitted through the service, as of a moment the call
        # was open.
        started = max(started, call.opens_at + timedelta(days=1))
        proposal = Proposal.objects.create(
            call=call, organisation=organisation, created_by=user, street=organisation.street)
        log(proposal, "seedbed.proposal.created", user=user)

    # Filling in the draft (what the editor's forms do).
    proposal.title = spec["title"]
    proposal.summary = spec["summary"]
    proposal.street = organisation.street
    if spec["months"]:
        proposal.starts_on = call.project_start + timedelta(days=14)
        proposal.ends_on = min(proposal.starts_on + timedelta(days=30 * spec["months"] - 1), call.project_end)
    lines = [BudgetLine(proposal=proposal, category=category, item=item, quantity=Decimal(quantity),
                        unit=unit, unit_price=Decimal(price), position=position)
             for position, (category, item, quantity, unit, price) in enumerate(spec["budget"])]
    if lines:
        proposal.cofunding_amount = spec["cofunding"]
        proposal.requested_amount = sum((line.subtotal for line in lines), Decimal(0)) - spec["cofunding"]
    proposal.answers = {Q[key]: answer for key, answer in spec["answers"].items()}
    proposal.save()
    BudgetLine.objects.bulk_create(lines)
    Indicator.objects.bulk_create(
        Indicator(proposal=proposal, kind=kind, name=name, unit=unit, target=Decimal(target), position=position)
        for position, (kind, name, unit, target) in enumerate(spec["indicators"]))
    proposal.communities.set(Community.objects.filter(code__in=spec["communities"]))
    proposal.themes.set(Theme.objects.filter(code__in=spec["themes"]))
    log(proposal, "seedbed.proposal.saved", user=user)

    if spec["submitted"] is None:
        _backdate(proposal, started)
        return proposal
    moment = timezone.now() - timedelta(days=spec["submitted"], hours=3)
    if call.status_at(moment) != CallPage.Status.OPEN:  # keep inside the call's window
        moment = min(max(moment, call.opens_at + timedelta(days=2)), call.closes_at - timedelta(hours=1))
    started = min(started, moment - timedelta(days=1))
    proposal = submit_proposal(proposal, user, moment=moment)
    _backdate(proposal, started, moment)
    return proposal


@transaction.atomic
def ensure_proposals(calls, organisations):
    """The demo proposals, submitted through the services; returns the number created."""
    created = 0
    for spec in PROPOSALS:
        call = calls[spec["call"]]
        organisation = organisations[spec["organisation"]]
        if Proposal.objects.filter(call=call, organisation=organisation, title=spec["title"]).exists():
            continue
        _make_proposal(spec, call, organisation, User.objects.get(email=spec["user"]))
        created += 1
    return created


# -- all of it -------------------------------------------------------------------------------

def ensure_demo_grants():
    """Themes, calls, applicants, organisations and proposals; returns what was created, by kind.

    Needs the places and the demo users (staff@ and applicant@) to exist already.
    """
    with transaction.atomic():
        themes = ensure_themes()
        calls, pages = ensure_calls()
        applicants = ensure_applicants()
        organisations, registered = ensure_organisations()
        proposals = ensure_proposals(calls, organisations)
    return {"themes": themes, "pages": pages, "applicants": len(applicants),
            "organisations": registered, "proposals": proposals}
