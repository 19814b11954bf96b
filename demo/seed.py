"""The demo's one entry point, which the seed_demo command calls: all the demo data, in the
order it happened, each part safe to run again (it adds only what is missing).

The demo goes through the real services, which email people and queue background work. Its
people are made up and no worker may be running: the services send no email here
(`core.mail.quiet`), and what they queue runs at once (`core.tasks.run_now`), so nothing is
left in a queue.
"""

import time

from django.db import transaction

from core import mail, tasks
from demo.calls import ensure_calls, ensure_themes
from demo.funding import ensure_demo_funding
from demo.funding import summary_line as funding_summary_line
from demo.organisations import ensure_organisations
from demo.people import (
    APPLICANTS,
    DEMO_PASSWORD,
    DEMO_USERS,
    STAFF_EMAIL,
    bulk_applicants,
    ensure_applicants,
    ensure_demo_users,
)
from demo.proposals import PROPOSALS, ensure_proposal
from demo.review import ensure_demo_reviews
from demo.review import summary_line as review_summary_line
from demo.site import ensure_demo_pages
from demo.training import ensure_demo_training
from demo.training import summary_line as training_summary_line
from incubator.accounts.models import User
from incubator.accounts.reference import ensure_roles
from incubator.places.reference import ensure_places
from portal import services as open_data


def seed_demo(out, scale=0):
    """Load the demo data, writing what was added to `out`; with `scale`, also `scale` bulk
    applicant accounts (for benchmarks)."""
    with mail.quiet(), tasks.run_now():
        ensure_roles()
        ensure_places()
        pages = ensure_demo_pages()
        users = ensure_demo_users()
        out.write(f"Demo pages created: {pages}; demo users created: {len(users)}")
        grants = ensure_demo_grants()
        out.write(
            "Demo grants created: {themes} themes, {pages} call pages, {applicants} applicant "
            "accounts, {organisations} organisations, {proposals} proposals".format(**grants)
        )
        out.write(review_summary_line(ensure_demo_reviews()))
        out.write(funding_summary_line(ensure_demo_funding()))
        out.write(training_summary_line(ensure_demo_training()))
        # The demo backdates awards and books some gifts straight through the ledger, which
        # send no events: write the open data once more, from everything as it now stands.
        transaction.on_commit(lambda: open_data.regenerate(force=True))
        if scale:
            started = time.perf_counter()
            bulk_applicants(scale)
            out.write(f"Scale {scale}: applicant accounts in {time.perf_counter() - started:.1f} s")
    out.write("Demo logins (password for all: %s):" % DEMO_PASSWORD)
    for email, name, roles, superuser in DEMO_USERS:
        role = "superuser" if superuser else (", ".join(roles) or "applicant")
        out.write(f"  {email:<28} {role:<12} {name}")
    for email, name in APPLICANTS:
        out.write(f"  {email:<28} {'applicant':<12} {name}")


@transaction.atomic
def ensure_demo_grants():
    """This year's themes, calls, applicants, organisations and proposals; returns what was
    created, by kind. Needs the places and the demo users (staff@ and applicant@)."""
    themes = ensure_themes()
    calls, pages = ensure_calls()
    applicants = ensure_applicants(APPLICANTS)
    organisations, registered = ensure_organisations(User.objects.get(email=STAFF_EMAIL))
    proposals = sum(
        ensure_proposal(spec, calls[spec["call"]], organisations[spec["organisation"]],
                        User.objects.get(email=spec["user"]))
        for spec in PROPOSALS)
    return {"themes": themes, "pages": pages, "applicants": len(applicants),
            "organisations": registered, "proposals": proposals}
