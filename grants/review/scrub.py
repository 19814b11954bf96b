"""Files as reviewers of a blind call receive them: without the details that name their author.

Office programs and cameras write who made a file into it, where no one reading the pages
sees it: a PDF's document information and XMP (author, creator, producer, title), an Office
file's docProps (author, last modified by, company, manager, title) and its comments' and
tracked changes' authors, a photo's EXIF, XMP and IPTC (artist, copyright, GPS). `scrub`
returns the file without them and otherwise as uploaded; the pages' text, a photo's pixels and
a spreadsheet's cells are left alone (the reviewer's page says that their content is not
redacted).

The old binary Office formats (.doc, .xls, .ppt) keep their properties in an OLE container
this module does not rewrite: `scrub` returns None for them and the reviewer's page says so.
A file that cannot be read (damaged, encrypted with a password) also gives None: the view
then refuses to send it rather than send it with its author.
"""

import io
import logging
import re
import struct
import zipfile

from pypdf import PdfReader, PdfWriter
from pypdf.errors import PdfReadError
from pypdf.generic import NameObject

logger = logging.getLogger(__name__)

PDF = "application/pdf"
JPEG = "image/jpeg"
PNG = "image/png"
OFFICE = {
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation",
}
# An Office file is a zip: refuse to inflate one that would grow past this (a zip bomb).
MAX_UNZIPPED = 200 * 1024 * 1024

# docProps parts rewritten empty: the schemas allow every property to be absent.
_EMPTY_PARTS = {
    "docProps/core.xml": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"/>'),
    "docProps/app.xml": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"/>'),
    "docProps/custom.xml": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/custom-properties"/>'),
}
# Authors of comments and tracked changes inside the other parts (Word's attributes, Excel's
# list of comment authors, PowerPoint's comment authors and Word's people part).
_AUTHOR_ATTRIBUTES = re.compile(rb'\b((?:w|w15):(?:author|initials|userId)|initials|userId|displayName|name)="[^"]*"')
_EXCEL_AUTHORS = re.compile(rb"<author>[^<]*</author>")
_AUTHOR_PARTS = re.compile(r"^(?:word/(?:document|comments\w*|people|footnotes|endnotes|header\d*|footer\d*)\.xml"
                           r"|xl/comments\d*\.xml|xl/threadedComments/.*|xl/persons/.*"
                           r"|ppt/commentAuthors\.xml|ppt/authors\.xml)$")
# name="…" is an author only in PowerPoint's author parts; elsewhere it names styles, sheets …
_NAME_PARTS = re.compile(r"^ppt/(?:commentAuthors|authors)\.xml$|^xl/persons/")


def can_scrub(content_type):
    return content_type in (PDF, JPEG, PNG) or content_type in OFFICE


def scrub(content, content_type):
    """The file's bytes without its author details, or None when that cannot be done."""
    try:
        if content_type == PDF:
            return _pdf(content)
        if content_type in OFFICE:
            return _office(content)
        if content_type == JPEG:
            return _jpeg(content)
        if content_type == PNG:
            return _png(content)
    except (PdfReadError, zipfile.BadZipFile, ValueError, KeyError, struct.error, OSError) as error:
        logger.warning("could not remove the author details of a %s file: %s", content_type, error)
    return None


def _pdf(content):
    reader = PdfReader(io.BytesIO(content))
    if reader.is_encrypted and not reader.decrypt(""):
        raise ValueError("encrypted with a password")
    writer = PdfWriter(clone_from=reader)
    writer.metadata = None
    writer.xmp_metadata = None
    for page in writer.pages:
        page.pop(NameObject("/Metadata"), None)
        page.pop(NameObject("/PieceInfo"), None)  # the authoring application's private data
        for annotation in page.get("/Annots") or []:
            annotation = annotation.get_object()
            annotation.pop(NameObject("/T"), None)  # a comment's author
    # A clone keeps every object of the original, the ones just unlinked included.
    writer.compress_identical_objects(remove_duplicates=False, remove_unreferenced=True)
    output = io.BytesIO()
    writer.write(output)
    return output.getvalue()


def _office(content):
    source = zipfile.ZipFile(io.BytesIO(content))
    if sum(item.file_size for item in source.infolist()) > MAX_UNZIPPED:
        raise ValueError("too large once unzipped")
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w") as target:
        for item in source.infolist():
            data = source.read(item)
            if item.filename in _EMPTY_PARTS:
                data = _EMPTY_PARTS[item.filename].encode()
            elif _AUTHOR_PARTS.match(item.filename):
                data = _without_authors(item.filename, data)
            target.writestr(item, data, compress_type=item.compress_type)
    return output.getvalue()


def _without_authors(part, data):
    names_are_authors = bool(_NAME_PARTS.match(part))

    def blank(match):
        if match.group(1) == b"name" and not names_are_authors:
            return match.group()
        return match.group(1) + b'=""'

    return _AUTHOR_ATTRIBUTES.sub(blank, _EXCEL_AUTHORS.sub(b"<author></author>", data))


# JPEG segments that describe rather than draw: APP1 (EXIF, XMP), APP13 (IPTC), comments.
_JPEG_DROPPED = {0xE1, 0xED, 0xFE}


def _jpeg(content):
    if content[:2] != b"\xff\xd8":
        raise ValueError("not a JPEG")
    kept, position = [content[:2]], 2
    while position < len(content):
        if content[position] != 0xFF:
            raise ValueError("broken JPEG segment")
        marker = content[position + 1]
        if marker == 0xDA:  # start of scan: the image data runs to the end
            kept.append(content[position:])
            break
        if 0xD0 <= marker <= 0xD7 or marker == 0x01:  # markers without a length
            kept.append(content[position:position + 2])
            position += 2
            continue
        (length,) = struct.unpack(">H", content[position + 2:position + 4])
        segment = content[position:position + 2 + length]
        if marker not in _JPEG_DROPPED:
            kept.append(segment)
        position += 2 + length
    return b"".join(kept)


# PNG chunks that describe rather than draw: text, EXIF and the time of the last edit.
_PNG_DROPPED = {b"tEXt", b"zTXt", b"iTXt", b"eXIf", b"tIME"}
_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def _png(content):
    if not content.startswith(_PNG_SIGNATURE):
        raise ValueError("not a PNG")
    kept, position = [_PNG_SIGNATURE], len(_PNG_SIGNATURE)
    while position < len(content):
        (length,) = struct.unpack(">I", content[position:position + 4])
        kind = content[position + 4:position + 8]
        chunk = content[position:position + 12 + length]
        if len(chunk) < 12 + length:
            raise ValueError("truncated PNG chunk")
        if kind not in _PNG_DROPPED:
            kept.append(chunk)
        position += 12 + length
        if kind == b"IEND":
            break
    return b"".join(kept)
