"""Issuing a 200-person cohort's certificates, and the public verification page at scale.

    DATABASE_URL=postgres://… .venv/bin/python bench/certificates.py [N] [--verify-only]   # N = 100000

Point DATABASE_URL at a scratch database: the script migrates it and adds rows (users and
cohorts named BENCH…). It then

1. issues the certificates of a fresh 200-person cohort through the background task's own
   function (serial, PDF with its QR code, private file, audit entry, progress), printing the
   time per certificate, the total and the process's peak memory (maximum resident set);
2. bulk-creates certificates up to N in all (once; a second run reuses them), runs ANALYZE,
   and times 30 requests (after 3 warm-ups) of /zh-hans/training/verify/<serial>/ for random
   serials through Django's test client and the whole middleware stack, printing the median,
   the 95th percentile, and the median of the same page without a serial (the frame alone).

Targets: under 0.3 s per certificate; a median under 20 ms for verification at 100,000.
"""

import os
import random
import resource
import secrets
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

COHORT_SIZE = 200
RUNS, WARMUPS = 30, 3
BATCH = 5000


def configure():
    os.environ["DEBUG"] = "false"
    # Fixed: serials' check parts depend on the key, and a second run reuses the certificates.
    os.environ.setdefault("SECRET_KEY", "bench-only-certificates-" + "k" * 40)
    os.environ.setdefault("ALLOWED_HOSTS", "testserver,localhost")
    os.environ["SECURE_SSL_REDIRECT"] = "false"
    if not os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://")):
        sys.exit(f"{sys.argv[0]} measures PostgreSQL: set DATABASE_URL=postgres://… to a scratch database.")
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
    import django

    django.setup()


def programme():
    from cms.models import HomePage
    from incubator.training.models import ProgrammeIndexPage, ProgrammePage

    found = ProgrammePage.objects.filter(code="BEN").first()
    if found:
        return found
    home = HomePage.objects.get(locale__language_code="zh-hans")
    index = ProgrammeIndexPage.objects.first() or home.add_child(
        instance=ProgrammeIndexPage(title="人才培养", slug="bench-training"))
    page = index.add_child(instance=ProgrammePage(
        title="社创营（测试）", slug="bench-programme", code="BEN", intro="基准测试", audience="<p>社工</p>"))
    page.save_revision().publish()
    return page


def users(count):
    from django.contrib.auth.hashers import make_password

    from incubator.accounts.models import User

    password = make_password(secrets.token_urlsafe(12))
    emails = [f"bench-trainee-{n:04d}@seedbed.test" for n in range(count)]
    User.objects.bulk_create([User(email=email, name=f"测试学员{n:04d}", password=password)
                              for n, email in enumerate(emails)], ignore_conflicts=True)
    return list(User.objects.filter(email__in=emails).order_by("email"))


def cohort(page, name):
    from django.utils import timezone

    from incubator.training.models import Cohort

    today = timezone.localdate()
    return Cohort.objects.create(
        programme=page, name_zh=name, name_en=name, starts_on=today - timedelta(days=60),
        ends_on=today - timedelta(days=30), capacity=COHORT_SIZE, audience="social_workers",
        enrol_opens_at=timezone.now() - timedelta(days=90), enrol_closes_at=timezone.now() - timedelta(days=70))


def issue_one_cohort(page, trainees):
    from incubator.training.certificates import issue_certificates
    from incubator.training.models import CertificateRun, Enrolment

    fresh = cohort(page, f"BENCH 发证 {secrets.token_hex(3)}")
    Enrolment.objects.bulk_create([Enrolment(cohort=fresh, user=user, state="completed") for user in trainees])
    run = CertificateRun.objects.create(cohort=fresh, total=len(trainees))
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.perf_counter()
    issue_certificates.call(run.pk)
    total = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    run.refresh_from_db()
    assert run.done == len(trainees), run.done
    print(f"Issued {run.done} certificates (PDF with QR code each) in {total:.1f} s: "
          f"{total / run.done:.3f} s per certificate; peak memory (max RSS) {peak / 1024:.0f} MiB "
          f"(was {before / 1024:.0f} MiB before issuing)")


def ensure_certificates(page, trainees, count):
    from django.utils import timezone

    from incubator.training.certificates import _check
    from incubator.training.models import Certificate, Enrolment

    existing = Certificate.objects.count()
    number = 0
    while existing < count:
        batch = cohort(page, f"BENCH 规模 {secrets.token_hex(3)}")
        enrolments = Enrolment.objects.bulk_create(
            [Enrolment(cohort=batch, user=user, state="completed") for user in trainees])
        certificates = []
        for enrolment in enrolments:
            number += 1
            body = f"NA-BEN-{batch.pk:06d}-{number:06d}"
            certificates.append(Certificate(enrolment=enrolment, serial=f"{body}-{_check(body)}",
                                            holder_name=enrolment.user.name, issued_at=timezone.now()))
        Certificate.objects.bulk_create(certificates, batch_size=BATCH)
        existing += len(certificates)
    return existing


def measure(serials):
    from django.conf import settings
    from django.test import Client, override_settings

    static = {**settings.STORAGES,
              "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
    with override_settings(STORAGES=static):
        return _measure(serials, Client())


def _measure(serials, client):
    for serial in serials[:WARMUPS]:
        assert client.get(f"/zh-hans/training/verify/{serial}/").status_code == 200
    times = []
    for serial in serials[WARMUPS:WARMUPS + RUNS]:
        started = time.perf_counter()
        response = client.get(f"/zh-hans/training/verify/{serial}/")
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, serial
    times.sort()
    # The same page without a serial: the site's frame (menu, footer settings, session) alone.
    empty = []
    for _ in range(RUNS):
        started = time.perf_counter()
        client.get("/zh-hans/training/verify/")
        empty.append((time.perf_counter() - started) * 1000)
    return statistics.median(times), times[int(len(times) * 0.95) - 1], statistics.median(empty)


def main():
    arguments = [argument for argument in sys.argv[1:] if not argument.startswith("--")]
    count = int(arguments[0]) if arguments else 100_000
    configure()
    from django.core.management import call_command
    from django.db import connection

    from incubator.training.models import Certificate

    call_command("migrate", verbosity=0)
    page = programme()
    trainees = users(COHORT_SIZE)
    if "--verify-only" not in sys.argv:
        issue_one_cohort(page, trainees)
    started = time.perf_counter()
    total = ensure_certificates(page, trainees, count)
    print(f"{total} certificates in the database ({time.perf_counter() - started:.1f} s to add the missing ones)")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    ids = list(Certificate.objects.values_list("pk", flat=True))
    chosen = random.Random(14).sample(ids, WARMUPS + RUNS + 1)
    serials = list(Certificate.objects.filter(pk__in=chosen).values_list("serial", flat=True))
    median, p95, frame = measure(serials)
    print(f"Verification page, {total} certificates: median {median:.1f} ms, p95 {p95:.1f} ms; "
          f"the empty form page (the site's frame, no lookup): median {frame:.1f} ms")


if __name__ == "__main__":
    main()
