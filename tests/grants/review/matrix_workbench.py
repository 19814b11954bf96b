"""Permission-matrix entries for the workbench URLs (merged by tests/test_permission_matrix.py).

URLs may name the objects of its `world` fixture: {proposal}, {reviewed} (a proposal in
review), {assignment} (`reviewer`'s assignment to it), {review_file}, {call}, {organisation}.
"""

from tests.matrix import FORBIDDEN, LOGIN, NOT_FOUND, OK, everyone, signed_in  # noqa: F401

# Staff work on the list; supervisors read it; every other signed-in user is refused.
STAFF_AND_SUPERVISORS = {**signed_in(FORBIDDEN), "staff": OK, "supervisor": OK}

MATRIX = {
    "<lang>/staff/proposals/": ("/en/staff/proposals/", STAFF_AND_SUPERVISORS),
    "<lang>/staff/proposals/export.<str:format>": ("/en/staff/proposals/export.csv", STAFF_AND_SUPERVISORS),
}
