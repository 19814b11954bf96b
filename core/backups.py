"""One archive holds a whole installation: the database, media, private media and a manifest.

The manifest (manifest.json, written last) lists the sha256 of every other member, the schema
version (the latest applied migration of each app) and the code that wrote it. Restoring
checks all of it before touching anything, and only into an empty database unless forced.
Files are read and written through the storages of settings.STORAGES, so the same archive
moves between local disk and S3-compatible buckets.
"""

import hashlib
import io
import json
import os
import posixpath
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from glob import glob
from pathlib import Path

from django.conf import settings
from django.core.files import File
from django.core.files.storage import storages
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

FORMAT = 1
MANIFEST = "manifest.json"
# Archive folder → storage alias.
FOLDERS = {"media": "default", "private_media": "private"}
DUMPS = {"postgresql": "database.pgdump", "sqlite": "database.sqlite3"}


class BackupError(Exception):
    pass


def create(path):
    """Write the archive to `path` (first to a temporary name beside it, so a failed backup
    never leaves a file that looks complete). Returns the manifest."""

    path = Path(path)
    dump_name = _dump_name()
    files = {}
    partial = path.with_name(path.name + ".partial")
    with tempfile.TemporaryDirectory() as tmp, tarfile.open(partial, "w:gz") as tar:
        dump = Path(tmp) / dump_name
        _dump_database(dump)
        with dump.open("rb") as handle:
            files[dump_name] = _add(tar, dump_name, handle, dump.stat().st_size)
        for folder, alias in FOLDERS.items():
            storage = storages[alias]
            for name in sorted(_walk(storage)):
                member = f"{folder}/{name}"
                with storage.open(name, "rb") as handle:
                    files[member] = _add(tar, member, handle, storage.size(name))
        manifest = {
            "format": FORMAT,
            "created": timezone.now().isoformat(),
            "seedbed": code_version(),
            "database": {"vendor": connection.vendor, "file": dump_name},
            "schema": schema_version(),
            "files": files,
        }
        body = json.dumps(manifest, indent=2, ensure_ascii=False).encode()
        _add(tar, MANIFEST, io.BytesIO(body), len(body))
    partial.replace(path)
    return manifest


def restore(path, force=False, stdout=None):
    """Check the archive, then restore it into this installation's database and storages."""

    path = Path(path)
    try:
        tar = tarfile.open(path, "r:gz")
    except (OSError, tarfile.TarError) as error:
        raise BackupError(f"{path} is not a Seedbed backup archive: {error}") from None
    with tar, tempfile.TemporaryDirectory() as tmp:
        manifest = read_manifest(tar)
        verify(tar, manifest)
        check_schema(manifest["schema"])
        vendor = manifest["database"]["vendor"]
        if vendor != connection.vendor:
            raise BackupError(f"The archive holds a {vendor} database; this installation uses {connection.vendor}.")
        tables = connection.introspection.table_names()
        if tables and not force:
            raise BackupError(
                f"The database is not empty ({len(tables)} tables). Restore into a new, empty database, "
                "or pass --force to replace everything in it."
            )
        dump = Path(tmp) / "dump"
        with tar.extractfile(manifest["database"]["file"]) as source, dump.open("wb") as target:
            shutil.copyfileobj(source, target)
        _restore_database(dump, drop_first=bool(tables))
        count = 0
        for member, _digest in manifest["files"].items():
            folder, _, name = member.partition("/")
            if folder in FOLDERS:
                storage = storages[FOLDERS[folder]]
                if storage.exists(name):
                    storage.delete(name)
                with tar.extractfile(member) as handle:
                    saved = storage.save(name, File(handle, name=posixpath.basename(name)))
                if saved != name:
                    raise BackupError(f"{member} was stored as {saved}: the storage renamed it")
                count += 1
    return manifest, count


def read_manifest(tar):
    try:
        manifest = json.load(tar.extractfile(MANIFEST))
    except (KeyError, ValueError):
        raise BackupError("The archive has no readable manifest.json.") from None
    if manifest.get("format") != FORMAT:
        raise BackupError(f"Unknown archive format {manifest.get('format')!r} (this code reads {FORMAT}).")
    return manifest


def verify(tar, manifest):
    """Every member listed, present and unchanged, and nothing else in the archive."""

    expected = dict(manifest["files"])
    for info in tar:
        if info.name == MANIFEST:
            continue
        if info.name not in expected:
            raise BackupError(f"{info.name} is in the archive but not in its manifest.")
        digest = hashlib.sha256()
        with tar.extractfile(info) as handle:
            for chunk in iter(lambda: handle.read(1 << 20), b""):
                digest.update(chunk)
        if digest.hexdigest() != expected.pop(info.name):
            raise BackupError(f"{info.name} does not match its checksum: the archive is damaged.")
    if expected:
        raise BackupError(f"The archive lacks {len(expected)} listed files, e.g. {next(iter(expected))}.")


