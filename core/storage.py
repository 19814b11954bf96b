import os

from django.conf import settings
from django.core.files.storage import FileSystemStorage

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


class PrivateStorage(FileSystemStorage):
    """Files outside MEDIA_ROOT with no URL at all: only a view that checks permission can
    hand them out."""

    def __init__(self, **kwargs):
        super().__init__(location=settings.PRIVATE_MEDIA_ROOT, base_url=None, **kwargs)

    def url(self, name):
        raise ValueError("Private files have no public URL; serve them through a permission-checked view.")

    def generate_filename(self, filename):
        # A longer name fails with OSError 36 ("File name too long") and loses the whole save;
        # the name people see is kept on the record (PrivateFile.name).
        directory, name = os.path.split(super().generate_filename(filename))
        return os.path.join(directory, short_name(name))


def private_storage():
    return PrivateStorage()
