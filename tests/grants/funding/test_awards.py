"""Awards: creation from a confirmed allocation, the agreement, tranches and payments, the
ledger's invariants in the database, ending early, and the award pages."""

import threading
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, connection, transaction
from django.urls import reverse
from django.utils import timezone, translation

from grants.funding.agreement import agreement_context, capitals
from grants.funding.models import Award, Disbursement, Fund, Tranche
from grants.funding.services import awards, ledger
from grants.impact import services as report_service
from grants.impact.models import Report
from tests.factories import FundFactory, approved, make_award, make_proposal
from tests.grants.proposals.test_proposal_files import poppler

D = Decimal


@pytest.fixture(autouse=True)
def _in_english():
    with translation.override("en"):
        yield


def scan():
    return SimpleUploadedFile("signed.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf")


@pytest.fixture
def funds(funder):
    first, second = FundFactory(budget=D("100000")), FundFactory(budget=D("50000"))
    first.managers.add(funder)
    return first, second


@pytest.fixture
def award(call, organisation, applicant, staff, funds):
    proposal = approved(make_proposal(call, organisation, applicant), applicant, staff, score=D("80"))
    return make_award(proposal, {funds[0]: D("60000"), funds[1]: D("30000")}, staff)


@pytest.fixture
def active(award, staff):
    return awards.sign(award, staff, scan())


def approve(award, kind, applicant, staff):
    report = award.reports.get(kind=kind)
    results = {indicator.pk: (D("10"), "") for indicator in award.proposal.indicators.all()}
    report_service.save_report(report, applicant, "开展活动。", results, submit=True)
    report_service.decide_report(report, staff, approve=True)


# -- creation ------------------------------------------------------------------------------
def test_an_award_commits_each_fund_and_plans_fifty_forty_ten(award, funds):
    award.refresh_from_db()
    assert award.status == Award.Status.CONTRACTING
    assert award.granted == D("90000") and award.amount == D("90000")
    assert [(t.percent, t.amount, t.condition) for t in award.tranches.all()] == [
        (D("50"), D("45000"), Tranche.Condition.SIGNING),
        (D("40"), D("36000"), Tranche.Condition.MIDTERM_REPORT),
        (D("10"), D("9000"), Tranche.Condition.FINAL_REPORT)]
    for fund, amount in zip(funds, (D("60000"), D("30000"))):
        fund.refresh_from_db()
        assert fund.committed == amount and fund.remaining == fund.budget - amount
    assert ledger.check_award(award) == []


def test_an_award_copies_the_budget_and_schedules_the_reports(award):
    proposal = award.proposal
    assert [(l.item, l.subtotal) for l in award.budget_lines.all()] == [
        (l.item, l.subtotal) for l in proposal.budget_lines.all()]
    midterm, final = award.reports.get(kind=Report.Kind.MIDTERM), award.reports.get(kind=Report.Kind.FINAL)
    assert award.starts_on < midterm.due_on < award.ends_on < final.due_on
    assert final.due_on == award.ends_on + timedelta(days=report_service.FINAL_REPORT_DAYS)


def test_an_award_is_refused_when_a_fund_lacks_the_money(call, organisation, applicant, staff):
    proposal = approved(make_proposal(call, organisation, applicant), applicant, staff)
    small = FundFactory(budget=D("50000"))
    with pytest.raises(Exception, match="has only"):
        make_award(proposal, {small: D("90000")}, staff)
    assert not Award.objects.exists()
    small.refresh_from_db()
    assert small.committed == 0


def test_shares_must_add_up_to_the_amount_asked(call, organisation, applicant, staff, funds):
    proposal = approved(make_proposal(call, organisation, applicant), applicant, staff)
    with pytest.raises(Exception, match="add up to"):
        make_award(proposal, {funds[0]: D("50000")}, staff)


def test_a_proposal_is_funded_once(award, funds, staff):
    with pytest.raises(Exception, match="already funded"), transaction.atomic():
        awards.create_award(award.proposal, {funds[0]: D("90000")}, staff)


