"""Demo calls: the themes, the call index, this year's four calls and last year's, in Chinese
with English translations.

Dates are relative to now, so a freshly seeded site always has an open, an upcoming and a
closed call, and last year's call closed long ago.
"""

from datetime import timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from wagtail.models import Locale

from cms.bootstrap import ensure_site
from demo.history import at, day
from demo.site import ensure_single_page, translate
from grants.calls.models import CallIndexPage, CallPage, Theme
from incubator.organisations.models import Organisation
from incubator.places.models import Street

GOVERNANCE = "community-governance-innovation"
SMALL = "small-community-projects"
MORAL = "moral-education-venture"
LINKAGE = "five-forces-community-services"
PAST_SLUG = "community-governance-innovation-{year}"

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


def _p(*paragraphs):
    return "".join(f"<p>{p}</p>" for p in paragraphs)


def _section(heading, *paragraphs):
    return f"<h2>{heading}</h2>" + _p(*paragraphs)


# -- the call index and this year's calls ----------------------------------------------------

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
    governance_open, governance_close = at(-20, 9), at(30, 17, 30)
    governance_start = day(60)
    small_open, small_close = at(-12, 9), at(21, 17, 30)
    small_start = day(40)
    moral_open, moral_close = at(10, 9), at(55, 17, 30)
    moral_start = day(90)
    linkage_open, linkage_close = at(-160, 9), at(-100, 17, 30)
    linkage_start = day(-80)

    def year(moment):
        return timezone.localtime(moment).year

    return [
        {
            "slug": GOVERNANCE,
            "status": CallPage.Status.OPEN,
            "fields": {
                "total_budget": Decimal("2000000.00"), "min_grant": Decimal("50000.00"),
                "max_grant": Decimal("150000.00"), "cofunding_share": Decimal("10.00"),
                "opens_at": governance_open, "closes_at": governance_close,
                "project_start": governance_start, "project_end": governance_start + timedelta(days=364),
                "eligible_kinds": [Organisation.Kind.SOCIAL_GROUP, Organisation.Kind.SOCIAL_SERVICE,
                                   Organisation.Kind.FOUNDATION, Organisation.Kind.COMMUNITY_GROUP],
                "verified_only": True, "reviewers_per_proposal": 3, "blind_review": False,
                "proposals_per_organisation": 1,  # the call text: 每个组织限报一个项目
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
            "slug": SMALL,
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
            "slug": MORAL,
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
            "slug": LINKAGE,
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


# -- last year's call ------------------------------------------------------------------------

ALL_STREETS = ["500108001", "500108002", "500108003", "500108004", "500108005", "500108006", "500108007",
               "500108008", "500108101", "500108102", "500108103", "500108105", "500108106", "500108107",
               "500108108"]


def past_year():
    """Last year's call is dated from today: it opened 470 days ago."""
    return timezone.localtime(at(-470, 9)).year


def _past_call_spec():
    year = past_year()
    return {
        "slug": PAST_SLUG.format(year=year),
        "fields": {
            "total_budget": Decimal("2600000.00"), "min_grant": Decimal("30000.00"),
            "max_grant": Decimal("120000.00"), "cofunding_share": Decimal("10.00"),
            "opens_at": at(-470, 9), "closes_at": at(-430, 17, 30),
            "project_start": day(-380), "project_end": day(-15),
            "eligible_kinds": [Organisation.Kind.SOCIAL_GROUP, Organisation.Kind.SOCIAL_SERVICE,
                               Organisation.Kind.FOUNDATION, Organisation.Kind.COMMUNITY_GROUP],
            "verified_only": True, "reviewers_per_proposal": 3, "blind_review": False,
            "proposals_per_organisation": 2,  # the call text: 每个组织限报两个项目
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


# -- making them -----------------------------------------------------------------------------

def ensure_call_index():
    """The call index under each language's home page; returns (zh index, pages created)."""
    english = Locale.objects.get(language_code="en")
    index, made, translated = ensure_single_page(CallIndexPage, CALL_INDEX, ensure_site(), english)
    return index, made + translated


def _publish_call(index, spec):
    """A new call from `spec` under the call index, published (in Chinese)."""
    themes = {theme.code: theme for theme in Theme.objects.all()}
    streets = {street.code: street for street in Street.objects.all()}
    call = CallPage(slug=spec["slug"], **spec["fields"], **spec["zh"])
    call.themes.set([themes[code] for code in spec["themes"]])
    call.streets.set([streets[code] for code in spec["streets"]])
    index.add_child(instance=call)  # full_clean: CallPage.clean checks money, dates, rubric
    call.save_revision().publish()
    return call


@transaction.atomic
def ensure_calls():
    """This year's calls, in Chinese and English; returns ({slug: zh call}, pages created)."""
    index, created = ensure_call_index()
    english = Locale.objects.get(language_code="en")
    calls = {}
    for spec in _call_specs():
        call = CallPage.objects.child_of(index).filter(slug=spec["slug"]).first()
        if call is None:
            call = _publish_call(index, spec)
            created += 1
        created += translate(call, english, spec["en"], spec["slug"])
        calls[spec["slug"]] = call
    return calls, created


def find_past_call():
    """Last year's call, wherever a previous run of the demo dated it."""
    default = Locale.get_default()
    calls = CallPage.objects.filter(locale=default, slug__startswith=PAST_SLUG.format(year=""))
    return calls.order_by("first_published_at", "pk").first()


@transaction.atomic
def ensure_past_call():
    """Last year's call in Chinese and English, placed under the call index; returns (call,
    pages created)."""
    index, created = ensure_call_index()
    spec = _past_call_spec()
    call = find_past_call()
    if call is None:
        call = _publish_call(index, spec)
        created += 1
    english = Locale.objects.get(language_code="en")
    if translate(call, english, spec["en"], call.slug):
        created += 1
        # Both languages were published a week before applications opened.
        opened = call.opens_at - timedelta(days=7)
        CallPage.objects.filter(translation_key=call.translation_key).update(
            first_published_at=opened, last_published_at=opened, latest_revision_created_at=opened)
    return CallPage.objects.get(pk=call.pk), created
