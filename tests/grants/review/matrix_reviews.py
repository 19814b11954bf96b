"""Permission-matrix entries for the reviews URLs (merged by tests/test_permission_matrix.py).

URLs may name the objects of its `world` fixture: {proposal}, {reviewed} (a proposal in
review), {assignment} (`reviewer`'s assignment to it), {review_file}, {call}, {organisation}.

Only the assigned reviewer opens an assignment; everyone else — the applicant whose proposal
it is, staff and supervisors included (they have their own pages) — gets a 404 that confirms
nothing. In the world the reviewer has not declared a conflict of interest yet, so the
assignment's page asks for the declaration and its PDF and files send them there first.
"""

from tests.matrix import FORBIDDEN, LOGIN, NOT_FOUND, OK, REDIRECT, everyone, signed_in


def reviewer_only(status):
    return {**everyone(NOT_FOUND), "anonymous": LOGIN, "reviewer": status}


MATRIX = {
    "<lang>/reviews/": ("/en/reviews/", {**signed_in(FORBIDDEN), "reviewer": OK}),
    "<lang>/reviews/<int:pk>/": ("/en/reviews/{assignment}/", reviewer_only(OK)),
    "<lang>/reviews/<int:pk>/pdf/": ("/en/reviews/{assignment}/pdf/", reviewer_only(REDIRECT)),
    "<lang>/reviews/<int:pk>/files/<int:attachment_pk>/": (
        "/en/reviews/{assignment}/files/{review_file}/", reviewer_only(REDIRECT)),
}
