"""PDFs of proposals, rendered by WeasyPrint from an HTML template in the reader's language.

The stylesheet names Noto Sans CJK SC explicitly: without a CJK font, Chinese comes out as
empty boxes (the setup command installs Debian's fonts-noto-cjk)."""

from django.template.loader import render_to_string
from weasyprint import HTML


def render_pdf(template, context):
    return HTML(string=render_to_string(template, context)).write_pdf()
