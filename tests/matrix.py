"""The vocabulary of the permission matrix (tests/test_permission_matrix.py and the
tests/grants/matrix_*.py files): who asks, and what they get."""

ROLES = [
    "anonymous", "applicant", "other_applicant", "reviewer", "staff", "supervisor", "funder",
]
LOGIN = "login"  # a redirect to the sign-in page
OK, REDIRECT, FORBIDDEN, NOT_FOUND = 200, 302, 403, 404


def everyone(status):
    return dict.fromkeys(ROLES, status)


def signed_in(status, anonymous=LOGIN):
    return {**everyone(status), "anonymous": anonymous}


def members_and_staff(status=OK, staff=OK, supervisor=None):
    """A record of the applicant's organisation: its members and staff (supervisors read what
    staff read); others learn nothing."""
    return {**everyone(NOT_FOUND), "anonymous": LOGIN, "applicant": status, "staff": staff,
            "supervisor": staff if supervisor is None else supervisor}


def visitors_only(status):
    """Pages for signing in or up: signed-in users are sent on to their profile."""
    return {**everyone(REDIRECT), "anonymous": status}




def award_readers(status=OK):
    """An award's record: the holder's members, staff, supervisors and the award's funders
    read it; anyone else learns nothing."""
    return {**everyone(NOT_FOUND), "anonymous": LOGIN, "applicant": status, "staff": status,
            "supervisor": status, "funder": status}


def staff_and_supervisors(status=OK):
    """Staff work here and supervisors read; everyone else signed in is refused."""
    return {**everyone(FORBIDDEN), "anonymous": LOGIN, "staff": status, "supervisor": status}


# Actions are POST only: a GET is refused before anything is looked at.
POST_ONLY = {**everyone(405), "anonymous": LOGIN}
