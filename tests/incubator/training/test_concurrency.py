"""Capacity holds when staff accept in several tabs at once and when people apply at once.

Each thread has its own database connection. On PostgreSQL the cohort row lock serialises
them. On SQLite the write transactions do, when they start IMMEDIATE with a file test
database (OPTIONS transaction_mode, TEST NAME): the others wait their turn. SQLite's default
deferred transactions also never give an extra place, but the losers fail with "database is
locked" instead of waiting, and an in-memory test database cannot be shared by threads: both
are skipped.
"""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import OperationalError, close_old_connections, connection

from incubator.training import services
from incubator.training.models import Enrolment
from tests.factories import UserFactory
from tests.incubator.training.training_fixtures import SOCIAL_WORKER_ANSWERS, enrol, make_cohort

shared_database = pytest.mark.skipif(
    connection.vendor == "sqlite" and (
        connection.settings_dict["TEST"].get("NAME") in (None, "", ":memory:")
        or connection.settings_dict.get("OPTIONS", {}).get("transaction_mode") != "IMMEDIATE"),
    reason="threads need a database they share and wait on: PostgreSQL, or SQLite with a file test "
           "database and IMMEDIATE transactions")


def _race(calls):
    """Run the calls at the same moment in threads; return what each returned or raised."""
    barrier = threading.Barrier(len(calls))
    results = [None] * len(calls)

    def run(index, call):
        try:
            barrier.wait()
            results[index] = call()
        except (ValidationError, OperationalError) as error:
            results[index] = error
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=run, args=(index, call)) for index, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


@shared_database
@pytest.mark.django_db(transaction=True)
def test_accepting_many_at_once_fills_the_cohort_exactly(staff):
    cohort = make_cohort(capacity=3)
    applications = [enrol(cohort, state="applied") for _ in range(8)]
    results = _race([lambda enrolment=enrolment: services.decide(enrolment, "accepted", staff)
                     for enrolment in applications])
    assert Enrolment.objects.filter(cohort=cohort, state="accepted").count() == 3
    assert sum(isinstance(result, Enrolment) for result in results) == 3


@shared_database
@pytest.mark.django_db(transaction=True)
def test_the_same_acceptance_in_two_tabs_happens_once(staff):
    from wagtail.models import ModelLogEntry

    cohort = make_cohort(capacity=5)
    enrolment = enrol(cohort, state="applied")
    _race([lambda: services.decide(enrolment, "accepted", staff)] * 2)
    assert ModelLogEntry.objects.filter(action="seedbed.training.enrolment.accepted").count() == 1


@shared_database
@pytest.mark.django_db(transaction=True)
def test_applying_twice_at_once_makes_one_enrolment():
    cohort = make_cohort()
    user = UserFactory()
    _race([lambda: services.apply(cohort, user, SOCIAL_WORKER_ANSWERS)] * 3)
    assert Enrolment.objects.filter(cohort=cohort, user=user).count() == 1


@shared_database
@pytest.mark.django_db(transaction=True)
def test_two_places_freed_at_once_are_offered_to_two_different_people():
    cohort = make_cohort(capacity=2)
    holders = [enrol(cohort), enrol(cohort)]
    waiting = [enrol(cohort, state="waitlisted") for _ in range(3)]
    _race([lambda holder=holder: services.withdraw(holder, holder.user) for holder in holders])
    assert cohort.holders().count() == 2
    assert Enrolment.objects.filter(pk__in=[w.pk for w in waiting], state="offered").count() == 2
