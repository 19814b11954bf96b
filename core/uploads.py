"""What an applicant may upload: the type is read from the file's content (libmagic), and
must agree with the file name's extension; the size is capped."""

from pathlib import PurePath

import magic
from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

# content type -> the extensions a file of that type may carry
ALLOWED_TYPES = {
    "application/pdf": {".pdf"},
    "image/jpeg": {".jpg", ".jpeg"},
    "image/png": {".png"},
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": {".docx"},
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {".xlsx"},
    "application/vnd.openxmlformats-officedocument.presentationml.presentation": {".pptx"},
    "application/msword": {".doc"},
    "application/vnd.ms-excel": {".xls"},
    "application/vnd.ms-powerpoint": {".ppt"},
}
ALLOWED_EXTENSIONS = sorted(set().union(*ALLOWED_TYPES.values()))
# Signed agreements and report evidence: documents and photos only.
SCAN_TYPES = {key: ALLOWED_TYPES[key] for key in ("application/pdf", "image/jpeg", "image/png")}


def display_name(uploaded, limit=200):
    """The name people see for an upload (PrivateFile.name): no control characters (NUL
    included), at most `limit` characters, keeping the extension."""

    name = "".join(c for c in PurePath(uploaded.name).name if c.isprintable()) or "file"
    if len(name) <= limit:
        return name
    suffix = PurePath(name).suffix
    suffix = suffix if len(suffix) <= 16 else ""
    return name[:limit - len(suffix)] + suffix


def max_bytes():
    return settings.ATTACHMENT_MAX_MB * 1024 * 1024


def check_upload(uploaded, types=ALLOWED_TYPES):
    """Return the file's real content type, or raise a ValidationError saying what is wrong."""

    if uploaded.size > max_bytes():
        raise ValidationError(
            _("“%(name)s” is %(size)s; files may be at most %(limit)s.") % {
                "name": uploaded.name, "size": filesizeformat(uploaded.size),
                "limit": filesizeformat(max_bytes())}, code="size")
    if uploaded.size == 0:
        raise ValidationError(_("“%(name)s” is empty.") % {"name": uploaded.name}, code="empty")
    uploaded.seek(0)
    content_type = magic.from_buffer(uploaded.read(8192), mime=True)
    uploaded.seek(0)
    extension = PurePath(uploaded.name).suffix.lower()
    if content_type not in types or extension not in types[content_type]:
        if types is SCAN_TYPES:
            raise ValidationError(
                _("“%(name)s” is not an accepted file. Upload a PDF, JPEG or PNG file whose name "
                  "matches its content.") % {"name": uploaded.name}, code="type")
        raise ValidationError(
            _("“%(name)s” is not an accepted file. Upload PDF, Word, Excel, PowerPoint, JPEG or "
              "PNG files (%(extensions)s), with a name that matches their content.") % {
                "name": uploaded.name, "extensions": " ".join(ALLOWED_EXTENSIONS)}, code="type")
    return content_type
