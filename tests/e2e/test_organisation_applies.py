"""An applicant with no organisation registers one, staff verify it in the Wagtail admin, and
the applicant drafts, saves, resumes, completes and submits a proposal, then downloads its PDF.

Selectors use element names and ids rather than visible wording, so the journey does not depend
on the state of the Chinese translation; expected sentences are looked up in the catalogue.
"""

import re
from datetime import timedelta

import pytest
from django.utils import timezone, translation
from django.utils.translation import gettext

from grants.calls.models import Theme
from grants.proposals.models import Proposal
from incubator.organisations.models import Organisation
from incubator.places.models import Street
from tests.e2e.conftest import assert_accessible
from tests.factories import PASSWORD, QUESTIONS, UserFactory, make_call, valid_uscc

pytestmark = pytest.mark.browser

ORGANISATION_NAME = "南岸区邻里守望社会工作服务中心"
TITLE = "南坪街道“银龄互助”老年人居家关爱项目"


def sign_in(page, email, next_path):
    page.goto(f"/zh-hans/accounts/login/?next={next_path}")
    page.fill("#id_login", email)
    page.fill("#id_password", PASSWORD)
    page.locator("form:has(#id_login) [type=submit]").click()
    page.wait_for_url(f"**{next_path}")


def zh(message):
    with translation.override("zh-hans"):
        return gettext(message)


