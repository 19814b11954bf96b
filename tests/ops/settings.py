"""The production settings for the processes tests/ops starts, with two changes: static files
come straight from the source folders (no collectstatic first), and the test users' passwords
verify."""

from config.settings import *  # noqa: F403

STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}  # noqa: F405
WHITENOISE_USE_FINDERS = True
# The test database's users were hashed with the test settings' fast MD5 hasher.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher", "django.contrib.auth.hashers.MD5PasswordHasher"]
