"""Where private files live: attachments, report evidence and signed agreements.

They are kept in the "private" storage of settings.STORAGES, a folder outside MEDIA_ROOT or a
bucket of its own, and have no URL at all: only a view that checks permission streams them.
"""

from django.core.files.storage import FileSystemStorage, storages
from django.utils.functional import LazyObject
from storages.backends.s3 import S3Storage

NO_URL = "Private files have no public URL; serve them through a permission-checked view."


class PrivateStorage(FileSystemStorage):
    def __init__(self, **kwargs):
        from django.conf import settings

        super().__init__(location=settings.PRIVATE_MEDIA_ROOT, base_url=None, **kwargs)

    def url(self, name):
        raise ValueError(NO_URL)


class PrivateS3Storage(S3Storage):
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
