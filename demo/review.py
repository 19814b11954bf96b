"""Demo review data: screening, reviewer assignments, conflicts, scores and decisions, so the
demo shows a proposal in every state.

It runs after this year's proposals are made and moves the submitted ones on through the
review services (adding two more submissions first: demo.proposals.EXTRA_PROPOSALS), exactly as
staff and reviewers would: every step is checked by the state machine and audited (the emails
the services would send are not: seed_demo runs quiet). Each step is then dated back to when it
"happened", so the timeline reads naturally: the closed call was reviewed and decided months
ago, the open calls are being screened and reviewed now.

Last year's forty proposals (demo/past_proposals.py) are reviewed the same way by the funding
demo: `review_plans` scores them from each project's quality and a little noise.

Safe to run again: each step is taken only when the proposal, assignment or review has not got
there yet, so a second run finds nothing to do and adds nothing.

What it shows, by call:
- “五社联动” (closed): 护苗 approved (the demo applicant's), 一键呼 waitlisted, 清洁家园 rejected;
  three submitted reviews each, with comments shared with the applicant and internal ones.
- 社区治理创新 (open): 银龄互助 (the demo applicant's) sent back for more information;
  停车管理 in review with all three reviews in, and the reviewers disagreeing strongly;
  乐和 社区基金 screened out (a duplicate of a project already funded).
- 小事微项目 (open): 楼道微更新 in review with work in progress (one reviewer overdue, one
  conflict of interest declared, the replacement's review saved as a draft); 爱心理发角 being
  screened; 院坝议事厅 (the demo applicant's) submitted and untouched.
"""

import random
from datetime import timedelta
from decimal import Decimal

from django.db import transaction
from django.db.models import Count
from django.utils import timezone
from wagtail.models import Locale, ModelLogEntry

from demo.calls import GOVERNANCE, GOVERNANCE_RUBRIC, LINKAGE, SMALL
from demo.history import at, audited_at
from demo.past_proposals import proposal_specs
from demo.people import HE, LI, STAFF_EMAIL, SUN, ZHOU
from demo.proposals import EXTRA_PROPOSALS, ensure_proposal
from grants.calls.models import CallPage
from grants.proposals.models import Proposal
from grants.review.models import ConflictOfInterest, DeterminationTemplate, Review, ReviewAssignment
from grants.review.services import (
    REVIEW_DAYS,
    assign_reviewer,
    assignment_problem,
    begin_screening,
    declare_conflict,
    determine,
    pass_screening,
    save_review,
    screen_out,
)
from incubator.accounts import permissions
from incubator.accounts.models import User
from incubator.organisations.models import Organisation

S = Proposal.Status
O = DeterminationTemplate.Outcome
R = Review.Recommendation

# -- what happens to each proposal -----------------------------------------------------------
# A moment is (days from today, hour, minute) in Beijing time, or a timedelta after the previous
# step. Scores are listed in the order of the call's rubric; comments are keyed by the
# criterion's position: (text, shared with the applicant).

