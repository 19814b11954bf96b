"""Permission-matrix entries for reports and budget variations (merged by
tests/test_permission_matrix.py).

URLs name the objects of its `world` fixture: {award} (the applicant organisation's award,
funded by a fund `funder` manages), {report} (its mid-term report) and {evidence} (a file of
that report). Readers of the award see reports and evidence; only the holder asks for a
variation (readers who may not are refused, everyone else learns nothing).
"""

from tests.matrix import FORBIDDEN, OK, POST_ONLY, award_readers

MATRIX = {
    "<lang>/awards/<int:pk>/reports/<int:report_pk>/": ("/en/awards/{award}/reports/{report}/", award_readers()),
    "<lang>/awards/<int:pk>/reports/<int:report_pk>/decide/": (
        "/en/awards/{award}/reports/{report}/decide/", POST_ONLY),
    "<lang>/awards/<int:pk>/reports/<int:report_pk>/evidence/<int:evidence_pk>/": (
        "/en/awards/{award}/reports/{report}/evidence/{evidence}/", award_readers()),
    "<lang>/awards/<int:pk>/variations/new/": (
        "/en/awards/{award}/variations/new/",
        {**award_readers(FORBIDDEN), "applicant": OK}),
    "<lang>/awards/<int:pk>/variations/<int:variation_pk>/decide/": (
        "/en/awards/{award}/variations/999/decide/", POST_ONLY),
}
