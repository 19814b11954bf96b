"""Permission-matrix entries for funds, awards, matching and the public project page (merged
by tests/test_permission_matrix.py).

URLs name the objects of its `world` fixture: {award} (the applicant organisation's award,
signed, funded by {fund}, which `funder` manages) and {run} (a matching run). Lists answer
every signed-in person with what they may see; a record answers its readers and gives
anyone else a 404; the matching is staff's, read by supervisors. Only the holder asks for a
budget variation (readers who may not are refused, everyone else learns nothing).
"""

from tests.matrix import (
    FORBIDDEN,
    NOT_FOUND,
    OK,
    POST_ONLY,
    award_readers,
    everyone,
    signed_in,
    staff_and_supervisors,
)

FUND_READERS = {**staff_and_supervisors(), "funder": OK}

MATRIX = {
    "<lang>/projects/<int:pk>/": ("/en/projects/{award}/", everyone(OK)),
    "<lang>/organisations/<int:pk>/profile/": ("/en/organisations/{organisation}/profile/", everyone(OK)),
    "api/projects/": ("/api/projects/", everyone(OK)),
    "<lang>/awards/": ("/en/awards/", signed_in(OK)),
    "<lang>/awards/export.<str:format>": ("/en/awards/export.csv", signed_in(OK)),
    "<lang>/awards/<int:pk>/": ("/en/awards/{award}/", award_readers()),
    "<lang>/awards/<int:pk>/agreement.pdf": ("/en/awards/{award}/agreement.pdf", award_readers()),
    # The signed scan: the holder and the centre, not the funders.
    "<lang>/awards/<int:pk>/signed-agreement/": (
        "/en/awards/{award}/signed-agreement/", {**award_readers(), "funder": NOT_FOUND}),
    "<lang>/awards/<int:pk>/sign/": ("/en/awards/{award}/sign/", POST_ONLY),
    "<lang>/awards/<int:pk>/schedule/": ("/en/awards/{award}/schedule/", POST_ONLY),
    "<lang>/awards/<int:pk>/pay/": ("/en/awards/{award}/pay/", POST_ONLY),
    "<lang>/awards/<int:pk>/terminate/": ("/en/awards/{award}/terminate/", POST_ONLY),
    "<lang>/awards/<int:pk>/variations/new/": (
        "/en/awards/{award}/variations/new/",
        {**award_readers(FORBIDDEN), "applicant": OK}),
    "<lang>/awards/<int:pk>/variations/<int:variation_pk>/decide/": (
        "/en/awards/{award}/variations/999/decide/", POST_ONLY),
    "<lang>/funds/": ("/en/funds/", FUND_READERS),
    "<lang>/funds/export.<str:format>": ("/en/funds/export.xlsx", FUND_READERS),
    "<lang>/funds/<int:pk>/": ("/en/funds/{fund}/", {**FUND_READERS, **dict.fromkeys(
        ["applicant", "other_applicant", "reviewer"], NOT_FOUND)}),
    # Changing a budget is staff's; those who read the fund are refused, others learn nothing.
    "<lang>/funds/<int:pk>/budget/": ("/en/funds/{fund}/budget/", {
        **staff_and_supervisors(FORBIDDEN), "staff": OK, "funder": FORBIDDEN,
        **dict.fromkeys(["applicant", "other_applicant", "reviewer"], NOT_FOUND)}),
    "<lang>/staff/matching/": ("/en/staff/matching/", staff_and_supervisors()),
    "<lang>/staff/matching/<int:pk>/": ("/en/staff/matching/{run}/", staff_and_supervisors()),
    "<lang>/staff/matching/<int:pk>/rerun/": ("/en/staff/matching/{run}/rerun/", POST_ONLY),
    "<lang>/staff/matching/<int:pk>/confirm/": ("/en/staff/matching/{run}/confirm/", POST_ONLY),
    "<lang>/staff/matching/<int:pk>/retry/": ("/en/staff/matching/{run}/retry/", POST_ONLY),
}
