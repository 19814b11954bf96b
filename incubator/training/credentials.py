"""The signed, portable form of a certificate: an Open Badges 3.0 OpenBadgeCredential (a W3C
Verifiable Credential) secured as a VC-JWT with the installation's Ed25519 key.

The JWT's payload is the credential itself, with the registered claims iss, jti, nbf and sub
beside it (Open Badges 3.0, §8.2). The key is made on first use and kept in the database;
its public half is published as a JWKS at /.well-known/jwks.json, so anyone can check a
credential offline.
"""

import uuid
import warnings

from django.db import IntegrityError, transaction
from joserfc import jwt
from joserfc.jwk import KeySet, OKPKey

from core import mail
from incubator.training.certificates import verification_url
from incubator.training.models import SigningKey

ALGORITHM = "EdDSA"
CONTEXT = ["https://www.w3.org/ns/credentials/v2", "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"]
ISSUER_NAME = "南岸区社区治理创新中心 Nan'an District Community Governance Innovation Centre"


def signing_key():
    """The installation's key (the oldest one), made on first use."""
    key = SigningKey.objects.first()
    if key is None:
        kid = uuid.uuid4().hex
        made = OKPKey.generate_key("Ed25519", parameters={"kid": kid})
        try:
            with transaction.atomic():
                SigningKey.objects.create(kid=kid, private_jwk=made.as_dict(private=True))
        except IntegrityError:
            pass
        key = SigningKey.objects.first()
    return key


def jwks():
    """The public halves of the installation's keys."""
    signing_key()
    return {"keys": [OKPKey.import_key(key.private_jwk).as_dict(private=False)
                     for key in SigningKey.objects.all()]}


def issuer_id():
    return mail.absolute_url("/")


def credential(certificate):
    enrolment = certificate.enrolment
    cohort = enrolment.cohort
    programme = cohort.programme
    valid_from = certificate.issued_at.strftime("%Y-%m-%dT%H:%M:%SZ")
    return {
        "@context": CONTEXT,
        "id": f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, verification_url(certificate))}",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": f"{programme.title} · {cohort.name_zh}",
        "issuer": {"id": issuer_id(), "type": ["Profile"], "name": ISSUER_NAME},
        "validFrom": valid_from,
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "identifier": [{"type": "IdentityObject", "identityType": "name", "hashed": False,
                            "identityHash": certificate.holder_name}],
            "achievement": {
                "id": mail.absolute_url(programme.url or "/"),
                "type": ["Achievement"],
                "achievementType": "Certificate",
                "name": programme.title,
                "description": programme.intro,
                "criteria": {"narrative": (
                    f"出勤率不低于{cohort.min_attendance}%，完成{cohort.required_assignments}项作业。 "
                    f"Attendance of at least {cohort.min_attendance}% and "
                    f"{cohort.required_assignments} assignment(s) completed.")},
            },
        },
        "evidence": [{"id": verification_url(certificate), "type": ["Evidence"], "name": certificate.serial}],
    }


def sign(certificate):
    """The certificate's credential as a compact VC-JWT."""
    key = signing_key()
    body = credential(certificate)
    claims = {**body, "iss": body["issuer"]["id"], "jti": body["id"], "sub": certificate.serial,
              "nbf": int(certificate.issued_at.timestamp())}
    header = {"alg": ALGORITHM, "kid": key.kid, "typ": "vc+jwt", "cty": "vc"}
    with warnings.catch_warnings():
        # RFC 9864 names the algorithm "Ed25519"; verifiers today still expect "EdDSA".
        warnings.simplefilter("ignore")
        return jwt.encode(header, claims, OKPKey.import_key(key.private_jwk), algorithms=[ALGORITHM])


def verify(token, published_jwks):
    """The claims of a token that the published keys verify; raises joserfc's errors if not."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return jwt.decode(token, KeySet.import_key_set(published_jwks), algorithms=[ALGORITHM]).claims


