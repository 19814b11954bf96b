"""STORAGE_BACKEND=s3 against a local S3 server (moto): public media go to the public bucket
with plain URLs; private files go to their own bucket, get no URL of any kind, and are read
only through the app's permission-checked views."""

import urllib.request

import boto3
import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.test import override_settings
from django.utils.functional import empty
from moto.server import ThreadedMotoServer
from wagtail.documents.models import Document

from core import storage as core_storage
from grants.proposals.models import Attachment
from tests.grants.proposals.test_proposal_files import PDF, upload
from tests.ops.helpers import free_port

pytestmark = pytest.mark.django_db

PUBLIC, PRIVATE = "seedbed-media", "seedbed-private"


@pytest.fixture
def s3(monkeypatch):
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=free_port(), verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    endpoint = f"http://{host}:{port}"
    client = boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1")
    for bucket in (PUBLIC, PRIVATE):
        client.create_bucket(Bucket=bucket)
    # What config/settings.py builds for STORAGE_BACKEND=s3 (the first test below checks it),
    # pointed at this server.
    options = {"endpoint_url": endpoint, "region_name": "us-east-1", "file_overwrite": False}
    storages = {
        "default": {"BACKEND": "storages.backends.s3.S3Storage",
                    "OPTIONS": {**options, "bucket_name": PUBLIC, "querystring_auth": False}},
        "private": {"BACKEND": "core.storage.PrivateS3Storage",
                    "OPTIONS": {**options, "bucket_name": PRIVATE, "default_acl": "private"}},
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    with override_settings(STORAGES=storages):
        core_storage.private._wrapped = empty
        yield client, endpoint
    core_storage.private._wrapped = empty
    # moto keeps its buckets in the process, not in the server: forget them for the next test.
    urllib.request.urlopen(urllib.request.Request(f"{endpoint}/moto-api/reset", method="POST"))
    server.stop()


def keys(client, bucket):
    return [item["Key"] for item in client.list_objects_v2(Bucket=bucket).get("Contents", [])]


def test_the_settings_build_these_storages_from_the_environment():
    import subprocess
    import sys

    from tests.ops.helpers import BASE_DIR, production_env

    env = production_env("sqlite:///unused.sqlite3", "/tmp/m", "/tmp/p", STORAGE_BACKEND="s3",
                         AWS_STORAGE_BUCKET_NAME=PUBLIC, AWS_PRIVATE_BUCKET_NAME=PRIVATE,
                         AWS_S3_ENDPOINT_URL="http://127.0.0.1:9000")
    code = "from django.conf import settings as s; import json; print(json.dumps(s.STORAGES))"
    result = subprocess.run([sys.executable, "-c", f"import django; django.setup(); {code}"], cwd=BASE_DIR,
                            env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert f'"bucket_name": "{PUBLIC}"' in result.stdout and '"querystring_auth": false' in result.stdout
    assert f'"BACKEND": "core.storage.PrivateS3Storage", "OPTIONS": {{"bucket_name": "{PRIVATE}"' in result.stdout


def test_a_public_upload_goes_to_the_public_bucket_with_a_plain_url(s3):
    client, endpoint = s3
    document = Document.objects.create(title="申报指南", file=ContentFile(b"guide", name="guide.txt"))
    assert keys(client, PUBLIC) == [document.file.name]
    assert keys(client, PRIVATE) == []
    assert document.file.url.startswith(f"{endpoint}/{PUBLIC}/")
    assert "Signature" not in document.file.url
    assert default_storage.open(document.file.name).read() == b"guide"


def test_a_private_upload_goes_to_the_private_bucket_and_has_no_url(s3, client, applicant, draft):
    s3_client, _ = s3
    client.force_login(applicant)
    assert upload(client, draft, "年检报告.pdf", PDF).status_code == 302
    attachment = draft.attachments.get()

    assert keys(s3_client, PRIVATE) == [attachment.file.name]
    assert keys(s3_client, PUBLIC) == []
    grants = s3_client.get_object_acl(Bucket=PRIVATE, Key=attachment.file.name)["Grants"]
    assert not [grant for grant in grants if "AllUsers" in grant["Grantee"].get("URI", "")]
    with pytest.raises(ValueError):
        attachment.file.url
    with pytest.raises(ValueError):
        core_storage.private_storage().url(attachment.file.name, expire=60)

    download = client.get(f"/en/proposals/{draft.pk}/files/{attachment.pk}/")
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF
    assert download["Cache-Control"] == "private, no-store"


def test_an_outsider_cannot_read_a_private_file_from_the_bucket_through_the_app(s3, client, applicant,
                                                                                  other_applicant, draft):
    client.force_login(applicant)
    upload(client, draft, "年检报告.pdf", PDF)
    attachment = Attachment.objects.get()
    client.force_login(other_applicant)
    assert client.get(f"/en/proposals/{draft.pk}/files/{attachment.pk}/").status_code in (403, 404)