PLANS = [
    # The closed call: screened, reviewed and decided before the projects started (day -80).
    {
        "call": LINKAGE, "title": "南坪街道困境儿童“护苗”关爱服务项目", "target": S.APPROVED,
        "screening": (-99, 9, 30),
        "passed": ((-97, 15, 0), "资格审查通过：组织已认证，金额、配套资金和实施期均符合征集要求。"),
        "reviews": [
            {"reviewer": LI, "assigned": (-96, 10, 0), "days": 10, "opened": (-95, 20, 10),
             "done": (-93, 21, 40), "scores": [9, 9, 8, 8], "recommendation": R.FUND,
             "comments": {0: ("需求摸排扎实，63 名困境儿童逐一建档，服务内容与需求一一对应。", True),
                          1: ("学校、社区、社工和爱心企业分工清楚，五社联动机制完整。", True),
                          3: ("家庭探访交通补贴按 240 次计，建议核实实际探访频次。", False)},
             "comment": ("项目需求真实、设计完整，建议立项。", True)},
            {"reviewer": ZHOU, "assigned": (-96, 10, 5), "days": 10, "opened": (-94, 9, 15),
             "done": (-92, 16, 30), "scores": [9, 8, 9, 8], "recommendation": R.FUND,
             "comments": {0: ("个案管理框架规范，建议引入儿童保护风险评估工具，按风险等级确定探访频次。", True),
                          2: ("机构有 14 名持证社工和多年困境儿童服务经验，执行有保障。", False)},
             "comment": ("专业性强，是本批次最扎实的项目之一，建议评审会优先考虑。", False)},
            {"reviewer": HE, "assigned": (-96, 10, 10), "days": 10, "opened": (-95, 14, 0),
             "done": (-90, 22, 5), "scores": [8, 9, 9, 7], "recommendation": R.FUND_WITH_CHANGES,
             "comments": {2: ("60 例个案对两名社工来说负荷较重，请安排每月一次外部专业督导，防止社工耗竭。", True),
                          3: ("社工补贴占资助金额近一半，建议适当压缩，增加志愿者参与。", True),
                          1: ("志愿者培训只有 3 场，志愿者队伍的稳定性需要在中期检查时关注。", False)},
             "comment": ("同意资助，请项目方在签订协议前调整预算结构。", True)},
        ],
        "decision": ((-83, 16, 0),
                     ("经专家评审和中心评审会审议，同意按申报金额立项。请于收到通知后 10 个工作日内到中心签订资助协议；"
                      "专家建议项目启动前与辖区学校建立困境儿童信息共享和转介机制，并为社工安排定期督导。")),
    },
    {
        "call": LINKAGE, "title": "花园路街道独居老人“一键呼”应急援助项目", "target": S.WAITLISTED,
        "screening": (-99, 9, 40),
        "passed": ((-97, 15, 5), "资格审查通过。"),
        "reviews": [
            {"reviewer": ZHOU, "assigned": (-96, 10, 20), "days": 10, "opened": (-94, 9, 40),
             "done": (-91, 15, 0), "scores": [8, 7, 7, 7], "recommendation": R.FUND_WITH_CHANGES,
             "comments": {0: ("独居高龄老人的应急需求明确，有跌倒无人知晓的事例支撑。", True),
                          1: ("社工和慈善资源的参与较弱，主要靠志愿者。", True)}},
            {"reviewer": HE, "assigned": (-96, 10, 25), "days": 10, "opened": (-95, 14, 10),
             "done": (-89, 20, 30), "scores": [7, 8, 6, 7], "recommendation": R.FUND_WITH_CHANGES,
             "comments": {2: ("15 分钟上门的承诺对志愿者压力较大，请明确夜间响应的替补和转介 120 的流程。", True)},
             "comment": ("协会执行力强，但同期承接的项目较多，人手需要关注。", False)},
            {"reviewer": SUN, "assigned": (-96, 10, 30), "days": 10, "opened": (-96, 19, 0),
             "done": (-88, 10, 45), "scores": [7, 7, 6, 8], "recommendation": R.FUND,
             "comments": {3: ("设备单价 260 元合理；呼叫平台服务费请在协议中写明服务期限和数据归属。", True)}},
        ],
        "decision": ((-83, 16, 10),
                     ("项目得分位列候补第一。本批次资金已按得分顺序分配完毕，如有获资助项目放弃或产生结余资金，"
                      "将优先资助本项目，届时中心会另行通知。")),
    },
    {
        "call": LINKAGE, "title": "迎龙镇北斗村“清洁家园”人居环境整治项目", "target": S.REJECTED,
        "screening": (-99, 9, 20),
        "passed": ((-97, 14, 55), "资格审查通过：联合社属于其他类型组织，本批次不限组织类型。"),
        "reviews": [
            {"reviewer": LI, "assigned": (-96, 10, 40), "days": 10, "opened": (-95, 20, 30),
             "done": (-94, 21, 10), "scores": [6, 5, 7, 6], "recommendation": R.DO_NOT_FUND,
             "comments": {0: ("村民对环境整治确有需求，但与本批次服务困境老人、残疾人和困境儿童的重点关联不强。", True)},
             "comment": ("建议调整方向后申报乡村振兴或人居环境类项目。", True)},
            {"reviewer": ZHOU, "assigned": (-96, 10, 45), "days": 10, "opened": (-94, 10, 0),
             "done": (-91, 16, 20), "scores": [5, 4, 6, 5], "recommendation": R.DO_NOT_FUND,
             "comments": {1: ("五社联动中社会组织和社工的角色缺失，动员主要依靠村委会。", True),
                          0: ("留守老人参与清洁劳动，需考虑安全和劳动强度，申报书未提及。", False)}},
            {"reviewer": SUN, "assigned": (-96, 10, 50), "days": 10, "opened": (-96, 19, 10),
             "done": (-88, 11, 5), "scores": [6, 6, 5, 6], "recommendation": R.FUND_WITH_CHANGES,
             "comments": {3: ("“积分超市”兑换物资 8,600 元没有明细，采购和发放需要建立台账。", True)},
             "comment": ("预算基本可行，但物资管理制度需要补充。", False)},
        ],
        "decision": ((-83, 16, 20),
                     ("感谢贵社的申报。评审认为项目以人居环境整治为主，与本批次重点服务困境群体的方向契合度不高，"
                      "且缺少针对留守老人的具体服务内容。欢迎结合评审意见调整后申报今后的相关项目。")),
    },
    # The open governance call.
    {
        "call": GOVERNANCE, "title": "南坪街道“银龄互助”老年人居家关爱项目", "target": S.MORE_INFO,
        "screening": (-8, 10, 0),
        "decision": ((-7, 16, 30),
                     ("请补充以下材料后重新提交：\n"
                      "1. 两个社区现有银龄志愿者的人数和招募渠道（申报书只写了“培育 60 名”，未说明从哪里招募）；\n"
                      "2. 预算中“助老服务包”每份 120 元的物品清单；\n"
                      "3. 阳光社区、东路社区居委会出具的合作意向书（可在“项目实施方案”一题上传 PDF）；\n"
                      "4. 作为延续项目，请说明与上一期相比新增的服务内容和上一期的服务成效。")),
    },
    {
        "call": GOVERNANCE, "title": "花园路街道小区停车管理方案", "target": S.IN_REVIEW,
        "screening": (-5, 9, 0),
        "passed": ((-5, 14, 0), "资格审查通过，送专家评审。"),
        "reviews": [
            # The reviewers disagree strongly (84 against 45 points): the staff list flags it.
            {"reviewer": LI, "assigned": (-5, 15, 0), "opened": (-4, 20, 0),
             "done": (-3, 20, 30), "scores": [9, 8, 8, 9, 8], "recommendation": R.FUND,
             "comments": {0: ("停车矛盾是老旧小区最突出的问题之一，投诉和车位数据翔实。", True),
                          3: ("由居民议事会分楼栋协商停车公约，居民参与充分，可复制到其他无物业小区。", True)},
             "comment": ("示范意义强，建议资助。", True)},
            {"reviewer": ZHOU, "assigned": (-5, 15, 5), "opened": (-4, 9, 30),
             "done": (-2, 11, 0), "scores": [7, 6, 5, 8, 6], "recommendation": R.FUND_WITH_CHANGES,
             "comments": {1: ("错时共享车位需要周边商场和单位配合，目前没有合作意向书，可行性存疑。", True)},
             "comment": ("建议补充与商场、驻区单位的合作意向后再资助。", False)},
            {"reviewer": SUN, "assigned": (-5, 15, 10), "opened": (-3, 10, 0),
             "done": (-1, 16, 0), "scores": [5, 4, 3, 6, 5], "recommendation": R.DO_NOT_FUND,
             "comments": {2: ("“停车标识及划线”18,000 元没有报价依据；“停车需求调查”8,000 元偏高，可由志愿者完成。", True),
                          1: ("无物业小区施划车位涉及消防通道和规划审批，申报书没有说明如何办理。", True)},
             "comment": ("预算和合规风险较大，不建议本批次资助。", False)},
        ],
    },
    {
        "call": GOVERNANCE, "title": "弹子石街道王家沱社区“社区基金”微治理项目", "target": S.SCREENED_OUT,
        "screening": timedelta(hours=14),
        "decision": (timedelta(hours=2),
                     ("经核查，本项目的服务对象、活动内容和实施地点与贵会已获 2026 年区级社区发展专项资金资助的"
                      "“王家沱社区基金”项目基本一致。根据征集公告，已获其他财政资金资助的项目不得重复申报，"
                      "本项目未通过资格审查。欢迎针对新的社区需求另行申报。")),
    },
    # The open small-projects call.
    {
        "call": SMALL, "title": "白鹤苑社区楼道“微更新”邻里共建项目", "target": S.IN_REVIEW,
        "screening": (-3, 9, 0),
        "passed": ((-3, 11, 0), "资格审查通过。小事微项目实行快速评审，请专家两日内完成。"),
        "reviews": [
            # Overdue: asked for in two days, not started.
            {"reviewer": LI, "assigned": (-3, 11, 30), "days": 2},
            # A conflict of interest: the assignment ends, and she is never asked again for this team.
            {"reviewer": HE, "assigned": (-3, 11, 35), "days": 2, "conflict": (
                (-3, 20, 15), "我的母亲是白鹤苑社区居民，也是“银发伙伴”志愿服务队的队员，需要回避。")},
            # The replacement: conflict checked, scores saved as a draft.
            {"reviewer": ZHOU, "assigned": (-2, 9, 0), "days": 3, "opened": (-2, 21, 0),
             "draft": (-1, 22, 10), "scores": [8, 7, None], "recommendation": R.FUND,
             "comments": {0: ("切口小、需求真实，老人夜间上下楼摔倒的情况很有说服力。", True),
                          1: ("120 名居民参与清理和粉刷，动员基础好；楼道公约如何执行还要再看。", False)}},
        ],
    },
    {
        "call": SMALL, "title": "南湖社区“爱心理发角”为老服务微项目", "target": S.SCREENING,
        "screening": timedelta(hours=1, minutes=30),
    },
    # 阳光社区“院坝议事厅” (the demo applicant's): submitted two days ago, not yet touched.
]


