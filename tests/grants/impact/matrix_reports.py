"""Permission-matrix entries for reports (merged by tests/test_permission_matrix.py).

URLs name the objects of its `world` fixture: {award} (the applicant organisation's award,
funded by a fund `funder` manages), {report} (its mid-term report) and {evidence} (a file of
that report). Readers of the award see reports and evidence.
"""

from tests.matrix import POST_ONLY, award_readers

MATRIX = {
    "<lang>/awards/<int:pk>/reports/<int:report_pk>/": ("/en/awards/{award}/reports/{report}/", award_readers()),
    "<lang>/awards/<int:pk>/reports/<int:report_pk>/decide/": (
        "/en/awards/{award}/reports/{report}/decide/", POST_ONLY),
    "<lang>/awards/<int:pk>/reports/<int:report_pk>/evidence/<int:evidence_pk>/": (
        "/en/awards/{award}/reports/{report}/evidence/{evidence}/", award_readers()),
}