def test_the_holder_is_told_about_the_award(call, organisation, applicant, staff, funds, mailoutbox,
                                              django_capture_on_commit_callbacks):
    proposal = approved(make_proposal(call, organisation, applicant), applicant, staff)
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        award = make_award(proposal, {funds[0]: D("90000")}, staff)
    assert [m.to for m in mailoutbox] == [[applicant.email]]
    assert reverse("funding:award_detail", args=[award.pk]) in mailoutbox[0].body


# -- the database keeps the money rules ----------------------------------------------------
def test_the_database_refuses_committing_beyond_the_budget(funds):
    with pytest.raises(IntegrityError), transaction.atomic():
        Fund.objects.filter(pk=funds[1].pk).update(committed=D("50000.01"))


def test_the_database_refuses_paying_an_award_more_than_awarded(award):
    with pytest.raises(IntegrityError), transaction.atomic():
        Award.objects.filter(pk=award.pk).update(paid=D("90000.01"))


def test_a_paid_tranche_needs_a_date_and_reference_in_the_database(award):
    with pytest.raises(IntegrityError), transaction.atomic():
        award.tranches.filter(number=1).update(status="paid")


def test_saving_a_stale_fund_never_overwrites_its_ledger(award, funds):
    stale = Fund.objects.get(pk=funds[0].pk)
    stale.committed = D("0")  # what an edit form opened before the award would hold
    stale.name_en = "District fund"
    stale.save()
    stale.refresh_from_db()
    assert stale.committed == D("60000") and stale.name_en == "District fund"


# -- signing and paying --------------------------------------------------------------------
def test_signing_stores_the_scan_privately_and_activates(award, staff):
    award = awards.sign(award, staff, scan())
    assert award.status == Award.Status.ACTIVE and award.signed_at
    with pytest.raises(Exception):
        award.signed_copy.url  # private storage has no URL


def test_only_staff_sign(award, applicant):
    with pytest.raises(Exception, match="Only staff"):
        awards.sign(award, applicant, scan())


def test_the_first_tranche_waits_for_the_signature(award, staff):
    tranche = award.tranches.get(number=1)
    with pytest.raises(Exception, match="signed"):
        awards.pay_tranche(tranche, staff, timezone.localdate(), "BANK-001")


def test_a_payment_needs_a_date_not_in_the_future_and_a_reference(active, staff):
    tranche = active.tranches.get(number=1)
    with pytest.raises(Exception) as refused:
        awards.pay_tranche(tranche, staff, timezone.localdate() + timedelta(days=1), " ")
    assert set(refused.value.message_dict) == {"paid_on", "reference"}


def test_paying_splits_each_tranche_across_the_funds_to_the_fen(active, staff, funds):
    tranche = awards.pay_tranche(active.tranches.get(number=1), staff, timezone.localdate(), "BANK-001")
    parts = {d.fund_id: d.amount for d in Disbursement.objects.filter(tranche=tranche)}
    assert parts == {funds[0].pk: D("30000.00"), funds[1].pk: D("15000.00")}
    funds[0].refresh_from_db()
    assert funds[0].paid == D("30000") and funds[0].to_pay == D("30000")
    active.refresh_from_db()
    assert active.paid == D("45000") and ledger.check_award(active) == []


def test_the_midterm_tranche_waits_for_the_midterm_report(active, staff, applicant):
    awards.pay_tranche(active.tranches.get(number=1), staff, timezone.localdate(), "BANK-001")
    second = active.tranches.get(number=2)
    with pytest.raises(Exception, match="mid-term report"):
        awards.pay_tranche(second, staff, timezone.localdate(), "BANK-002")
    approve(active, Report.Kind.MIDTERM, applicant, staff)
    assert awards.pay_tranche(second, staff, timezone.localdate(), "BANK-002").status == Tranche.Status.PAID


def test_tranches_are_paid_in_order(active, staff, applicant):
    approve(active, Report.Kind.MIDTERM, applicant, staff)
    with pytest.raises(Exception, match="Tranche 1 has to be paid first"):
        awards.pay_tranche(active.tranches.get(number=2), staff, timezone.localdate(), "BANK-002")


