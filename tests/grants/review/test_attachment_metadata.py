"""Files reviewers of a blind call download come without the author details stored in them
(PDF, Word, Excel, PowerPoint, JPEG, PNG); what cannot be cleaned is said or refused."""

import io
import zipfile
from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone
from openpyxl import Workbook, load_workbook
from PIL import Image, PngImagePlugin
from pypdf import PdfReader, PdfWriter

from grants.proposals.models import Attachment
from grants.review import services as service
from grants.review.scrub import scrub
from tests.factories import OrganisationFactory, UserFactory, in_review, make_call, make_proposal

pytestmark = pytest.mark.django_db

AUTHOR = "张晓"
COMPANY = "重庆市南岸区南坪街道阳光社工服务中心"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PPTX = "application/vnd.openxmlformats-officedocument.presentationml.presentation"


# -- files as office programs and cameras write them -----------------------------------------
def pdf_file():
    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    writer.add_metadata({"/Author": AUTHOR, "/Creator": COMPANY, "/Producer": f"{AUTHOR}'s Office",
                         "/Title": f"{COMPANY}项目书"})
    writer.xmp_metadata = (f'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/'
                           f'22-rdf-syntax-ns#"><rdf:Description xmlns:dc="http://purl.org/dc/elements/1.1/">'
                           f"<dc:creator>{AUTHOR}</dc:creator></rdf:Description></rdf:RDF></x:xmpmeta>").encode()
    output = io.BytesIO()
    writer.write(output)
    return output.getvalue()


W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


def docx_file():
    parts = {
        "[Content_Types].xml": '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
                               'content-types"><Default Extension="xml" ContentType="application/xml"/></Types>',
        "_rels/.rels": '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
                       'relationships"/>',
        "word/document.xml": f'<w:document {W}><w:body><w:p><w:ins w:id="1" w:author="{AUTHOR}"><w:r>'
                             f"<w:t>项目计划书正文</w:t></w:r></w:ins></w:p></w:body></w:document>",
        "word/comments.xml": f'<w:comments {W}><w:comment w:id="0" w:author="{AUTHOR}" w:initials="ZX"><w:p><w:r>'
                             f"<w:t>请核对预算</w:t></w:r></w:p></w:comment></w:comments>",
        "docProps/core.xml": '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/'
                             'core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/">'
                             f"<dc:creator>{AUTHOR}</dc:creator><cp:lastModifiedBy>{AUTHOR}</cp:lastModifiedBy>"
                             f"<dc:title>{COMPANY}</dc:title></cp:coreProperties>",
        "docProps/app.xml": '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-'
                            f'properties"><Company>{COMPANY}</Company><Manager>{AUTHOR}</Manager></Properties>',
    }
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in parts.items():
            archive.writestr(name, text)
    return output.getvalue()


def xlsx_file():
    book = Workbook()
    book.active["A1"] = "预算明细"
    book.properties.creator = AUTHOR
    book.properties.lastModifiedBy = AUTHOR
    book.properties.title = COMPANY
    output = io.BytesIO()
    book.save(output)
    return output.getvalue()


def jpeg_file():
    exif = Image.Exif()
    exif[0x013B] = AUTHOR.encode("utf-8").decode("latin-1")  # Artist
    exif[0x8298] = "Sunshine Social Work"  # Copyright
    output = io.BytesIO()
    Image.new("RGB", (8, 8), "green").save(output, "JPEG", exif=exif, comment=AUTHOR.encode())
    return output.getvalue()


def png_file():
    info = PngImagePlugin.PngInfo()
    info.add_itxt("Author", AUTHOR)
    info.add_text("Copyright", "Sunshine Social Work")
    output = io.BytesIO()
    Image.new("RGB", (8, 8), "green").save(output, "PNG", pnginfo=info)
    return output.getvalue()


def assert_nameless(content):
    for name in (AUTHOR, COMPANY, "Sunshine Social Work"):
        for encoding in ("utf-8", "utf-16-be"):
            assert name.encode(encoding) not in content, f"{name} ({encoding}) still in the file"


# -- each type, cleaned ----------------------------------------------------------------------
def test_a_pdf_loses_its_document_information_and_xmp_but_keeps_its_pages():
    original = pdf_file()
    assert PdfReader(io.BytesIO(original)).metadata.author == AUTHOR  # the test file is as described
    cleaned = scrub(original, "application/pdf")
    reader = PdfReader(io.BytesIO(cleaned))
    assert len(reader.pages) == 1
    assert not reader.metadata and reader.xmp_metadata is None
    assert_nameless(cleaned)


@pytest.mark.parametrize("make, content_type", [(docx_file, DOCX), (xlsx_file, XLSX)])
def test_an_office_file_loses_its_properties_and_comment_authors_but_keeps_its_content(make, content_type):
    original = make()
    assert AUTHOR.encode() in zipfile.ZipFile(io.BytesIO(original)).read("docProps/core.xml")
    cleaned = scrub(original, content_type)
    archive = zipfile.ZipFile(io.BytesIO(cleaned))
    assert archive.testzip() is None
    assert archive.namelist() == zipfile.ZipFile(io.BytesIO(original)).namelist()
    for name in archive.namelist():
        assert_nameless(archive.read(name))
    if content_type == DOCX:
        assert "项目计划书正文" in archive.read("word/document.xml").decode()
        assert "请核对预算" in archive.read("word/comments.xml").decode()
    else:
        book = load_workbook(io.BytesIO(cleaned))
        assert book.active["A1"].value == "预算明细" and book.properties.creator != AUTHOR