def schema_version():
    """The latest applied migration of each app. Migration names start with their number,
    so the greatest name is the latest."""

    latest = {}
    for app, name in MigrationRecorder(connection).applied_migrations():
        latest[app] = max(name, latest.get(app, name))
    return dict(sorted(latest.items()))


def check_schema(schema):
    """An older schema is fine (`migrate` brings it up to date after the restore); a
    migration this code does not know means the archive came from newer code."""

    known = MigrationLoader(None, ignore_no_migrations=True).disk_migrations
    unknown = [f"{app}.{name}" for app, name in schema.items() if (app, name) not in known]
    if unknown:
        raise BackupError(
            "The archive's schema is newer than this code (unknown migrations: "
            f"{', '.join(unknown)}). Install the Seedbed version that wrote it, then restore."
        )


def code_version():
    commit = os.environ.get("SEEDBED_COMMIT", "")
    if not commit:
        try:
            commit = subprocess.run(["git", "rev-parse", "HEAD"], cwd=settings.BASE_DIR, capture_output=True,
                                    text=True, timeout=10).stdout.strip()
        except OSError:
            pass
    return {"commit": commit or "unknown"}


def _dump_name():
    try:
        return DUMPS[connection.vendor]
    except KeyError:
        raise BackupError(f"Backups support PostgreSQL and SQLite, not {connection.vendor}.") from None


def _dump_database(target):
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        # The online backup API copies a consistent snapshot while the site keeps running.
        with sqlite3.connect(target) as copy:
            connection.connection.backup(copy)
        copy.close()
        return
    _postgres("pg_dump", "--format=custom", "--no-owner", "--no-privileges", f"--file={target}")


def _restore_database(dump, drop_first):
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        source = sqlite3.connect(dump)
        try:
            source.backup(connection.connection)  # replaces every page of the database
        finally:
            source.close()
        return
    if drop_first:
        with connection.cursor() as cursor:
            for table in connection.introspection.table_names(cursor, include_views=False):
                cursor.execute(f'DROP TABLE IF EXISTS "{table}" CASCADE')
            # Functions too (the migrations' triggers, such as the proposals' search vector):
            # the dump creates them again. Functions an extension owns stay with it.
            cursor.execute("""
                SELECT p.oid::regprocedure FROM pg_proc p
                WHERE p.pronamespace = 'public'::regnamespace AND NOT EXISTS (
                    SELECT 1 FROM pg_depend d WHERE d.objid = p.oid AND d.deptype = 'e')""")
            for (function,) in cursor.fetchall():
                cursor.execute(f"DROP FUNCTION IF EXISTS {function} CASCADE")
    connection.close()
    _postgres("pg_restore", "--no-owner", "--no-privileges", "--exit-on-error", "--single-transaction",
              f"--dbname={connection.settings_dict['NAME']}", str(dump))


def _postgres(program, *arguments):
    db = connection.settings_dict
    env = {**os.environ, "PGPASSWORD": db["PASSWORD"] or "", "PGHOST": db["HOST"] or "",
           "PGPORT": str(db["PORT"] or ""), "PGUSER": db["USER"] or "", "PGDATABASE": db["NAME"]}
    result = subprocess.run([_postgres_binary(program), *arguments], env=env, capture_output=True, text=True)
    if result.returncode:
        raise BackupError(f"{program} failed: {result.stderr.strip()}")


def _postgres_binary(program):
    # The newest client installed: pg_dump refuses a server newer than itself.
    candidates = sorted(glob(f"/usr/lib/postgresql/*/bin/{program}"),
                        key=lambda p: int(Path(p).parts[-3]) if Path(p).parts[-3].isdigit() else 0)
    found = candidates[-1] if candidates else shutil.which(program)
    if not found:
        raise BackupError(f"{program} is not installed (Debian: apt-get install postgresql-client).")
    return found


def _walk(storage, folder=""):
    try:
        folders, names = storage.listdir(folder)
    except FileNotFoundError:  # a local media folder nothing was ever uploaded to
        return
    for name in names:
        yield posixpath.join(folder, name)
    for sub in folders:
        yield from _walk(storage, posixpath.join(folder, sub))


def _add(tar, name, handle, size):
    """Add one member, hashing it on the way in. Returns its sha256."""

    digest = hashlib.sha256()

    class Hashing(io.RawIOBase):
        def read(self, n=-1):
            chunk = handle.read(n)
            digest.update(chunk)
            return chunk

    info = tarfile.TarInfo(name)
    info.size = size
    info.mtime = int(timezone.now().timestamp())
    tar.addfile(info, Hashing())
    return digest.hexdigest()
