"""Permission-matrix entries for the 360Giving open data (merged by
tests/test_permission_matrix.py): public files, outside the language tree, for everyone, and
the page that explains them, in each language."""

from tests.matrix import OK, everyone

MATRIX = {
    "open-data/360giving.json": ("/open-data/360giving.json", everyone(OK)),
    "open-data/360giving.csv": ("/open-data/360giving.csv", everyone(OK)),
    "<lang>/open-data/": ("/en/open-data/", everyone(OK)),
}
