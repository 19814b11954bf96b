"""Permission-matrix entries for the staff URLs (merged by tests/test_permission_matrix.py).

URLs may name the objects of its `world` fixture: {proposal}, {reviewed} (a proposal in
review), {assignment} (`reviewer`'s assignment to it), {review_file}, {call}, {organisation}.
"""

from tests.matrix import FORBIDDEN, LOGIN, OK, everyone


def staff_and_supervisors(status=OK):
    """Staff work here and supervisors read; everyone else signed in is refused."""
    return {**everyone(FORBIDDEN), "anonymous": LOGIN, "staff": status, "supervisor": status}


MATRIX = {
    "<lang>/staff/proposals/<int:pk>/": ("/en/staff/proposals/{reviewed}/", staff_and_supervisors()),
    "<lang>/staff/calls/<int:call_pk>/ranking/": ("/en/staff/calls/{call}/ranking/", staff_and_supervisors()),
    # Actions are POST only: a GET is refused before anything is looked at.
    "<lang>/staff/proposals/<int:pk>/screen/": (
        "/en/staff/proposals/{reviewed}/screen/", {**everyone(405), "anonymous": LOGIN}),
    "<lang>/staff/proposals/<int:pk>/assign/": (
        "/en/staff/proposals/{reviewed}/assign/", {**everyone(405), "anonymous": LOGIN}),
    "<lang>/staff/proposals/<int:pk>/determine/": (
        "/en/staff/proposals/{reviewed}/determine/", {**everyone(405), "anonymous": LOGIN}),
}