def test_the_last_payment_pays_off_every_source_exactly_and_completes_the_award(call, organisation, applicant,
                                                                                 staff):
    # Shares that do not divide evenly: the rounding must still add up to the fen.
    a, b, c = FundFactory(), FundFactory(), FundFactory()
    proposal = approved(make_proposal(call, organisation, applicant), applicant, staff)
    award = awards.sign(make_award(proposal, {a: D("30000.01"), b: D("29999.99"), c: D("30000")}, staff), staff,
                        scan())
    for number, kind in ((1, None), (2, Report.Kind.MIDTERM), (3, Report.Kind.FINAL)):
        if kind:
            approve(award, kind, applicant, staff)
        awards.pay_tranche(award.tranches.get(number=number), staff, timezone.localdate(), f"BANK-{number}")
    award.refresh_from_db()
    assert award.status == Award.Status.COMPLETED and award.paid == award.amount == D("90000")
    assert [line.paid for line in award.funding.order_by("fund_id")] == [D("30000.01"), D("29999.99"), D("30000")]
    assert Disbursement.objects.filter(tranche__award=award, tranche__number=1).count() == 3
    assert ledger.check_award(award) == []


def test_every_step_is_in_the_awards_history(active, staff):
    from wagtail.models import ModelLogEntry

    awards.pay_tranche(active.tranches.get(number=1), staff, timezone.localdate(), "BANK-001")
    actions = list(ModelLogEntry.objects.for_instance(active).order_by("timestamp", "pk").values_list("action", flat=True))
    assert actions[:1] == ["seedbed.award.funded"]
    assert {"seedbed.award.created", "seedbed.award.signed", "seedbed.award.tranche_paid"} <= set(actions)


# -- the schedule ----------------------------------------------------------------------------
def test_staff_change_the_tranches_before_signing(award, staff):
    awards.set_schedule(award, [(D("30"), Tranche.Condition.SIGNING), (D("70"), Tranche.Condition.FINAL_REPORT)],
                        staff)
    assert [t.amount for t in award.tranches.all()] == [D("27000"), D("63000")]


def test_a_schedule_must_add_up_to_a_hundred_percent(award, staff):
    with pytest.raises(Exception, match="100%"):
        awards.set_schedule(award, [(D("30"), Tranche.Condition.SIGNING)], staff)


def test_the_schedule_is_fixed_once_signed(active, staff):
    with pytest.raises(Exception, match="before the agreement is signed"):
        awards.set_schedule(active, [(D("100"), Tranche.Condition.SIGNING)], staff)


# -- ending early ----------------------------------------------------------------------------
def test_ending_an_award_returns_what_is_unpaid_to_the_funds(active, staff, funds):
    awards.pay_tranche(active.tranches.get(number=1), staff, timezone.localdate(), "BANK-001")
    awards.terminate(active, staff, "机构无法继续执行")
    active.refresh_from_db()
    assert active.status == Award.Status.TERMINATED and active.granted == active.paid == D("45000")
    assert set(active.tranches.values_list("status", flat=True)) == {"paid", "cancelled"}
    for fund in funds:
        fund.refresh_from_db()
        assert fund.committed == fund.paid
        assert ledger.check_fund(fund) == []


def test_ending_needs_a_reason(active, staff):
    with pytest.raises(Exception, match="reason"):
        awards.terminate(active, staff, "  ")


# -- the agreement -------------------------------------------------------------------------
@pytest.mark.parametrize("amount, written", [
    ("150000", "人民币壹拾伍万元整"), ("90000.00", "人民币玖万元整"), ("1234567.89", "人民币壹佰贰拾叁万肆仟伍佰陆拾柒元捌角玖分"),
    ("100000.05", "人民币壹拾万元零伍分"), ("0", "人民币零元整"),
])
def test_amounts_are_written_in_chinese_capitals(amount, written):
    assert capitals(D(amount)) == written


