"""Where private files live: attachments, report evidence and signed agreements.

They are kept in the "private" storage of settings.STORAGES, a folder outside MEDIA_ROOT or a
bucket of its own, and have no URL at all: only a view that checks permission streams them.
"""

import os

from django.core.files.storage import FileSystemStorage, storages
from django.utils.functional import LazyObject
from storages.backends.s3 import S3Storage

NO_URL = "Private files have no public URL; serve them through a permission-checked view."

# File systems allow 255 bytes per name: 85 Chinese characters in UTF-8. Stored names stay
# well under it, leaving room for the suffix Django adds when a name is taken.
MAX_NAME_BYTES = 150


def short_name(name, max_bytes=MAX_NAME_BYTES):
    """`name` cut to at most `max_bytes` bytes of UTF-8, keeping its extension."""

    if len(name.encode()) <= max_bytes:
        return name
    stem, extension = os.path.splitext(name)
    if len(extension.encode()) > 16:  # not an extension anyone would want kept
        stem, extension = name, ""
    stem = stem.encode()[:max_bytes - len(extension.encode())].decode(errors="ignore")
    return stem + extension


class _ShortNames:
    def generate_filename(self, filename):
        # A longer name fails with OSError 36 ("File name too long") and loses the whole save;
        # the name people see is kept on the record (PrivateFile.name).
        directory, name = os.path.split(super().generate_filename(filename))
        return os.path.join(directory, short_name(name))


class PrivateStorage(_ShortNames, FileSystemStorage):
    def __init__(self, **kwargs):
        from django.conf import settings

        super().__init__(location=settings.PRIVATE_MEDIA_ROOT, base_url=None, **kwargs)

    def url(self, name):
        raise ValueError(NO_URL)


class PrivateS3Storage(_ShortNames, S3Storage):
    def url(self, name, parameters=None, expire=None, http_method=None):
        # A signed URL would let anyone holding it past the permission check, for an hour.
        raise ValueError(NO_URL)


class _Private(LazyObject):
    # Resolved on first use rather than when the models are imported, so the storage follows
    # settings.STORAGES (tests point it at a fake S3 server and reset `_wrapped`).
    def _setup(self):
        self._wrapped = storages["private"]


private = _Private()


def private_storage():
    """The storage of every private FileField (the migrations name this function)."""
    return private