def test_a_powerpoint_file_loses_its_comment_authors():
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("ppt/commentAuthors.xml", f'<p:cmAuthorLst><p:cmAuthor id="0" name="{AUTHOR}" '
                                                   f'initials="ZX" lastIdx="1" clrIdx="0"/></p:cmAuthorLst>')
        archive.writestr("ppt/slides/slide1.xml", '<p:sld><p:cNvPr id="1" name="标题 1"/></p:sld>')
    cleaned = zipfile.ZipFile(io.BytesIO(scrub(output.getvalue(), PPTX)))
    assert_nameless(cleaned.read("ppt/commentAuthors.xml"))
    assert 'name="标题 1"' in cleaned.read("ppt/slides/slide1.xml").decode()  # a shape's name is no author


@pytest.mark.parametrize("make, content_type", [(jpeg_file, "image/jpeg"), (png_file, "image/png")])
def test_a_photo_loses_its_exif_and_text_but_keeps_its_pixels(make, content_type):
    original = make()
    assert AUTHOR.encode() in original or AUTHOR.encode("utf-8").decode("latin-1").encode("latin-1") in original
    cleaned = scrub(original, content_type)
    assert_nameless(cleaned)
    image = Image.open(io.BytesIO(cleaned))
    image.load()
    assert image.size == (8, 8) and not image.getexif()
    assert Image.open(io.BytesIO(original)).convert("RGB").tobytes() == image.convert("RGB").tobytes()


@pytest.mark.parametrize("content, content_type", [
    (b"%PDF-1.4 not really", "application/pdf"),
    (b"PK\x03\x04 broken", DOCX),
    (b"\xff\xd8\xff\xe1\x00", "image/jpeg"),
    (b"not a png", "image/png"),
])
def test_a_file_that_cannot_be_read_cannot_be_cleaned(content, content_type):
    assert scrub(content, content_type) is None


# -- what a reviewer downloads -----------------------------------------------------------------
def attach(proposal, name, content, content_type):
    attachment = Attachment(proposal=proposal, name=name, content_type=content_type, size=len(content))
    attachment.file.save(name, ContentFile(content), save=False)
    attachment.save()
    return attachment


@pytest.fixture
def reviewing(staff, reviewer):
    """Open a blind or open call's proposal with the given files to its reviewer."""

    def reviewing(blind, files):
        author = UserFactory(name="李文静")
        proposal = make_proposal(make_call(blind_review=blind), OrganisationFactory(admins=[author]), author)
        attachments = [attach(proposal, *file) for file in files]
        proposal = in_review(proposal, author, staff)
        assignment = service.assign_reviewer(proposal, reviewer, staff, timezone.localdate() + timedelta(days=5))
        service.declare_conflict(assignment, reviewer, False)
        return assignment, attachments

    return reviewing


def download(client, assignment, attachment):
    return client.get(f"/zh-hans/reviews/{assignment.pk}/files/{attachment.pk}/")


FILES = [("项目书.pdf", pdf_file(), "application/pdf"), ("计划.docx", docx_file(), DOCX),
         ("预算.xlsx", xlsx_file(), XLSX), ("照片.jpg", jpeg_file(), "image/jpeg"), ("海报.png", png_file(), "image/png")]


def test_reviewers_of_a_blind_call_download_files_without_their_authors(client, reviewing, reviewer):
    assignment, attachments = reviewing(True, FILES)
    client.force_login(reviewer)
    for attachment in attachments:
        response = download(client, assignment, attachment)
        assert response.status_code == 200, attachment.name
        content = b"".join(response.streaming_content)
        assert content and int(response["Content-Length"]) == len(content)
        assert_nameless(content)


def test_reviewers_of_an_open_call_download_files_as_uploaded(client, reviewing, reviewer):
    assignment, attachments = reviewing(False, FILES[:1])
    client.force_login(reviewer)
    assert b"".join(download(client, assignment, attachments[0]).streaming_content) == FILES[0][1]


def test_an_old_office_file_is_sent_as_uploaded_and_the_page_says_its_properties_stay(
        client, reviewing, reviewer):
    old_word = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + AUTHOR.encode() + b"\x00" * 64
    assignment, attachments = reviewing(True, [("旧版.doc", old_word, "application/msword"), FILES[0]])
    client.force_login(reviewer)
    page = client.get(f"/zh-hans/reviews/{assignment.pk}/").content.decode()
    assert page.count("旧版 Office 格式") == 1  # beside the .doc, not beside the PDF
    assert "文件中的文字不做隐去处理" in page
    assert b"".join(download(client, assignment, attachments[0]).streaming_content) == old_word


def test_a_file_that_cannot_be_cleaned_is_not_sent(client, reviewing, reviewer):
    broken = b"%PDF-1.4\n/Author (" + AUTHOR.encode() + b")\n"
    assignment, attachments = reviewing(True, [("坏文件.pdf", broken, "application/pdf")])
    client.force_login(reviewer)
    response = download(client, assignment, attachments[0])
    assert response.status_code == 302 and response["Location"].endswith(f"/reviews/{assignment.pk}/")
    assert "无法清除" in client.get(response["Location"]).content.decode()
