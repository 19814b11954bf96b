"""Permission-matrix entries for the reviews URLs (merged by tests/test_permission_matrix.py).

URLs may name the objects of its `world` fixture: {proposal}, {reviewed} (a proposal in
review), {assignment} (`reviewer`'s assignment to it), {review_file}, {call}, {organisation}.
"""

from tests.matrix import FORBIDDEN, LOGIN, NOT_FOUND, OK, everyone, signed_in  # noqa: F401

MATRIX = {}