def test_a_new_organisation_is_verified_and_submits_a_proposal(browser, site, chinese_page):
    page = chinese_page
    theme = Theme.objects.create(code="elderly", name_zh="为老服务", name_en="Elderly care")
    call = make_call(status="open")
    call_path = call.url  # /zh-hans/calls/call-N/
    long_text_id, choice_id = (block.id for block in call.questions[:2])
    assert [block.block_type for block in call.questions[:2]] == [QUESTIONS[0][0], QUESTIONS[1][0]]
    applicant = UserFactory(email="li.na@example.org")
    staff = UserFactory(email="zhou.staff@example.org", roles=["staff"])
    uscc = valid_uscc()

    # 1. Signed in but without an organisation: the call explains, and links to registration.
    sign_in(page, applicant.email, call_path)
    apply_box = page.locator(".apply-box")
    assert apply_box.locator('form[action$="/apply/"]').count() == 0
    assert zh("Proposals are made by organisations. Register yours, or ask its administrator to "
              "invite you.") in apply_box.inner_text()
    assert_accessible(page)
    apply_box.locator('a[href$="/organisations/register/"]').click()
    page.wait_for_url("**/zh-hans/organisations/register/")
    assert_accessible(page)

    page.fill("#id_name_zh", ORGANISATION_NAME)
    page.select_option("#id_kind", Organisation.Kind.SOCIAL_SERVICE.value)
    page.fill("#id_uscc", uscc)
    page.fill("#id_address", "南坪街道江南大道18号")
    page.select_option("#id_street", str(Street.objects.get(name_zh="南坪街道").pk))
    page.fill("#id_contact_name", "李娜")
    page.fill("#id_contact_phone", "023-62811234")
    page.fill("#id_contact_email", "contact@linli.example.org")
    page.locator('main form[enctype="multipart/form-data"] button[type=submit]').click()
    page.wait_for_url(re.compile(r"/zh-hans/organisations/\d+/$"))
    organisation = Organisation.objects.get(uscc=uscc)
    assert organisation.status == Organisation.Status.PENDING
    assert page.locator("h1").inner_text() == ORGANISATION_NAME
    assert page.locator(".badge-pending").is_visible()
    assert zh("Staff are checking the record. You will be emailed when it is verified.") in \
        page.locator("main .callout").inner_text()
    assert_accessible(page)

    # While it waits, the call says why it cannot apply yet.
    page.goto(call_path)
    assert apply_box.locator('form[action$="/apply/"]').count() == 0
    assert apply_box.locator(".apply-reason").count() == 1

    # 2. Staff verify it in the Wagtail admin (their own browser).
    staff_context = browser.new_context(locale="zh-CN", base_url=site.url)
    staff_context.set_default_timeout(15000)
    try:
        admin = staff_context.new_page()
        listing = "/admin/snippets/organisations/organisation/"
        sign_in(admin, staff.email, listing)
        verify_path = f"{listing}verify/{organisation.pk}/"
        # The row's listing buttons sit in its "more options" dropdown (mounted when opened).
        row = admin.locator("tbody tr", has=admin.locator(f"#snippet_{organisation.pk}_title"))
        row.locator(".w-dropdown__toggle").click()
        verify_link = admin.locator(f'a[href$="{verify_path}"]')
        verify_link.click()
        admin.wait_for_url(f"**{verify_path}")
        assert ORGANISATION_NAME in admin.locator("main").inner_text()
        admin.check('input[name=decision][value=verify]')
        admin.locator('main form[method=post] button[type=submit]').click()
        admin.wait_for_url(f"**{listing}")
        organisation.refresh_from_db()
        assert organisation.status == Organisation.Status.VERIFIED
        with translation.override(admin.locator("html").get_attribute("lang")):
            verified = str(Organisation.Status.VERIFIED.label)
        assert verified in row.inner_text()
    finally:
        staff_context.close()

    # 3. The applicant starts a proposal, saves part of it, leaves and comes back.
    page.goto(call_path)
    page.locator('.apply-box form[action$="/apply/"] button[type=submit]').click()
    page.wait_for_url(re.compile(r"/zh-hans/proposals/\d+/edit/$"))
    proposal = Proposal.objects.get(organisation=organisation)
    page.fill("#id_p-title", TITLE)
    page.fill("#id_p-summary", "组织低龄老人结对帮扶高龄独居老人，开展探访、陪诊和互助活动。")
    with page.expect_navigation():
        page.locator(".sticky-actions button[name=action][value=save]").click()
    assert zh("Draft saved.") in page.locator("main .messages").inner_text()
    proposal.refresh_from_db()
    assert proposal.title == TITLE and proposal.is_draft

    page.goto("/zh-hans/")
    page.goto("/zh-hans/dashboard/")
    page.locator(f'a[href$="/proposals/{proposal.pk}/edit/"]').click()
    page.wait_for_url(f"**/zh-hans/proposals/{proposal.pk}/edit/")
    assert page.input_value("#id_p-title") == TITLE

    starts_on = call.project_start
    ends_on = call.project_start + timedelta(days=300)
    assert ends_on <= call.project_end
    page.select_option("#id_p-street", str(organisation.street_id))
    page.check(f'input[name=p-themes][value="{theme.pk}"]')
    page.fill("#id_p-starts_on", starts_on.isoformat())
    page.fill("#id_p-ends_on", ends_on.isoformat())
    page.fill("#id_p-requested_amount", "90000")
    page.fill("#id_p-cofunding_amount", "10000")
    for row, (category, item, quantity, unit, price) in enumerate([
        ("personnel", "社工补贴", "10", "月", "6000"),
        ("activities", "活动物资", "40", "场", "1000"),
    ]):
        page.select_option(f"#id_budget-{row}-category", category)
        page.fill(f"#id_budget-{row}-item", item)
        page.fill(f"#id_budget-{row}-quantity", quantity)
        page.fill(f"#id_budget-{row}-unit", unit)
        page.fill(f"#id_budget-{row}-unit_price", price)
    page.select_option("#id_indicators-0-kind", "beneficiaries")
    page.fill("#id_indicators-0-target", "1200")
    page.fill(f"#id_q-q_{long_text_id}", "南坪街道独居高龄老人多，日常照料和精神慰藉需求大。")
    page.check(f'input[name="q-q_{choice_id}"][value="老年人"]')
    assert_accessible(page)

    page.locator(".sticky-actions button[name=action][value=submit]").click()
    page.wait_for_url(f"**/zh-hans/proposals/{proposal.pk}/")
    proposal.refresh_from_db()
    reference = f"NA-{timezone.localtime().year}-0001"
    assert proposal.status == Proposal.Status.SUBMITTED
    assert proposal.reference == reference
    assert page.locator("h1").inner_text() == TITLE
    assert page.title().startswith(f"{reference} · ")
    assert reference in page.locator(".meta").inner_text()
    assert page.locator(".meta .badge-submitted").is_visible()
    assert_accessible(page)

    # 4. The dashboard lists it as submitted; its PDF downloads.
    page.goto("/zh-hans/dashboard/")
    row = page.locator("table.listing tbody tr", has=page.locator(f'a[href$="/proposals/{proposal.pk}/"]'))
    assert reference in row.inner_text()
    assert row.locator(".badge-submitted").is_visible()
    row.locator(f'a[href$="/proposals/{proposal.pk}/"]').click()
    page.wait_for_url(f"**/zh-hans/proposals/{proposal.pk}/")
    with page.expect_download() as download_info:
        page.locator(f'a[href$="/proposals/{proposal.pk}/pdf/"]').click()
    download = download_info.value
    assert download.suggested_filename == f"{reference}.pdf"
    with open(download.path(), "rb") as pdf:
        assert pdf.read(4) == b"%PDF"
