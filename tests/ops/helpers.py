"""Running Seedbed in separate processes against a database and media folders of a test's
own: the production settings, from the environment, as an operator would."""

import os
import socket
import subprocess
import sys
from pathlib import Path

from django.conf import settings
from django.db import connection

BASE_DIR = Path(settings.BASE_DIR)


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def production_env(database_url, media, private_media, **extra):
    env = {key: value for key, value in os.environ.items() if not key.startswith("DJANGO_")}
    env.update({
        "DJANGO_SETTINGS_MODULE": "tests.ops.settings", "DEBUG": "false", "SECRET_KEY": "ops-test-" + "k" * 60,
        "ALLOWED_HOSTS": "127.0.0.1", "SECURE_SSL_REDIRECT": "false", "DATABASE_URL": database_url,
        "MEDIA_ROOT": str(media), "PRIVATE_MEDIA_ROOT": str(private_media), "DATABASE_CONN_MAX_AGE": "0",
        "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend", "LOG_LEVEL": "WARNING",
        **extra,
    })
    return env


def manage(env, *arguments, timeout=300):
    return subprocess.run([sys.executable, "manage.py", *arguments], cwd=BASE_DIR, env=env,
                          capture_output=True, text=True, timeout=timeout)


def on_postgres():
    return connection.vendor == "postgresql"


def postgres_admin():
    """A connection to the server of the test database, for creating and dropping others."""

    import psycopg

    db = connection.settings_dict
    return psycopg.connect(dbname="postgres", user=db["USER"], password=db["PASSWORD"], host=db["HOST"],
                           port=db["PORT"], autocommit=True)


def postgres_url(name):
    db = connection.settings_dict
    return f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT']}/{name}"


def row_counts_here():
    with connection.cursor() as cursor:
        return _counts(cursor, connection.introspection.table_names(cursor, include_views=False), '"{}"')


def row_counts_of(database_url, sqlite_path=None):
    if sqlite_path:
        import sqlite3

        with sqlite3.connect(sqlite_path) as db:
            tables = [row[0] for row in db.execute(
                "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'")]
            return _counts(db.cursor(), tables, '"{}"')
    import psycopg

    with psycopg.connect(database_url.replace("postgres://", "postgresql://")) as db, db.cursor() as cursor:
        cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
        return _counts(cursor, [row[0] for row in cursor.fetchall()], '"{}"')


def _counts(cursor, tables, quote):
    counts = {}
    for table in sorted(tables):
        cursor.execute(f"SELECT COUNT(*) FROM {quote.format(table)}")
        counts[table] = cursor.fetchone()[0]
    return counts
