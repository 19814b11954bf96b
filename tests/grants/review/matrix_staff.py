"""Permission-matrix entries for the staff URLs (merged by tests/test_permission_matrix.py).

URLs may name the objects of its `world` fixture: {proposal}, {reviewed} (a proposal in
review), {assignment} (`reviewer`'s assignment to it), {review_file}, {call}, {organisation}.
"""

from tests.matrix import POST_ONLY, staff_and_supervisors

MATRIX = {
    "<lang>/staff/proposals/<int:pk>/": ("/en/staff/proposals/{reviewed}/", staff_and_supervisors()),
    "<lang>/staff/calls/<id:call_pk>/ranking/": ("/en/staff/calls/{call}/ranking/", staff_and_supervisors()),
    "<lang>/staff/proposals/<int:pk>/screen/": (
        "/en/staff/proposals/{reviewed}/screen/", POST_ONLY),
    "<lang>/staff/proposals/<int:pk>/assign/": (
        "/en/staff/proposals/{reviewed}/assign/", POST_ONLY),
    "<lang>/staff/proposals/<int:pk>/determine/": (
        "/en/staff/proposals/{reviewed}/determine/", POST_ONLY),
}
