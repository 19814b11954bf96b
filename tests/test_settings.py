"""Settings come from the environment and are safe in production (run in subprocesses,
because settings are read once at import)."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

PRODUCTION = {
    "DEBUG": "false",
    "SECRET_KEY": secrets.token_urlsafe(60),
    "ALLOWED_HOSTS": "seedbed.example.cn",
    "DATABASE_URL": "sqlite:////tmp/seedbed-deploy-check.sqlite3",
}


def manage(*args, **env):
    # Only what a bare shell has: the test process's own settings variables must not leak in.
    clean = {k: os.environ[k] for k in ("PATH", "HOME", "LANG") if k in os.environ}
    clean.update(env)
    return subprocess.run(
        [sys.executable, *args], cwd=ROOT, env=clean, capture_output=True, text=True
    )


def setting(expression, **env):
    code = (
        "import os, django; os.environ['DJANGO_SETTINGS_MODULE'] = 'config.settings';"
        f"django.setup(); from django.conf import settings as s; print({expression})"
    )
    result = manage("-c", code, **env)
    assert result.returncode == 0, result.stderr
    return result.stdout.split()


def test_deploy_check_is_clean_with_production_variables():
    result = manage("manage.py", "check", "--deploy", "--fail-level", "WARNING", **PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key():
    env = {k: v for k, v in PRODUCTION.items() if k != "SECRET_KEY"}
    result = manage("manage.py", "check", **env)
    assert result.returncode != 0
    assert "SECRET_KEY is required" in result.stderr


def test_production_refuses_to_start_without_allowed_hosts():
    env = {k: v for k, v in PRODUCTION.items() if k != "ALLOWED_HOSTS"}
    result = manage("manage.py", "check", **env)
    assert result.returncode != 0
    assert "ALLOWED_HOSTS is required" in result.stderr


def test_a_malformed_boolean_is_refused_loudly():
    result = manage("manage.py", "check", **{**PRODUCTION, "EMAIL_USE_TLS": "maybe"})
    assert result.returncode != 0
    assert "EMAIL_USE_TLS must be true or false" in result.stderr


def test_embedded_default_is_sqlite_in_the_project_and_shanghai_time():
    engine, name, tz, email, stripe = setting(
        "s.DATABASES['default']['ENGINE'], s.DATABASES['default']['NAME'], s.TIME_ZONE,"
        "s.EMAIL_BACKEND, bool(s.STRIPE_SECRET_KEY)",
        DEBUG="true",
    )
    assert engine == "django.db.backends.sqlite3"
    assert name == str(ROOT / "db.sqlite3")
    assert tz == "Asia/Shanghai"
    assert email == "django.core.mail.backends.console.EmailBackend"
    assert stripe == "False"


def test_database_url_selects_postgresql():
    engine = setting(
        "s.DATABASES['default']['ENGINE']",
        DEBUG="true", DATABASE_URL="postgres://u:p@127.0.0.1:5432/seedbed",
    )
    assert engine == ["django.db.backends.postgresql"]


def test_images_from_the_public_bucket_are_allowed_by_the_content_security_policy():
    s3 = {"DEBUG": "1", "STORAGE_BACKEND": "s3", "AWS_STORAGE_BUCKET_NAME": "seedbed-media",
          "AWS_PRIVATE_BUCKET_NAME": "seedbed-private"}
    images = "' '.join(s.CONTENT_SECURITY_POLICY['DIRECTIVES']['img-src'])"
    assert "https://seedbed-media.s3.amazonaws.com" in setting(images, **s3)
    assert "https://media.example.cn" in setting(images, **s3, AWS_S3_CUSTOM_DOMAIN="media.example.cn")
    assert setting(images, DEBUG="1") == ["'self'", "data:"]
