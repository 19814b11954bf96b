"""The award agreement (项目资助协议) as a PDF, in the reader's language.

The amount is written in figures and in Chinese capitals (大写金额, e.g. 人民币壹拾伍万元整) as
Chinese financial documents require; cn2an's "rmb" mode writes the capitals. The context is a
plain dict built from the award, so the benchmark can render the same template without a
database (bench/matching.py).
"""


import cn2an
from django.conf import settings
from django.utils import translation
from django.utils.text import capfirst

from core.money import round_money, yuan
from core.pdf import render_pdf
from grants.proposals.models import budget_total
from incubator.organisations.models import Organisation


def capitals(amount):
    """¥150,000.00 → 人民币壹拾伍万元整 (the form used whatever the reader's language)."""

    amount = round_money(amount)
    if amount == 0:
        return "人民币零元整"
    written = cn2an.an2cn(f"{amount:f}", "rmb")
    return "人民币" + written if written.endswith(("整", "角", "分")) else "人民币" + written + "整"


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
            "code_label": capfirst(Organisation._meta.get_field("uscc" if organisation.uscc else "filing_number")
                                   .verbose_name),
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
