import time

from django.core.management.base import BaseCommand

from core import mail, tasks
from demo.funding import ensure_demo_funding
from demo.funding import summary_line as funding_summary_line
from demo.people import DEMO_PASSWORD, DEMO_USERS, bulk_applicants, ensure_demo_users
from demo.proposals import APPLICANTS, ensure_demo_grants
from demo.review import ensure_demo_reviews, summary_line
from demo.site import ensure_demo_pages
from incubator.accounts.reference import ensure_roles
from incubator.places.reference import ensure_places


class Command(BaseCommand):
    help = "Load realistic bilingual demo data. Safe to run again: it only adds what is missing."

    def add_arguments(self, parser):
        parser.add_argument(
            "--scale", type=int, default=0, metavar="N",
            help="also bulk-create N records of each high-volume kind (for benchmarks)",
        )

    def handle(self, *args, scale=0, **options):
        # The demo goes through the real services, which email people and queue background
        # work. Its people are made up and no worker may be running: the services send no
        # email here, and what they queue runs at once, so nothing is left in a queue.
        with mail.quiet(), tasks.run_now():
            self.seed(scale)

    def seed(self, scale):
        ensure_roles()
        ensure_places()
        pages = ensure_demo_pages()
        users = ensure_demo_users()
        self.stdout.write(f"Demo pages created: {pages}; demo users created: {len(users)}")
        grants = ensure_demo_grants()
        self.stdout.write(
            "Demo grants created: {themes} themes, {pages} call pages, {applicants} applicant "
            "accounts, {organisations} organisations, {proposals} proposals".format(**grants)
        )
        self.stdout.write(summary_line(ensure_demo_reviews()))
        self.stdout.write(funding_summary_line(ensure_demo_funding()))
        if scale:
            started = time.perf_counter()
            bulk_applicants(scale)
            self.stdout.write(
                f"Scale {scale}: applicant accounts in {time.perf_counter() - started:.1f} s"
            )
        self.stdout.write("Demo logins (password for all: %s):" % DEMO_PASSWORD)
        for email, name, roles, superuser in DEMO_USERS:
            role = "superuser" if superuser else (", ".join(roles) or "applicant")
            self.stdout.write(f"  {email:<28} {role:<12} {name}")
        for email, name in APPLICANTS:
            self.stdout.write(f"  {email:<28} {'applicant':<12} {name}")
