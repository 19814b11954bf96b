"""Certificates: serials with a check part, the PDF, issuing a cohort in the background,
revocation, the public verification page and the signed credential."""

import json
import re
import shutil
import subprocess

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone
from joserfc.errors import BadSignatureError, DecodeError

from incubator.training import certificates, credentials
from incubator.training.models import Certificate, CertificateRun
from tests.factories import UserFactory
from tests.incubator.training.training_fixtures import enrol, make_cohort

pytestmark = pytest.mark.django_db


@pytest.fixture
def certificate():
    holder = UserFactory(name="张小明", email="zhang@example.com")
    return certificates._issue_one(enrol(make_cohort(starts_in_days=-40), holder, state="completed"), timezone.now())


def test_serials_carry_a_check_part_that_does_not_follow_the_sequence():
    cohort = make_cohort(starts_in_days=-40)
    first, second = (certificates._issue_one(enrol(cohort, state="completed"), timezone.now()) for _ in range(2))
    year = cohort.ends_on.year
    assert first.serial.startswith(f"NA-SCY-{year}-0001-") and second.serial.startswith(f"NA-SCY-{year}-0002-")
    assert first.serial.rsplit("-", 1)[1] != second.serial.rsplit("-", 1)[1]
    assert certificates.serial_is_well_formed(first.serial)
    # The next serial cannot be made by counting on.
    assert not certificates.serial_is_well_formed(second.serial.replace("-0002-", "-0003-"))


def test_names_are_masked():
    assert certificates.mask_name("张小明") == "张*明"
    assert certificates.mask_name("李明") == "李*"
    assert certificates.mask_name("欧阳小明") == "欧**明"


def test_verification_shows_only_the_masked_facts(certificate):
    response = Client().get(f"/zh-hans/training/verify/{certificate.serial}/")
    page = response.content.decode()
    assert response.status_code == 200
    assert "张*明" in page and "有效" in page
    for secret in ("张小明", "zhang@example.com", "/training/enrolments/", "/certificates/"):
        assert secret not in page


def test_a_revoked_certificate_says_so(certificate, staff):
    with pytest.raises(ValidationError):
        certificates.revoke(certificate, "  ", staff)
    certificates.revoke(certificate, "出勤记录有误", staff)
    page = Client().get(f"/en/training/verify/{certificate.serial}/").content.decode()
    assert "has been revoked" in page
    assert "出勤记录有误" not in page  # the reason is for staff, not the public


def test_an_altered_serial_is_called_out(certificate):
    body, check = certificate.serial.rsplit("-", 1)
    altered = body.replace("0001", "0002") + "-" + check
    response = Client().get(f"/en/training/verify/{altered}/")
    assert response.status_code == 404
    assert "not a genuine serial" in response.content.decode()


@pytest.mark.skipif(not shutil.which("pdffonts"), reason="needs poppler-utils")
def test_the_pdf_is_a4_landscape_and_embeds_noto_sans_cjk(certificate, tmp_path):
    path = tmp_path / "certificate.pdf"
    path.write_bytes(certificate.pdf.open("rb").read())
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    cjk = [line for line in fonts.splitlines()[2:] if re.search(r"Noto-?Sans-?CJK", line)]
    assert cjk and all(line.split()[-5] == "yes" for line in cjk)  # embedded
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    assert "842 x 595" in info or "841.89 x 595.276" in info


def test_a_cohort_is_issued_in_the_background_with_progress(staff, django_capture_on_commit_callbacks):
    cohort = make_cohort(starts_in_days=-40)
    for _ in range(3):
        enrol(cohort, state="completed")
    enrol(cohort, state="accepted")  # did not complete: no certificate
    with django_capture_on_commit_callbacks(execute=True):
        run = certificates.start_issuing(cohort, staff)
    run.refresh_from_db()
    assert (run.status, run.done, run.total) == (CertificateRun.Status.DONE, 3, 3)
    assert Certificate.objects.filter(enrolment__cohort=cohort).count() == 3
    with pytest.raises(ValidationError):
        certificates.start_issuing(cohort, staff)


def test_the_credential_verifies_with_the_published_key(certificate):
    client = Client()
    client.force_login(certificate.enrolment.user)
    token = client.get(f"/en/training/certificates/{certificate.pk}/credential.jwt").content.decode()
    published = json.loads(Client().get("/.well-known/jwks.json").content)
    assert all("d" not in key for key in published["keys"])  # never the private half
    claims = credentials.verify(token, published)
    assert claims["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    assert claims["credentialSubject"]["achievement"]["type"] == ["Achievement"]
    assert claims["sub"] == certificate.serial


@pytest.mark.parametrize("part", [1, 2])  # the payload, the signature
def test_the_credential_fails_when_one_byte_changes(certificate, part):
    token = credentials.sign(certificate)
    pieces = token.split(".")
    middle = len(pieces[part]) // 2
    pieces[part] = pieces[part][:middle] + ("A" if pieces[part][middle] != "A" else "B") + pieces[part][middle + 1:]
    with pytest.raises((BadSignatureError, DecodeError, ValueError)):
        credentials.verify(".".join(pieces), credentials.jwks())
