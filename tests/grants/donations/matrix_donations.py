"""Permission-matrix entries for the donation URLs (merged by tests/test_permission_matrix.py).

URLs may name the objects of its `world` fixture: {award} (a funded project) and {donation}
(a paid donation to it, by UUID). Donating, the thank-you page and the receipts are public:
the donation's UUID is the capability. The refund action is POST only (a GET is refused
before anything is looked at); a POST by anyone but staff is a 403 (tests/grants/donations/test_donations.py).
"""

from tests.matrix import LOGIN, OK, everyone

MATRIX = {
    # With the test settings' Stripe keys unset, both forms answer 200 with "switched off".
    "<lang>/projects/<int:pk>/donate/": ("/en/projects/{award}/donate/", everyone(OK)),
    "<lang>/donate/": ("/en/donate/", everyone(OK)),
    "<lang>/donations/<uuid:public_id>/": ("/en/donations/{donation}/", everyone(OK)),
    "<lang>/donations/<uuid:public_id>/receipt/": ("/en/donations/{donation}/receipt/", everyone(OK)),
    "<lang>/donations/<uuid:public_id>/receipt.pdf": ("/en/donations/{donation}/receipt.pdf", everyone(OK)),
    "<lang>/staff/donations/<uuid:public_id>/refund/": (
        "/en/staff/donations/{donation}/refund/", {**everyone(405), "anonymous": LOGIN}),
    # Stripe's webhook, outside the language tree: POST only, for everyone.
    "stripe/webhook/": ("/stripe/webhook/", everyone(405)),
}
