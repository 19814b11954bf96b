"""The awards' life after a matching run: agreements signed, tranches paid, mid-term and final
reports submitted and decided, budget variations, an early end. Each award is given a life
(`assign_lives`) and its steps' moments (`life_schedule`); `AwardLife` takes the steps through
the awards services when the timeline reaches them.
"""

import random
from datetime import datetime, time, timedelta
from decimal import Decimal

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from core.money import round_money
from demo.organisations import NEIGHBOURS, SUNSHINE, administrator
from demo.past_proposals import KINDS, PROJECTS
from demo.proposals import C
from grants.funding.models import Award, AwardBudgetLine, BudgetVariation, Tranche
from grants.funding.services import awards as award_service
from grants.impact import services as report_service
from grants.impact.models import Report
from grants.proposals.models import Indicator

ZERO = Decimal("0")


class AwardLife:
    """The steps of the awards' life, sharing the staff account and the timeline. A step does
    nothing (and says so) when its award has got there already."""

    def __init__(self, staff, timeline):
        self.staff, self.timeline = staff, timeline
        self.touched = {}  # award pk -> the moment of its last step

    def touch(self, award_pk, moment):
        self.touched[award_pk] = max(self.touched.get(award_pk, moment), moment)

    def plan(self, award, life, schedule, references):
        """Put the award's steps on the timeline, at the moments of its schedule."""
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
        self.touch(award_pk, moment)
        return True

    def pay(self, moment, award_pk, number, reference):
        tranche = Tranche.objects.filter(award_id=award_pk, number=number).first()
        if tranche is None or tranche.status != Tranche.Status.PLANNED or tranche.amount <= 0:
            return False
        award_service.pay_tranche(tranche, self.staff, timezone.localdate(moment), reference)
        self.touch(award_pk, moment)
        return True

    def submit_report(self, moment, award_pk, kind, life):
        report = Report.objects.select_related("award__proposal").get(award_id=award_pk, kind=kind)
        if report.status != Report.Status.DUE:
            return False
        award = report.award
        narrative, results = report_content(award, kind, life)
        report_service.save_report(report, administrator(award.proposal.organisation), narrative, results, submit=True)
        Report.objects.filter(pk=report.pk).update(submitted_at=moment)
        self.touch(award_pk, moment)
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
        report_service.decide_report(report, self.staff, approve, note)
        Report.objects.filter(pk=report.pk).update(decided_at=moment)
        self.touch(award_pk, moment)
        return True

    def request_variation(self, moment, award_pk, change):
        award = Award.objects.select_related("proposal").get(pk=award_pk)
        if award.variations.exists() or award.status not in (Award.Status.CONTRACTING, Award.Status.ACTIVE):
            return False
        lines, reason, change = variation_lines(award, change)
        variation = award_service.request_variation(award, administrator(award.proposal.organisation), lines, reason, change)
        BudgetVariation.objects.filter(pk=variation.pk).update(requested_at=moment)
        self.touch(award_pk, moment)
        return True

    def decide_variation(self, moment, award_pk):
        variation = BudgetVariation.objects.filter(award_id=award_pk, status=BudgetVariation.Status.REQUESTED).first()
        if variation is None:
            return False
        award_service.decide_variation(variation, self.staff, True, "同意调整。核减的资助资金退回原资金渠道，其余预算按调整后执行。")
        BudgetVariation.objects.filter(pk=variation.pk).update(decided_at=moment)
        self.touch(award_pk, moment)
        return True

    def terminate(self, moment, award_pk):
        award = Award.objects.get(pk=award_pk)
        if award.status not in (Award.Status.CONTRACTING, Award.Status.ACTIVE):
            return False
        award_service.terminate(award, self.staff, TERMINATION_REASON)
        self.touch(award_pk, moment)
        return True

    def finish(self):
        """Date each award's last change back to its last step."""
        for award_pk, moment in self.touched.items():
            Award.objects.filter(pk=award_pk).update(updated_at=moment)


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


def _date_text(day):
    return f"{day.year}年{day.month}月{day.day}日"


# -- what happens to each award --------------------------------------------------------------

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
    lines = AwardBudgetLine.to_json(award.budget_lines.all())
    activity = next(line for line in lines if line["category"] == C.ACTIVITIES)
    price = Decimal(activity["unit_price"])
    fewer = max(2, int(Decimal(activity["quantity"])) // 5)
    activity["quantity"] = str(Decimal(activity["quantity"]) - fewer)
    amount = round_money(price * fewer)
    if change == "decrease":
        reason = (f"部分活动改由社区和驻区单位无偿提供场地和物资，{fewer}{activity['unit']}“{activity['item']}”"
                  f"不再需要资助，申请核减相应活动费 {amount} 元并退回资助资金，其余预算不变。")
        return lines, reason, -amount
    lines.append({"category": C.ACTIVITIES, "item": "上门服务交通补贴", "quantity": "1", "unit": "项",
                  "unit_price": str(amount)})
    reason = (f"根据中期评估，服务对象对上门服务的需求高于集中活动，申请将{fewer}{activity['unit']}“{activity['item']}”"
              f"的经费 {amount} 元调整为上门服务交通补贴，资助总额不变。")
    return lines, reason, ZERO
