"""Demo proposals to this year's calls, started and submitted through the grants services (so
reference numbers and audit entries exist), each then dated back to when it was made.

The first are made with this year's calls; two more, submitted in the last two days, with the
review demo (demo/review.py), so that reference numbers still rise with the dates.
"""

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone
from wagtail.log_actions import log
from wagtail.models import ModelLogEntry

from demo.calls import GOVERNANCE, LINKAGE, LINKAGE_FORCES, SMALL, Q
from demo.history import day
from demo.organisations import BEIDOU, LEHE, NEIGHBOURS, SILVER, SUNSHINE
from demo.people import DEMO_APPLICANT
from grants.calls.models import CallPage, Theme
from grants.proposals.models import BudgetLine, Indicator, Proposal, budget_total
from grants.proposals.services import start_proposal, submit_proposal
from incubator.places.models import Community

C = BudgetLine.Category
K = Indicator.Kind

# In the order they were made, so reference numbers rise with the submission dates.
# `submitted`: days before today it was submitted (None: still a draft).
PROPOSALS = [
    {
        "call": LINKAGE, "organisation": BEIDOU, "user": "beidou@seedbed.test",
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
        "call": LINKAGE, "organisation": SUNSHINE, "user": DEMO_APPLICANT,
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
        "call": LINKAGE, "organisation": NEIGHBOURS, "user": "linli@seedbed.test",
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
        "call": GOVERNANCE, "organisation": SUNSHINE, "user": DEMO_APPLICANT,
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
        "call": GOVERNANCE, "organisation": NEIGHBOURS, "user": "linli@seedbed.test",
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
            "kickoff": (day(62)).isoformat(),
        },
    },
    {
        "call": SMALL, "organisation": SILVER, "user": "yinfa@seedbed.test",
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
        "call": SMALL, "organisation": SUNSHINE, "user": DEMO_APPLICANT,
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
    # Drafts of the demo applicant: one nearly complete, one just started. Both under the small
    # projects call, which sets no limit per organisation (the governance call allows one, and
    # the centre already has one there).
    {
        "call": SMALL, "organisation": SUNSHINE, "user": DEMO_APPLICANT,
        "submitted": None,
        "title": "南坪街道阳光社区“四点半课堂”儿童托管项目",
        "summary": "为双职工家庭的小学生提供放学后课业辅导、阅读和安全教育。",
        "communities": ["500108003002"], "themes": ["youth"],
        "months": 6, "cofunding": Decimal("2000.00"),
        "budget": [
            (C.PERSONNEL, "辅导老师补贴", "6", "月", "1500.00"),
            (C.MATERIALS, "图书及学习用品", "1", "批", "5000.00"),
        ],
        "indicators": [],
        "answers": {"lead": "张晓，中心主任，023-6280 1101", "kind": "新项目"},
    },
    {
        "call": SMALL, "organisation": NEIGHBOURS, "user": DEMO_APPLICANT,
        "submitted": None,
        "title": "骑龙社区“共享工具箱”邻里互助微项目",
        "summary": "",
        "communities": [], "themes": ["neighbours"],
        "months": None, "cofunding": Decimal("0.00"),
        "budget": [], "indicators": [], "answers": {},
    },
]


# Two more submissions, made with the review demo.
EXTRA_PROPOSALS = [
    {
        "call": GOVERNANCE, "organisation": LEHE, "user": "lehe@seedbed.test",
        "submitted": 1,
        "title": "弹子石街道王家沱社区“社区基金”微治理项目",
        "summary": "依托社区基金，每季度由居民提出身边的小事提案，经居民评审会投票后资助居民自组织实施，培育社区自治骨干。",
        "communities": ["500108006004"], "themes": ["governance", "neighbours"],
        "months": 12, "cofunding": Decimal("20000.00"),
        "budget": [
            (C.PERSONNEL, "社区基金专员补贴", "12", "月", "3500.00"),
            (C.ACTIVITIES, "居民提案评审会", "6", "场", "1500.00"),
            (C.ACTIVITIES, "居民微治理项目资助", "10", "个", "5000.00"),
            (C.TRAINING, "居民骨干能力培训", "4", "场", "2000.00"),
            (C.PUBLICITY, "社区基金年报及公示", "1", "批", "3000.00"),
            (C.ADMINISTRATION, "项目管理费", "1", "项", "6000.00"),
        ],
        "indicators": [(K.ACTIVITIES, "", "", "6"), (K.CUSTOM, "资助的居民微治理项目", "个", "10"),
                       (K.VOLUNTEERS, "", "", "40")],
        "answers": {
            "lead": "吴磊，基金会秘书长，023-6238 5005",
            "need": "王家沱社区是开埠老街区，老年人口占 34%，居民反映的路灯、扶手、公共晾晒等小事多，但社区缺少可以快速回应的小额资金。",
            "plan": "第 1 月建立社区基金管理委员会；每季度征集居民提案并召开评审会；资助项目由居民自组织实施，基金会全程陪伴；第 12 月出具年报。",
            "people": "2600",
            "kind": "延续项目",
            "partners": ["社区居委会", "驻区单位"],
        },
    },
    {
        "call": SMALL, "organisation": NEIGHBOURS, "user": "linli@seedbed.test",
        "submitted": 0,
        "title": "南湖社区“爱心理发角”为老服务微项目",
        "summary": "招募退休理发师和青年志愿者，每月两次在南湖社区院坝为 80 岁以上和行动不便的老人免费理发，并为卧床老人上门服务。",
        "communities": ["500108002001"], "themes": ["elderly", "neighbours"],
        "months": 5, "cofunding": Decimal("0.00"),
        "budget": [
            (C.MATERIALS, "理发工具及消毒用品", "4", "套", "800.00"),
            (C.ACTIVITIES, "院坝理发活动", "12", "场", "300.00"),
            (C.TRAINING, "志愿者理发及安全培训", "2", "场", "600.00"),
            (C.PUBLICITY, "服务公告及宣传", "1", "批", "500.00"),
        ],
        "indicators": [(K.BENEFICIARIES, "", "", "600"), (K.VOLUNTEERS, "", "", "12")],
        "answers": {
            "small_what": "小区高龄老人多，行动不便的老人下楼去理发店困难，卧床老人理发只能靠家人。",
            "small_residents": "30",
            "small_place": "南湖社区南湖路院坝及各楼栋",
        },
    },
]


# -- making them -----------------------------------------------------------------------------

def _backdate(proposal, created_at, submitted_at=None):
    """Demo history: move the proposal's creation (and submission) back in time, with the
    audit entries that recorded them."""
    updated_at = submitted_at or created_at
    Proposal.objects.filter(pk=proposal.pk).update(created_at=created_at, updated_at=updated_at)
    entries = ModelLogEntry.objects.for_instance(proposal)
    entries.exclude(action="seedbed.proposal.submitted").update(timestamp=created_at)
    if submitted_at:
        entries.filter(action="seedbed.proposal.submitted").update(timestamp=submitted_at)


def make_proposal(spec, call, organisation, user):
    """`spec`'s proposal: started, filled in and (unless `spec["submitted"]` is None) submitted
    by `user` through the services, as of the days before today the spec says."""
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
        proposal.requested_amount = budget_total(lines) - spec["cofunding"]
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


def ensure_proposal(spec, call, organisation, user):
    """`spec`'s proposal, made by `user` unless the organisation has one of that title in the
    call; returns 1 if it was made now."""
    if Proposal.objects.filter(call=call, organisation=organisation, title=spec["title"]).exists():
        return 0
    make_proposal(spec, call, organisation, user)
    return 1