# -- last year's: scores from each project's quality -----------------------------------------

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
    specs = proposal_specs()
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


# -- taking the steps ------------------------------------------------------------------------

class _Clock:
    """The moments of one proposal's steps: in order, after its submission, never in the future."""

    def __init__(self, proposal):
        self.last = proposal.submitted_at

    def __call__(self, when):
        moment = self.last + when if isinstance(when, timedelta) else at(*when)
        moment = min(moment, timezone.now() - timedelta(minutes=1))
        self.last = max(moment, self.last + timedelta(minutes=1))
        return self.last


def _scores(proposal, spec):
    """{criterion id: {"score", "comment", "shared"}} from the plan's list, checked against the rubric."""

    criteria = [(block.id, block.value) for block in proposal.call.rubric]
    if len(spec["scores"]) != len(criteria):
        raise ValueError(f"{proposal}: {len(criteria)} criteria, {len(spec['scores'])} scores")
    scores = {}
    for position, ((criterion_id, criterion), score) in enumerate(zip(criteria, spec["scores"])):
        if score is None:
            continue
        if not isinstance(score, int) or not 0 <= score <= criterion["max_score"]:
            raise ValueError(f"{proposal}: {score} is not a score for “{criterion['name']}”")
        comment, shared = spec.get("comments", {}).get(position, ("", False))
        scores[criterion_id] = {"score": score, "comment": comment, "shared": shared}
    return scores


