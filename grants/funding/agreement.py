"""The award agreement (项目资助协议) as a PDF, in the reader's language.

The amount is written in figures and in Chinese capitals (大写金额, e.g. 人民币壹拾伍万元整) as
Chinese financial documents require; cn2an's "rmb" mode writes the capitals. The context is a
plain dict built from the award, so the benchmark can render the same template without a
database (`sample_agreement_pdf`).
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import cn2an
from django.conf import settings
from django.utils import translation

from core.money import round_money, yuan
from core.pdf import render_pdf
from grants.proposals.models import budget_total


def capitals(amount):
    """¥150,000.00 → 人民币壹拾伍万元整 (the form used whatever the reader's language)."""

    amount = round_money(amount)
    if amount == 0:
        return "人民币零元整"
    written = cn2an.an2cn(f"{amount:f}", "rmb")
    return "人民币" + written if written.endswith(("整", "角", "分")) else "人民币" + written + "整"


@dataclass
class Row:
    cells: list


def agreement_context(award):
    proposal = award.proposal
    organisation = proposal.organisation
    funding = list(award.funding.select_related("fund").order_by("-granted", "fund_id"))
    reports = {report.kind: report for report in award.reports.all()}
    return {
        "issuer": settings.AGREEMENT_ISSUER,
        "reference": proposal.reference,
        "title": proposal.title,
        "call": proposal.call.title,
        "organisation": {
            "name": organisation.name_zh, "name_en": organisation.name_en, "code": organisation.identifier,
            "address": organisation.address, "contact": organisation.contact_name,
            "phone": organisation.contact_phone, "email": organisation.contact_email},
        "where": "、".join([proposal.street.name] + [c.name for c in proposal.communities.all()])
        if proposal.street else "",
        "starts_on": award.starts_on, "ends_on": award.ends_on,
        "amount": award.granted, "amount_text": yuan(award.granted), "capitals": capitals(award.granted),
        "cofunding": award.cofunding,
        "funders": [{"name": line.fund.name, "owner": line.fund.owner, "kind": line.fund.get_kind_display(),
                     "amount": line.granted} for line in funding],
        "budget": [{"category": line.get_category_display(), "item": line.item, "quantity": line.quantity,
                    "unit": line.unit, "unit_price": line.unit_price, "subtotal": line.subtotal}
                   for line in award.budget_lines.all()],
        "budget_total": budget_total(award.budget_lines.all()),
        "tranches": [{"number": t.number, "percent": t.percent, "amount": t.amount,
                      "condition": t.get_condition_display()} for t in award.tranches.exclude(status="cancelled")],
        "midterm_due": getattr(reports.get("midterm"), "due_on", None),
        "final_due": getattr(reports.get("final"), "due_on", None),
        "indicators": [{"label": i.label, "target": i.target, "unit": i.unit} for i in proposal.indicators.all()],
    }


def agreement_pdf(award, language=None):
    with translation.override(language or translation.get_language()):
        return render_pdf("funding/pdf/agreement.html", agreement_context(award))


def sample_agreement_pdf():
    """A realistic agreement without a database, for the benchmark."""

    amount = Decimal("150000.00")
    context = {
        "issuer": settings.AGREEMENT_ISSUER, "reference": "NA-2026-0042",
        "title": "南坪街道“银龄互助”老年人居家关爱项目", "call": "2026年南岸区社区治理创新项目",
        "organisation": {"name": "南岸区阳光社工服务中心", "name_en": "", "code": "52500108MJP123456X",
                         "address": "南坪街道江南大道8号", "contact": "周老师", "phone": "023-62800000",
                         "email": "sunshine@example.org"},
        "where": "南坪街道、后堡社区、南湖社区", "starts_on": date(2026, 3, 1), "ends_on": date(2026, 12, 31),
        "amount": amount, "amount_text": yuan(amount), "capitals": capitals(amount), "cofunding": Decimal("15000"),
        "funders": [{"name": "2026年南岸区政府购买社会服务资金", "owner": "重庆市南岸区民政局",
                     "kind": "政府购买服务", "amount": Decimal("100000")},
                    {"name": "南岸区慈善会社区基金", "owner": "南岸区慈善会", "kind": "基金会",
                     "amount": Decimal("50000")}],
        "budget": [{"category": "人员费", "item": f"社工补贴（第{n}期）", "quantity": Decimal("3"), "unit": "月",
                    "unit_price": Decimal("5500"), "subtotal": Decimal("16500")} for n in range(1, 11)],
        "budget_total": Decimal("165000"),
        "tranches": [{"number": 1, "percent": Decimal("50"), "amount": Decimal("75000"), "condition": "协议签订后"},
                     {"number": 2, "percent": Decimal("40"), "amount": Decimal("60000"), "condition": "中期报告通过后"},
                     {"number": 3, "percent": Decimal("10"), "amount": Decimal("15000"), "condition": "结项报告通过后"}],
        "midterm_due": date(2026, 8, 1), "final_due": date(2027, 1, 30),
        "indicators": [{"label": "服务人次", "target": Decimal("1200"), "unit": ""},
                       {"label": "开展活动", "target": Decimal("40"), "unit": ""}],
    }
    with translation.override("zh-hans"):
        return render_pdf("funding/pdf/agreement.html", context)
