"""The blocks staff use to build a call's application form and review rubric."""

from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.documents.blocks import DocumentChooserBlock


class QuestionBlock(blocks.StructBlock):
    label = blocks.CharBlock(label=_("question"))
    help_text = blocks.CharBlock(label=_("help text"), required=False)
    required = blocks.BooleanBlock(label=_("required"), required=False, default=True)

    class Meta:
        icon = "help"
        form_classname = "question-block"


class ChoiceQuestionBlock(QuestionBlock):
    choices = blocks.ListBlock(blocks.CharBlock(label=_("choice")), label=_("choices"), min_num=2)

    class Meta:
        icon = "list-ul"


class QuestionsBlock(blocks.StreamBlock):
    """The call's own questions. Answers are stored by the block's id, so rewording a question
    after applications arrive keeps their answers attached."""

    short_text = QuestionBlock(label=_("short text"))
    long_text = QuestionBlock(label=_("long text"))
    number = QuestionBlock(label=_("number"))
    single_choice = ChoiceQuestionBlock(label=_("single choice"))
    multiple_choice = ChoiceQuestionBlock(label=_("multiple choice"))
    date = QuestionBlock(label=_("date"))
    file = QuestionBlock(label=_("file"), icon="doc-full")


class CriterionBlock(blocks.StructBlock):
    name = blocks.CharBlock(label=_("criterion"))
    description = blocks.TextBlock(label=_("what reviewers look for"), required=False)
    weight = blocks.DecimalBlock(label=_("weight (%)"), min_value=0, max_value=100, decimal_places=2)
    max_score = blocks.IntegerBlock(label=_("maximum score"), min_value=1, max_value=100, default=10)

    class Meta:
        icon = "pick"


class RubricBlock(blocks.StreamBlock):
    criterion = CriterionBlock()


class CallDocumentBlock(blocks.StructBlock):
    title = blocks.CharBlock(label=_("title"), required=False)
    document = DocumentChooserBlock(label=_("document"))

    class Meta:
        icon = "doc-full"


class CallDocumentsBlock(blocks.StreamBlock):
    document = CallDocumentBlock()
