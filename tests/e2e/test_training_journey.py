"""A social worker enrols in a cohort, is accepted, checks in by opening the QR code's address,
completes, downloads the certificate, and a stranger verifies it: at desktop and phone width.

Selectors use ids, names and addresses rather than wording; expected sentences come from the
catalogue."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone, translation
from django.utils.translation import gettext

from incubator.training import checkin
from incubator.training.models import Certificate, Enrolment
from tests.e2e.conftest import assert_accessible
from tests.factories import PASSWORD, UserFactory
from tests.incubator.training.training_fixtures import make_cohort

pytestmark = pytest.mark.browser


def zh(message):
    with translation.override("zh-hans"):
        return gettext(message)


def new_page(browser, site, width):
    context = browser.new_context(locale="zh-CN", base_url=site.url, viewport={"width": width, "height": 900},
                                  accept_downloads=True)
    context.set_default_timeout(15000)
    return context, context.new_page()


def sign_in(page, email, next_path):
    page.goto(f"/zh-hans/accounts/login/?next={next_path}")
    page.fill("#id_login", email)
    page.fill("#id_password", PASSWORD)
    page.locator("form:has(#id_login) [type=submit]").click()
    page.wait_for_url(f"**{next_path}")


@pytest.mark.parametrize("width", [1366, 390])
def test_a_social_worker_is_trained_and_a_stranger_verifies_the_certificate(browser, site, width, tmp_path):
    cohort = make_cohort(capacity=10, sessions=1, starts_in_days=0, required_assignments=0)
    session = cohort.sessions.get()
    session.starts_at, session.ends_at = timezone.now() - timedelta(minutes=5), timezone.now() + timedelta(hours=2)
    session.save()
    worker = UserFactory(email="zhang.xiaoming@example.org", name="张小明", language="zh-hans")
    staff = UserFactory(email="staff.training@example.org", roles=["staff"])
    worker_context, page = new_page(browser, site, width)
    staff_context, desk = new_page(browser, site, width)
    stranger_context, stranger = new_page(browser, site, width)
    try:
        # 1. The social worker enrols from the cohort's public page.
        cohort_path = f"/zh-hans/training/cohorts/{cohort.pk}/"
        sign_in(page, worker.email, cohort_path)
        assert_accessible(page)
        page.locator(f'a[href$="/training/cohorts/{cohort.pk}/enrol/"]').click()
        page.fill("#id_experience", "5")
        page.select_option("#id_certified", "social_worker")
        page.fill("#id_goal", "学习社区协商议事")
        assert_accessible(page)
        page.locator("main form button[type=submit]").click()
        page.wait_for_url(re.compile(r"/zh-hans/training/enrolments/\d+/$"))
        enrolment = Enrolment.objects.get(user=worker)
        assert enrolment.state == "applied"

        # 2. Staff accept.
        sign_in(desk, staff.email, f"/zh-hans/training/staff/cohorts/{cohort.pk}/")
        assert_accessible(desk)
        desk.locator('button[name=decision][value=accepted]').click()
        desk.wait_for_load_state()
        enrolment.refresh_from_db()
        assert enrolment.state == "accepted"

        # 3. The worker opens the QR code's address on the phone and checks in.
        page.goto(f"/zh-hans/training/check-in/{checkin.code_for(session, timezone.now())}/")
        assert_accessible(page)
        page.locator("main form button[type=submit]").click()
        page.wait_for_url(f"**/zh-hans/training/enrolments/{enrolment.pk}/")
        assert zh("Present") in page.locator("main table").inner_text()

        # 4. Staff record completion and issue the certificates.
        desk.reload()
        desk.locator('form[action$="/complete/"] button').click()
        desk.wait_for_load_state()
        desk.locator('form[action$="/certificates/"] button').click()
        desk.wait_for_load_state()
        certificate = Certificate.objects.get(enrolment=enrolment)

        # 5. The worker downloads the certificate.
        page.reload()
        with page.expect_download() as download:
            page.locator(f'a[href$="/training/certificates/{certificate.pk}/pdf/"]').click()
        saved = tmp_path / "certificate.pdf"
        download.value.save_as(saved)
        assert saved.read_bytes().startswith(b"%PDF")

        # 6. A stranger verifies the serial.
        stranger.goto("/zh-hans/training/verify/")
        stranger.fill("#id_serial", certificate.serial)
        stranger.locator("main form button[type=submit]").click()
        stranger.wait_for_url(f"**/training/verify/{certificate.serial}/")
        text = stranger.locator("main").inner_text()
        assert zh("This certificate is valid.") in text and "张*明" in text and "张小明" not in text
        assert_accessible(stranger)
    finally:
        for context in (worker_context, staff_context, stranger_context):
            context.close()
