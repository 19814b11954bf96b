"""Training shown elsewhere: the person's profile, the organisation's page, the figures."""

import pytest
from django.test import Client

from portal.figures import Figures
from tests.factories import OrganisationFactory, UserFactory
from tests.incubator.training.training_fixtures import enrol, make_cohort

pytestmark = pytest.mark.django_db


def test_the_profile_lists_completed_programmes(applicant):
    cohort = make_cohort(starts_in_days=-60, name_zh="社创营第三期")
    enrol(cohort, applicant, state="completed")
    enrol(make_cohort(name_zh="社创营第四期"), applicant, state="accepted")
    client = Client()
    client.force_login(applicant)
    page = client.get("/zh-hans/accounts/profile/").content.decode()
    assert "社创营第三期" in page and "社创营第四期" not in page


def test_the_organisation_page_counts_its_people_trained(applicant, organisation):
    colleague = UserFactory()
    organisation.memberships.create(user=colleague)
    cohort = make_cohort(starts_in_days=-60)
    enrol(cohort, applicant, state="completed")
    enrolment = enrol(make_cohort(starts_in_days=-90), colleague, state="completed")
    enrolment.organisation = organisation
    enrolment.save()
    enrol(cohort, UserFactory(), state="completed")  # someone else's
    client = Client()
    client.force_login(applicant)
    page = client.get(f"/en/organisations/{organisation.pk}/").content.decode()
    assert "2 of its people completed a training cohort" in page


def test_the_figures_count_people_trained_completion_and_streets():
    organisation = OrganisationFactory()
    cohort = make_cohort(starts_in_days=-60)
    for _ in range(3):
        enrolment = enrol(cohort, state="completed")
        enrolment.organisation = organisation
        enrolment.save()
    enrol(cohort, state="accepted")  # held a place, did not complete
    enrol(cohort, state="withdrawn")
    figures = Figures()
    trained = figures.trained_by_programme_and_year()
    assert trained.categories == [str(cohort.ends_on.year)] and trained.series[0].values == [3]
    completion = figures.completion_by_programme()
    assert [series.values for series in completion.series] == [[3], [1]]
    streets = figures.trainees_by_street()
    assert streets.series[0].values[streets.categories.index(organisation.street.name)] == 3
