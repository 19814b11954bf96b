"""`manage.py backup` and `restore`: one archive round-trips an installation, and a damaged,
newer or misplaced archive is refused before anything is touched."""

import hashlib
import io
import json
import tarfile
import uuid
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command

from core import backups
from core.storage import private_storage
from grants.proposals.models import Attachment
from tests.factories import OrganisationFactory, UserFactory, make_call, make_proposal
from tests.ops.helpers import (
    manage,
    on_postgres,
    postgres_admin,
    postgres_url,
    production_env,
    row_counts_here,
    row_counts_of,
)

PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"


def sha256_tree(root):
    root = Path(root)
    return {str(path.relative_to(root)): hashlib.sha256(path.read_bytes()).hexdigest()
            for path in root.rglob("*") if path.is_file()}


def storage_checksums(storage):
    return {name: hashlib.sha256(storage.open(name).read()).hexdigest() for name in backups._walk(storage)}


@pytest.fixture
def target_database(tmp_path):
    """An empty database of the same kind as the test database, dropped afterwards."""

    if not on_postgres():
        path = tmp_path / "restored.sqlite3"
        yield f"sqlite:///{path}", path
        return
    name = f"seedbed_restore_{uuid.uuid4().hex[:8]}"
    with postgres_admin() as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    yield postgres_url(name), None
    with postgres_admin() as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.mark.django_db(transaction=True)
def test_an_archive_restores_every_row_and_file_into_an_empty_installation(tmp_path, target_database):
    applicant = UserFactory(email="backup@example.com")
    proposal = make_proposal(make_call(), OrganisationFactory(admins=[applicant]), applicant)
    Attachment.objects.create(proposal=proposal, name="年检报告.pdf", content_type="application/pdf",
                              size=len(PDF), file=ContentFile(PDF, name="年检报告.pdf"))
    default_storage.save(f"original_images/{uuid.uuid4().hex}.txt", ContentFile("公开的图片".encode()))

    archive = tmp_path / "seedbed.tar.gz"
    call_command("backup", output=str(archive), stdout=io.StringIO())

    database_url, sqlite_path = target_database
    media, private_media = tmp_path / "media", tmp_path / "private"
    env = production_env(database_url, media, private_media)
    result = manage(env, "restore", str(archive))
    assert result.returncode == 0, result.stderr
    assert "Now run `manage.py migrate`" in result.stdout

    restored = row_counts_of(database_url, sqlite_path)
    assert restored == row_counts_here()
    assert restored["proposals_attachment"] == 1
    assert sha256_tree(media) == storage_checksums(default_storage)
    assert sha256_tree(private_media) == storage_checksums(private_storage())
    assert any(name.endswith(".pdf") for name in sha256_tree(private_media))

    # The restored installation is usable as it is: nothing left to migrate.
    check = manage(env, "migrate", "--check")
    assert check.returncode == 0, check.stdout + check.stderr
    # …and a second restore into it is refused: it is no longer empty.
    again = manage(env, "restore", str(archive))
    assert again.returncode != 0 and "not empty" in again.stderr
    # …unless forced, which replaces everything in it.
    forced = manage(env, "restore", "--force", str(archive))
    assert forced.returncode == 0, forced.stderr
    assert row_counts_of(database_url, sqlite_path) == restored
    assert sha256_tree(private_media) == storage_checksums(private_storage())


def make_archive(path, members, schema, vendor, tamper=None):
    files = {name: hashlib.sha256(body).hexdigest() for name, body in members.items()}
    dump = next(name for name in members if name.startswith("database."))
    manifest = {"format": backups.FORMAT, "created": "2026-12-08T00:00:00+08:00", "seedbed": {"commit": "abc"},
                "database": {"vendor": vendor, "file": dump}, "schema": schema, "files": files}
    with tarfile.open(path, "w:gz") as tar:
        for name, body in {**members, **(tamper or {}), "manifest.json": json.dumps(manifest).encode()}.items():
            info = tarfile.TarInfo(name)
            info.size = len(body)
            tar.addfile(info, io.BytesIO(body))
    return path


@pytest.fixture
def current_schema(db):
    return backups.schema_version()


def restore(path, *arguments):
    with pytest.raises(CommandError) as refused:
        call_command("restore", str(path), *arguments, stdout=io.StringIO())
    return str(refused.value)


def test_a_damaged_member_is_refused(tmp_path, current_schema):
    from django.db import connection

    path = make_archive(tmp_path / "a.tar.gz", {"database.sqlite3": b"dump", "media/a.txt": b"one"},
                        current_schema, connection.vendor, tamper={"media/a.txt": b"two"})
    assert "does not match its checksum" in restore(path)


def test_a_member_missing_from_the_manifest_is_refused(tmp_path, current_schema):
    from django.db import connection

    path = make_archive(tmp_path / "a.tar.gz", {"database.sqlite3": b"dump"}, current_schema, connection.vendor,
                        tamper={"private_media/extra.pdf": b"?"})
    assert "not in its manifest" in restore(path)


def test_a_newer_schema_is_refused(tmp_path, current_schema):
    from django.db import connection

    schema = {**current_schema, "proposals": "0999_from_the_future"}
    path = make_archive(tmp_path / "a.tar.gz", {"database.sqlite3": b"dump"}, schema, connection.vendor)
    message = restore(path)
    assert "newer than this code" in message and "proposals.0999_from_the_future" in message


def test_an_older_schema_is_accepted_as_far_as_the_schema_goes(tmp_path, current_schema):
    from django.db import connection

    assert current_schema["auth"] > "0011_update_proxy_permissions"
    older = {**current_schema, "auth": "0011_update_proxy_permissions"}
    path = make_archive(tmp_path / "a.tar.gz", {"database.sqlite3": b"dump"}, older, connection.vendor)
    # Past the schema check, the test database (migrated, so not empty) stops it.
    assert "not empty" in restore(path)


def test_a_database_that_is_not_empty_is_refused_without_force(tmp_path, current_schema):
    from django.db import connection

    path = make_archive(tmp_path / "a.tar.gz", {"database.sqlite3": b"dump"}, current_schema, connection.vendor)
    assert "not empty" in restore(path)


def test_an_archive_of_another_database_kind_is_refused(tmp_path, current_schema):
    from django.db import connection

    other = "sqlite" if connection.vendor == "postgresql" else "postgresql"
    path = make_archive(tmp_path / "a.tar.gz", {"database.pgdump": b"dump"}, current_schema, other)
    assert f"holds a {other} database" in restore(path)


def test_a_file_that_is_no_archive_is_refused(tmp_path, db):
    path = tmp_path / "notes.tar.gz"
    path.write_text("not an archive")
    assert "is not a Seedbed backup archive" in restore(path)
