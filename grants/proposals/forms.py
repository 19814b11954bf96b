"""The proposal editor: one page of forms that saves as a draft whatever is well-formed."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from core.fields import IdMultipleChoiceField
from core.money import percent, yuan
from core.uploads import ALLOWED_EXTENSIONS, check_upload
from grants.calls.models import Theme
from grants.proposals.models import BudgetLine, Indicator, Proposal
from incubator.places.models import Community, Street

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def communities_by_street():
    """Communities grouped under their street, so the list reads without JavaScript."""

    groups = {}
    for community in Community.objects.select_related("street").order_by("street__code", "code"):
        groups.setdefault(community.street, []).append((community.pk, community.name))
    return list(groups.items())


def name_empty_choices(form):
    """Empty selects read "请选择…" rather than Django's "---------"."""
    for field in form.fields.values():
        if isinstance(field, forms.ModelChoiceField) and not isinstance(field, forms.ModelMultipleChoiceField):
            field.empty_label = _("Choose…")
        elif isinstance(field, forms.ChoiceField) and field.choices and field.choices[0][0] == "":
            field.choices = [("", _("Choose…")), *field.choices[1:]]


class ProposalDetailsForm(forms.ModelForm):
    # Ticked in groups, one per street (proposals/includes/communities_field.html): no
    # Ctrl-click list of 150, and with JavaScript only the chosen street's group shows.
    communities = IdMultipleChoiceField(
        label=_("Target communities"), required=False, queryset=Community.objects.all(),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Optional. Tick the communities of the target street / town the project serves."))
    themes = IdMultipleChoiceField(
        label=_("Themes"), queryset=Theme.objects.all(), required=False,
        widget=forms.CheckboxSelectMultiple)

    class Meta:
        model = Proposal
        fields = ["title", "summary", "street", "communities", "themes", "starts_on", "ends_on",
                  "requested_amount", "cofunding_amount"]
        widgets = {"starts_on": DATE_INPUT, "ends_on": DATE_INPUT,
                   "summary": forms.Textarea(attrs={"rows": 6})}

    def __init__(self, *args, call=None, **kwargs):
        super().__init__(*args, **kwargs)
        # Drafts may be incomplete: completeness is checked when the proposal is submitted.
        for field in self.fields.values():
            field.required = False
        self.fields["street"].queryset = Street.objects.all()
        name_empty_choices(self)
        if call is not None:
            self.fields["requested_amount"].help_text = _("Between %(min)s and %(max)s.") % {
                "min": yuan(call.min_grant), "max": yuan(call.max_grant)}
            if call.cofunding_share:
                self.fields["cofunding_amount"].help_text = _(
                    "At least %(share)s%% of the project's total budget.") % {
                    "share": percent(call.cofunding_share)}

    def community_groups(self):
        """[(street, [(community id, name, ticked)])] for the grouped checkboxes."""
        ticked = {str(value) for value in self["communities"].value() or []}
        return [(street, [(pk, name, str(pk) in ticked) for pk, name in communities])
                for street, communities in communities_by_street()]

    def clean_cofunding_amount(self):
        from decimal import Decimal

        return self.cleaned_data.get("cofunding_amount") or Decimal("0")


class PositionedFormSet(forms.BaseInlineFormSet):
    """Keeps the rows in the order the applicant wrote them."""

    def add_fields(self, form, index):
        super().add_fields(form, index)
        name_empty_choices(form)

    def save(self, commit=True):
        instances = super().save(commit=False)
        for obj in self.deleted_objects:
            obj.delete()
        for position, form in enumerate(self.ordered_forms if self.can_order else self.forms):
            if form.instance in instances or (form.instance.pk and form not in self.deleted_forms):
                form.instance.position = position
                if form.has_changed() or form.instance.pk:
                    form.instance.save()
        return instances


BudgetFormSet = forms.inlineformset_factory(
    Proposal, BudgetLine, formset=PositionedFormSet, extra=3, can_delete=True,
    fields=["category", "item", "quantity", "unit", "unit_price"],
    # Enough for any budget; the page adds rows (proposal_form.js) or gives three more on saving.
    max_num=100, absolute_max=100)

IndicatorFormSet = forms.inlineformset_factory(
    Proposal, Indicator, formset=PositionedFormSet, extra=2, can_delete=True,
    fields=["kind", "name", "unit", "target"])


def question_field(block):
    value = block.value
    common = {"label": value["label"], "help_text": value["help_text"], "required": False}
    kind = block.block_type
    if kind == "long_text":
        return forms.CharField(widget=forms.Textarea(attrs={"rows": 5}), **common)
    if kind == "number":
        return forms.DecimalField(max_digits=14, decimal_places=2, **common)
    if kind == "date":
        return forms.DateField(widget=DATE_INPUT, **common)
    if kind in ("single_choice", "multiple_choice"):
        choices = [(choice, choice) for choice in value["choices"]]
        if kind == "single_choice":
            return forms.ChoiceField(choices=choices, widget=forms.RadioSelect, **common)
        return forms.MultipleChoiceField(choices=choices, widget=forms.CheckboxSelectMultiple, **common)
    if kind == "file":
        return forms.FileField(**common)
    return forms.CharField(max_length=500, **common)


class QuestionsForm(forms.Form):
    """The call's own questions; answers are kept by question id as JSON."""

    def __init__(self, *args, call, answers, **kwargs):
        super().__init__(*args, **kwargs)
        self.file_questions = {}
        for block in call.question_blocks():
            name = f"q_{block.id}"
            self.fields[name] = question_field(block)
            self.fields[name].required_at_submit = block.value["required"]
            if block.block_type == "file":
                self.file_questions[name] = block.id
            elif block.id in answers:
                self.initial[name] = answers[block.id]

    def clean(self):
        cleaned = super().clean()
        for name in self.file_questions:
            uploaded = cleaned.get(name)
            if uploaded:
                try:
                    check_upload(uploaded)
                except ValidationError as error:
                    self.add_error(name, error)
        return cleaned

    def answers(self):
        answers = {}
        for name, value in self.cleaned_data.items():
            if name in self.file_questions or value in (None, "", []):
                continue
            answers[name[2:]] = value.isoformat() if hasattr(value, "isoformat") else \
                str(value) if not isinstance(value, (str, list)) else value
        return answers

    def uploads(self):
        return [(question, self.cleaned_data[name]) for name, question in self.file_questions.items()
                if self.cleaned_data.get(name)]


class AttachmentForm(forms.Form):
    file = forms.FileField(
        label=_("Add an attachment"), required=False,
        help_text=_("Accepted: %(extensions)s.") % {"extensions": " ".join(ALLOWED_EXTENSIONS)})

    def clean_file(self):
        uploaded = self.cleaned_data.get("file")
        if uploaded:
            check_upload(uploaded)
        return uploaded


class ProposalEditor:
    """All the forms of the proposal page, validated and saved together."""

    def __init__(self, proposal, data=None, files=None):
        self.proposal = proposal
        call = proposal.call
        self.details = ProposalDetailsForm(data, instance=proposal, call=call, prefix="p")
        self.budget = BudgetFormSet(data, instance=proposal, prefix="budget")
        self.indicators = IndicatorFormSet(data, instance=proposal, prefix="indicators")
        self.questions = QuestionsForm(data, files, call=call, answers=proposal.answers, prefix="q")
        self.attachment = AttachmentForm(data, files, prefix="a")
        self.parts = [self.details, self.budget, self.indicators, self.questions, self.attachment]
        self.problems = []

    def is_valid(self):
        return all([part.is_valid() for part in self.parts])

    def save(self):
        """Save the typed data (used inside the draft service's transaction)."""

        proposal = self.details.save(commit=False)
        proposal.answers = {**self.proposal.answers, **self.questions.answers()}
        for name in self.questions.fields:  # an answer cleared by the applicant is removed
            if name not in self.questions.file_questions and self.questions.cleaned_data.get(name) in (None, "", []):
                proposal.answers.pop(name[2:], None)
        proposal.save()
        self.details.save_m2m()
        self.budget.save()
        self.indicators.save()

    def uploads(self):
        uploads = self.questions.uploads()
        if self.attachment.cleaned_data.get("file"):
            uploads.append(("", self.attachment.cleaned_data["file"]))
        return uploads

    def show_problems(self, problems):
        """Put each submission problem next to its field (and keep the full list for the top)."""
        self.problems = problems
        for form in (self.details, self.questions):
            if not form.is_bound:  # an unbound form has no error or cleaned_data store yet
                form._errors, form.cleaned_data = forms.utils.ErrorDict(), {}
        for problem in problems:
            if problem.field in self.details.fields:
                self.details.add_error(problem.field, problem.message)
            elif problem.field in self.questions.fields:
                self.questions.add_error(problem.field, problem.message)

    def problem_links(self):
        """(message, anchor) for the summary at the top of the page."""
        links = []
        for problem in self.problems:
            if problem.field in self.details.fields:
                # A group of checkboxes has no one input to point at: its fieldset carries the id.
                anchor = self.details[problem.field].id_for_label or self.details[problem.field].auto_id
            elif problem.field in self.questions.fields:
                anchor = self.questions[problem.field].id_for_label
            elif problem.field in ("budget", "indicators"):
                anchor = problem.field
            else:
                anchor = ""
            links.append((problem.message, anchor))
        return links

    def section_problems(self, section):
        return [problem.message for problem in self.problems if problem.field == section]

    @property
    def budget_problems(self):
        return self.section_problems("budget")

    @property
    def indicator_problems(self):
        return self.section_problems("indicators")
