"""The reviewer's two forms: the conflict-of-interest declaration, and the scoring sheet built
from the call's rubric. The review service has the last word on every rule; these forms parse
what was typed and put the service's objections back next to the right field."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from grants.review.models import Review


class ConflictForm(forms.Form):
    YES, NO = "yes", "no"

    has_conflict = forms.ChoiceField(
        label=_("Do you have a conflict of interest with this applicant?"),
        choices=[(NO, _("No, I have no conflict of interest")), (YES, _("Yes, I have a conflict of interest"))],
        widget=forms.RadioSelect,
        help_text=_("For example: you work or volunteer for the organisation, advise it, are paid by it, or "
                    "are related to its staff. Declaring a conflict ends this assignment; staff will ask "
                    "someone else."),
        error_messages={"required": _("Answer yes or no.")},
    )
    note = forms.CharField(
        label=_("What is the conflict? (optional, for staff only)"), required=False,
        widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)

    @property
    def has_conflict_value(self):
        return self.cleaned_data["has_conflict"] == self.YES


class Criterion:
    """One rubric criterion and its three fields in the form."""

    def __init__(self, form, block_id, value):
        self.id = block_id
        self.name = value["name"]
        self.description = value.get("description", "")
        self.weight = value["weight"]
        self.max_score = value["max_score"]
        self.score = form[f"score_{block_id}"]
        self.comment = form[f"comment_{block_id}"]
        self.shared = form[f"shared_{block_id}"]


class ReviewForm(forms.Form):
    """A score, a comment and a "share it" box per criterion; then the overall comment and the
    recommendation. Every field is optional here: a draft may be partial, and the service says
    what a submission still lacks."""

    comment = forms.CharField(label=_("Overall comment"), required=False,
                              widget=forms.Textarea(attrs={"rows": 5}), max_length=10000)
    comment_shared = forms.BooleanField(label=_("Share the overall comment with the applicant"), required=False)
    recommendation = forms.ChoiceField(
        label=_("Your recommendation"), choices=Review.Recommendation.choices, required=False,
        widget=forms.RadioSelect)

    # Submitting is final: the reviewer says so by ticking this, checked on the server (the
    # page works without JavaScript, so no confirm() dialog can be relied on).
    confirm_final = forms.BooleanField(
        label=_("I confirm that once submitted, this review can no longer be changed."), required=False)

    field_order = ["comment", "comment_shared", "recommendation", "confirm_final"]

    def __init__(self, rubric, *args, review=None, **kwargs):
        self.rubric = [(block.id, block.value) for block in rubric]
        if review is not None and "initial" not in kwargs:
            kwargs["initial"] = self.initial_from(review)
        super().__init__(*args, **kwargs)
        for block_id, value in self.rubric:
            # Django's own "Ensure this value is less than or equal to 10." names neither the
            # criterion nor the range; the reviewer reads this one in the summary at the top.
            out_of_range = (_("“%(name)s” takes a whole number from 0 to %(max)s.") % {
                "name": value["name"], "max": value["max_score"]}).replace("%", "%%")
            self.fields[f"score_{block_id}"] = forms.IntegerField(
                label=_("Score for “%(name)s” (0 to %(max)s)") % {"name": value["name"], "max": value["max_score"]},
                required=False, min_value=0, max_value=value["max_score"],
                error_messages={"invalid": out_of_range, "min_value": out_of_range, "max_value": out_of_range},
                widget=forms.NumberInput(attrs={"min": 0, "max": value["max_score"], "step": 1,
                                                "inputmode": "numeric", "data-weight": value["weight"],
                                                "data-max": value["max_score"]}))
            if value.get("description"):
                self.fields[f"score_{block_id}"].widget.attrs["aria-describedby"] = f"help_{block_id}"
            self.fields[f"comment_{block_id}"] = forms.CharField(
                label=_("Comment on “%(name)s”") % {"name": value["name"]}, required=False,
                widget=forms.Textarea(attrs={"rows": 3}), max_length=5000)
            self.fields[f"shared_{block_id}"] = forms.BooleanField(
                label=_("Share this comment with the applicant"), required=False)

    def initial_from(self, review):
        initial = {"comment": review.comment, "comment_shared": review.comment_shared,
                   "recommendation": review.recommendation}
        for block_id, entry in (review.scores or {}).items():
            initial[f"score_{block_id}"] = entry.get("score")
            initial[f"comment_{block_id}"] = entry.get("comment", "")
            initial[f"shared_{block_id}"] = entry.get("shared", False)
        return initial

    @property
    def criteria(self):
        return [Criterion(self, block_id, value) for block_id, value in self.rubric]

    def scores(self):
        """{criterion id: {"score", "comment", "shared"}} as `save_review` takes it."""

        data = self.cleaned_data
        return {block_id: {"score": data.get(f"score_{block_id}"), "comment": data.get(f"comment_{block_id}", ""),
                           "shared": data.get(f"shared_{block_id}", False)}
                for block_id, _value in self.rubric}

    def service_kwargs(self):
        data = self.cleaned_data
        return {"scores": self.scores(), "comment": data["comment"], "comment_shared": data["comment_shared"],
                "recommendation": data["recommendation"]}

    def refuse_unconfirmed(self):
        self.add_error("confirm_final", _("Tick the box to confirm: a submitted review can no longer be changed."))

    def add_submission_errors(self, error):
        """A refused submission: the service stops at the first kind of problem (scores before
        the recommendation), but the reviewer should see every missing entry at once."""

        self.add_service_error(error)
        if "recommendation" not in self.errors and not self.cleaned_data.get("recommendation"):
            self.add_error("recommendation", _("Choose a recommendation."))

    def add_service_error(self, error):
        """Put a ValidationError from the review service next to the field it is about:
        criterion ids become that criterion's score field."""
        if not hasattr(error, "error_dict"):
            self.add_error(None, error)
            return
        known = {block_id for block_id, _value in self.rubric}
        for key, messages in error.error_dict.items():
            if key in known:
                name = f"score_{key}"
            elif key in self.fields:
                name = key
            else:
                name = None
            self.add_error(name, ValidationError(messages))