def _review_events(plan):
    """The reviewers' steps of a plan, in the order they happen: (moment, step, spec)."""
    events = []
    for spec in plan.get("reviews", []):
        events.append((spec["assigned"], "assign", spec))
        if "conflict" in spec:
            events.append((spec["conflict"][0], "conflict", spec))
        if "opened" in spec:
            events.append((spec["opened"], "open", spec))
        if "done" in spec or "draft" in spec:
            events.append((spec.get("done") or spec["draft"], "review", spec))
    return sorted(events, key=lambda event: at(*event[0]))


def _review_step(proposal, when, what, spec, staff, reviewers, clock):
    """One reviewer's step, unless it was taken already; returns 1 if it was taken now."""
    reviewer = reviewers[spec["reviewer"]]
    assignment = ReviewAssignment.objects.filter(proposal=proposal, reviewer=reviewer).first()
    if what == "assign":
        if assignment is not None or assignment_problem(proposal, reviewer):
            return 0
        moment = clock(when)
        due_on = timezone.localdate(moment) + timedelta(days=spec.get("days", REVIEW_DAYS))
        with audited_at(moment):
            assignment = assign_reviewer(proposal, reviewer, staff, due_on)
        ReviewAssignment.objects.filter(pk=assignment.pk).update(created_at=moment)
        return 1
    if assignment is None or assignment.status != ReviewAssignment.Status.ASSIGNED:
        return 0
    if what == "conflict":
        moment = clock(when)
        with audited_at(moment):
            declare_conflict(assignment, reviewer, True, spec["conflict"][1])
        ConflictOfInterest.objects.filter(
            reviewer=reviewer, organisation=proposal.organisation_id).update(declared_at=moment)
        return 1
    if what == "open":
        if assignment.no_conflict_declared_at is not None:
            return 0
        moment = clock(when)
        with audited_at(moment):
            declare_conflict(assignment, reviewer, False)
        ReviewAssignment.objects.filter(pk=assignment.pk).update(no_conflict_declared_at=moment)
        return 1
    # what == "review": submitted, or saved as a draft
    submit = "done" in spec
    if assignment.no_conflict_declared_at is None or (
            not submit and Review.objects.filter(assignment=assignment).exists()):
        return 0
    moment = clock(when)
    comment, shared = spec.get("comment", ("", False))
    with audited_at(moment):
        review = save_review(assignment, reviewer, _scores(proposal, spec), comment, shared,
                             spec.get("recommendation", ""), submit=submit)
    Review.objects.filter(pk=review.pk).update(
        updated_at=moment, **({"submitted_at": moment} if submit else {}))
    return 1


