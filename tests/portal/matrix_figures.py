"""Permission-matrix entries for the public figures' CSV downloads (merged by
tests/test_permission_matrix.py). The figures page itself is a Wagtail page, served by the
catch-all route; its CSVs are as public as it is."""

from tests.matrix import OK, everyone

MATRIX = {
    "<lang>/figures/<slug:slug>.csv": ("/en/figures/money-by-street.csv", everyone(OK)),
}