def test_the_agreement_names_the_parties_amounts_budget_tranches_and_duties(award):
    context = agreement_context(award)
    assert context["capitals"] == "人民币玖万元整"
    assert context["organisation"]["code"] == award.proposal.organisation.uscc
    assert [f["amount"] for f in context["funders"]] == [D("60000"), D("30000")]
    assert [t["amount"] for t in context["tranches"]] == [D("45000"), D("36000"), D("9000")]
    assert context["budget_total"] == award.granted + award.cofunding
    assert context["midterm_due"] and context["final_due"]


def test_the_agreement_pdf_embeds_a_chinese_font(award, client, applicant):
    client.force_login(applicant)
    response = client.get(reverse("funding:award_agreement", args=[award.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    fonts = poppler("pdffonts", response.content)
    assert "Noto-Sans-CJK-SC" in fonts and " yes " in fonts.split("Noto-Sans-CJK-SC")[1].splitlines()[0]
    text = poppler("pdftotext", response.content)
    assert "人民币玖万元整" in text and award.reference in text


# -- the pages -----------------------------------------------------------------------------
def test_staff_record_a_payment_from_the_award_page(active, client, staff):
    client.force_login(staff)
    tranche = active.tranches.get(number=1)
    response = client.post(reverse("funding:tranche_pay", args=[active.pk]), {
        "tranche": tranche.pk, "paid_on": timezone.localdate().isoformat(), "reference": "BANK-001"}, follow=True)
    assert "Tranche 1 is recorded as paid." in response.content.decode()
    tranche.refresh_from_db()
    assert tranche.status == Tranche.Status.PAID and tranche.payment_reference == "BANK-001"


def test_a_payment_form_with_mistakes_is_shown_again_with_what_was_typed(active, client, staff):
    client.force_login(staff)
    response = client.post(reverse("funding:tranche_pay", args=[active.pk]), {
        "tranche": active.tranches.get(number=1).pk, "paid_on": "", "reference": "BANK-7"})
    page = response.content.decode()
    assert response.status_code == 200 and 'value="BANK-7"' in page and "This field is required." in page


def test_a_holder_cannot_pay_or_sign(active, client, applicant):
    client.force_login(applicant)
    tranche = active.tranches.get(number=1)
    assert client.post(reverse("funding:tranche_pay", args=[active.pk]), {"tranche": tranche.pk, "paid_on": "2026-01-01",
                                                                   "reference": "X"}).status_code == 403
    assert client.post(reverse("funding:award_sign", args=[active.pk])).status_code == 403


def test_supervisors_read_the_award_and_change_nothing(active, client, supervisor):
    client.force_login(supervisor)
    page = client.get(reverse("funding:award_detail", args=[active.pk])).content.decode()
    assert "Record a payment" not in page and "History" in page
    assert client.post(reverse("funding:award_terminate", args=[active.pk]), {"reason": "x"}).status_code == 403


def test_the_award_page_shows_why_a_tranche_waits(active, client, staff):
    client.force_login(staff)
    page = client.get(reverse("funding:award_detail", args=[active.pk])).content.decode()
    assert "Waiting for the mid-term report to be approved." in page


def test_the_award_list_only_holds_what_the_reader_may_see(award, client, other_applicant, funder, applicant):
    url = reverse("funding:award_list")
    for person, sees in ((applicant, True), (funder, True), (other_applicant, False)):
        client.force_login(person)
        assert (award.proposal.title in client.get(url).content.decode()) is sees


def test_the_award_list_costs_the_same_queries_however_many_awards(award, client, staff, call, organisation,
                                                                   applicant):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries():
        client.get(reverse("funding:award_list"))  # caches warmed
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("funding:award_list")).status_code == 200
        return len(captured.captured_queries)

    client.force_login(staff)
    one = queries()
    fund = FundFactory(budget=D("1000000"))
    for _ in range(5):
        make_award(approved(make_proposal(call, organisation, applicant), applicant, staff), {fund: D("90000")}, staff)
    assert queries() == one


def test_the_award_export_holds_the_reconciliation(active, client, staff):
    awards.pay_tranche(active.tranches.get(number=1), staff, timezone.localdate(), "BANK-001")
    client.force_login(staff)
    content = b"".join(client.get(reverse("funding:award_export", args=["csv"])).streaming_content).decode("utf-8-sig")
    header, row = content.splitlines()[:2]
    assert header.startswith("Reference,Project title,Organisation,Status,Granted")
    assert row.split(",")[4:10] == ["90000.00", "0.00", "0.00", "90000.00", "45000.00", "45000.00"]
    response = client.get(reverse("funding:award_export", args=["xlsx"]))
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")


def test_an_unknown_export_format_is_a_404(client, staff):
    client.force_login(staff)
    assert client.get(reverse("funding:award_export", args=["pdf"])).status_code == 404
    assert client.get(reverse("funding:fund_export", args=["pdf"])).status_code == 404


def test_the_fund_list_reconciles_each_fund(active, client, staff, funds):
    awards.pay_tranche(active.tranches.get(number=1), staff, timezone.localdate(), "BANK-001")
    client.force_login(staff)
    content = b"".join(client.get(reverse("funding:fund_export", args=["csv"])).streaming_content).decode("utf-8-sig")
    rows = {line.split(",")[0]: line.split(",") for line in content.splitlines()[1:]}
    first = rows[funds[0].name_zh]
    assert first[4:10] == ["100000.00", "60000.00", "30000.00", "0.00", "0.00", "40000.00"]


def test_a_funder_sees_only_its_own_funds(client, funder, funds):
    client.force_login(funder)
    page = client.get(reverse("funding:fund_list")).content.decode()
    assert funds[0].name_zh in page and funds[1].name_zh not in page
    assert client.get(reverse("funding:fund_detail", args=[funds[1].pk])).status_code == 404


# -- under concurrency ---------------------------------------------------------------------
@pytest.mark.django_db(transaction=True)
def test_two_commitments_at_once_cannot_overspend_a_fund(call, organisation, applicant, staff):
    fund = FundFactory(budget=D("100000"))
    proposals = [approved(make_proposal(call, organisation, applicant), applicant, staff) for _ in range(2)]
    barrier, outcomes = threading.Barrier(2), []

    def fund_it(proposal):
        from django.db import connection as thread_connection

        try:
            barrier.wait()
            with transaction.atomic():
                awards.create_award(proposal, {fund: D("90000")}, staff)
            outcomes.append("funded")
        except Exception as error:  # the second one finds the money gone
            outcomes.append(type(error).__name__)
        finally:
            thread_connection.close()

    threads = [threading.Thread(target=fund_it, args=(proposal,)) for proposal in proposals]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    fund.refresh_from_db()
    assert sorted(outcomes) == ["ValidationError", "funded"]
    assert fund.committed == D("90000") and Award.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_eight_payments_posted_at_once_pay_the_tranche_once_and_none_answers_500(active, staff):
    # On SQLite, before WAL and immediate transactions, three of these answered 500
    # "database is locked".
    from django.test import Client

    tranche = active.tranches.get(number=1)
    barrier, statuses = threading.Barrier(8), []

    def post():
        from django.db import connection as thread_connection

        client = Client(raise_request_exception=False)
        client.force_login(staff)
        try:
            barrier.wait()
            statuses.append(client.post(reverse("funding:tranche_pay", args=[active.pk]), {
                "tranche": tranche.pk, "paid_on": timezone.localdate().isoformat(),
                "reference": "BANK-8"}).status_code)
        finally:
            thread_connection.close()

    threads = [threading.Thread(target=post) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(statuses) == 8 and 500 not in statuses, statuses
    tranche.refresh_from_db()
    assert tranche.status == Tranche.Status.PAID
    active.refresh_from_db()
    paid_out = sum(d.amount for d in Disbursement.objects.filter(tranche__award=active))
    assert active.paid == paid_out > 0 and active.tranches.filter(status=Tranche.Status.PAID).count() == 1