def _advance(plan, staff, reviewers):
    """Take one proposal as far as its plan goes; returns the number of steps taken."""
    proposal = (Proposal.objects.filter(call__slug=plan["call"], title=plan["title"])
                .exclude(status=S.DRAFT).select_related("call", "organisation").first())
    if proposal is None:
        return 0
    target, clock, steps = plan["target"], _Clock(proposal), 0

    def step(when, action, *args):
        nonlocal proposal, steps
        moment = clock(when)
        with audited_at(moment):
            proposal = action(proposal, staff, *args)
        if action in (screen_out, determine):  # a decision the applicant is told about
            Proposal.objects.filter(pk=proposal.pk).update(decided_at=moment)
        steps += 1

    # A proposal screened before (one sent back for more information and resubmitted through
    # the site, say) is left alone: a second run never replays history.
    screened_before = ModelLogEntry.objects.for_instance(proposal).filter(
        action="seedbed.proposal.screening_started").exists()
    if proposal.status == S.SUBMITTED and target != S.SUBMITTED and not screened_before:
        step(plan["screening"], begin_screening)
    if proposal.status == S.SCREENING:
        if target == S.SCREENED_OUT:
            step(plan["decision"][0], screen_out, plan["decision"][1])
        elif target == S.MORE_INFO:
            step(plan["decision"][0], determine, O.MORE_INFO, plan["decision"][1])
        elif target != S.SCREENING:
            step(plan["passed"][0], pass_screening, plan["passed"][1])
    if proposal.status == S.IN_REVIEW:
        for when, what, spec in _review_events(plan):
            steps += _review_step(proposal, when, what, spec, staff, reviewers, clock)
        if target in (S.APPROVED, S.REJECTED, S.WAITLISTED):
            step(plan["decision"][0], determine, target, plan["decision"][1])
    if steps:
        Proposal.objects.filter(pk=proposal.pk).update(updated_at=clock.last)
    return steps


def take_steps(plans):
    """Take each proposal of `plans` as far as its plan goes, as the demo's staff and
    reviewers; returns the number of steps taken."""
    staff = User.objects.get(email=STAFF_EMAIL)
    reviewers = {user.email: user for user in User.objects.filter(email__in=[LI, ZHOU, HE, SUN])}
    return sum(_advance(plan, staff, reviewers) for plan in plans)


def ensure_extra_proposals():
    """The two extra submissions; returns the number created."""
    default = Locale.get_default()
    created = 0
    for spec in EXTRA_PROPOSALS:
        call = CallPage.objects.get(slug=spec["call"], locale=default)
        organisation = Organisation.objects.get(name_zh=spec["organisation"])
        created += ensure_proposal(spec, call, organisation, User.objects.get(email=spec["user"]))
    return created


# -- all of it -------------------------------------------------------------------------------

def ensure_demo_reviews():
    """Move the demo proposals through screening, review and decisions; returns a summary.

    Needs this year's proposals and the demo reviewers and staff (demo.people) to exist.
    """
    with transaction.atomic():
        proposals = ensure_extra_proposals()
        steps = take_steps(PLANS)
    states = dict(Proposal.objects.values_list("status").annotate(n=Count("pk")).order_by())
    return {
        "reviewers": User.objects.filter(groups__name=permissions.REVIEWER).distinct().count(),
        "assignments": ReviewAssignment.objects.count(),
        "reviews": Review.objects.filter(submitted_at__isnull=False).count(),
        "drafts": Review.objects.filter(submitted_at__isnull=True).count(),
        "conflicts": ConflictOfInterest.objects.count(),
        "proposals": proposals,
        "steps": steps,
        "states": {status: states.get(status, 0) for status in S.values},
    }


def summary_line(result):
    states = ", ".join(f"{status} {count}" for status, count in result["states"].items())
    return ("Review demo: {reviewers} reviewers, {assignments} assignments, {reviews} reviews "
            "submitted and {drafts} in draft, {conflicts} conflicts; {proposals} proposals and "
            "{steps} review steps added; states: ").format(**result) + states
