from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.images.blocks import ImageBlock


class HeadingBlock(blocks.StructBlock):
    text = blocks.CharBlock(label=_("heading"))
    size = blocks.ChoiceBlock(
        choices=[("h2", "H2"), ("h3", "H3")], default="h2", label=_("size")
    )

    class Meta:
        icon = "title"
        template = "cms/blocks/heading.html"
        preview_value = {"text": "社区创新", "size": "h2"}


class CalloutBlock(blocks.StructBlock):
    title = blocks.CharBlock(label=_("title"))
    text = blocks.RichTextBlock(features=["bold", "italic", "link"], label=_("text"))

    class Meta:
        icon = "info-circle"
        template = "cms/blocks/callout.html"
        preview_value = {"title": "服务热线", "text": "工作日 9:00–17:30"}


class BaseStreamBlock(blocks.StreamBlock):
    """The body blocks every content page shares."""

    heading = HeadingBlock()
    paragraph = blocks.RichTextBlock(
        features=["bold", "italic", "link", "ol", "ul", "h3"], icon="pilcrow", label=_("paragraph")
    )
    image = ImageBlock(label=_("image"))
    callout = CalloutBlock()
