"""Training's URLs in the permission matrix. In the world, `applicant` is a trainee who
completed the cohort, `reviewer` is its trainer, and everyone else has no part in it:
trainees see only their own records, trainers only their cohorts, the public only the
cohort pages and the verification page's masked facts."""

from tests.matrix import (
    FORBIDDEN,
    LOGIN,
    NOT_FOUND,
    OK,
    POST_ONLY,
    everyone,
    signed_in,
)


def trainee_and_cohort_readers(status=OK):
    return {**everyone(NOT_FOUND), "anonymous": LOGIN, "applicant": status, "reviewer": status,
            "staff": status, "supervisor": status}


def cohort_runners(supervisor=OK):
    return {**everyone(FORBIDDEN), "anonymous": LOGIN, "reviewer": OK, "staff": OK, "supervisor": supervisor}


MATRIX = {
    "<lang>/training/cohorts/<int:pk>/": ("/en/training/cohorts/{cohort}/", everyone(OK)),
    "<lang>/training/cohorts/<int:pk>/calendar.ics": ("/en/training/cohorts/{cohort}/calendar.ics", everyone(OK)),
    "<lang>/training/cohorts/<int:pk>/enrol/": ("/en/training/cohorts/{cohort}/enrol/", signed_in(OK)),
    "<lang>/training/mine/": ("/en/training/mine/", signed_in(OK)),
    "<lang>/training/enrolments/<int:pk>/": (
        "/en/training/enrolments/{enrolment}/", {**everyone(NOT_FOUND), "anonymous": LOGIN, "applicant": OK}),
    "<lang>/training/enrolments/<int:pk>/withdraw/": ("/en/training/enrolments/{enrolment}/withdraw/", POST_ONLY),
    "<lang>/training/enrolments/<int:pk>/confirm/": ("/en/training/enrolments/{enrolment}/confirm/", POST_ONLY),
    "<lang>/training/materials/<int:pk>/": ("/en/training/materials/{material}/", trainee_and_cohort_readers()),
    "<lang>/training/check-in/": ("/en/training/check-in/", signed_in(OK)),
    # A made-up code is refused whoever brings it.
    "<lang>/training/check-in/<str:code>/": ("/en/training/check-in/{session}-0123456789abcdef/", signed_in(400)),
    "<lang>/training/staff/": ("/en/training/staff/", cohort_runners()),
    "<lang>/training/staff/cohorts/<int:pk>/": ("/en/training/staff/cohorts/{cohort}/", cohort_runners()),
    "<lang>/training/staff/cohorts/<int:pk>/decide/": ("/en/training/staff/cohorts/{cohort}/decide/", POST_ONLY),
    "<lang>/training/staff/cohorts/<int:pk>/assignments/": (
        "/en/training/staff/cohorts/{cohort}/assignments/", POST_ONLY),
    "<lang>/training/staff/cohorts/<int:pk>/complete/": ("/en/training/staff/cohorts/{cohort}/complete/", POST_ONLY),
    "<lang>/training/staff/cohorts/<int:pk>/certificates/": (
        "/en/training/staff/cohorts/{cohort}/certificates/", POST_ONLY),
    # Supervisors read the cohort; marking attendance and showing the code is for those who run it.
    "<lang>/training/staff/sessions/<int:pk>/attendance/": (
        "/en/training/staff/sessions/{session}/attendance/", cohort_runners(supervisor=FORBIDDEN)),
    "<lang>/training/staff/sessions/<int:pk>/materials/": ("/en/training/staff/sessions/{session}/materials/", POST_ONLY),
    "<lang>/training/staff/sessions/<int:pk>/check-in/": (
        "/en/training/staff/sessions/{session}/check-in/", cohort_runners(supervisor=FORBIDDEN)),
    "<lang>/training/staff/sessions/<int:pk>/check-in/qr.svg": (
        "/en/training/staff/sessions/{session}/check-in/qr.svg", cohort_runners(supervisor=FORBIDDEN)),
    "<lang>/training/certificates/<int:pk>/pdf/": (
        "/en/training/certificates/{certificate}/pdf/", trainee_and_cohort_readers()),
    "<lang>/training/certificates/<int:pk>/credential.jwt": (
        "/en/training/certificates/{certificate}/credential.jwt", trainee_and_cohort_readers()),
    "<lang>/training/certificates/<int:pk>/revoke/": ("/en/training/certificates/{certificate}/revoke/", POST_ONLY),
    "<lang>/training/verify/": ("/en/training/verify/", everyone(OK)),
    "<lang>/training/verify/<str:serial>/": ("/en/training/verify/{serial}/", everyone(OK)),
    ".well-known/jwks.json": ("/.well-known/jwks.json", everyone(OK)),
}
