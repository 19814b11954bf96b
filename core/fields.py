"""Choosing records by id in forms and filters: an id that cannot exist is an invalid choice.

Django's own model-choice fields hand any string to the database; SQLite then fails with
OverflowError on a 20-digit id (a 500) instead of saying "select a valid choice".
"""

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django_filters import fields as filter_fields

from core.http import parse_id


class _ChecksIds:
    def _check_id(self, value):
        if self.to_field_name is None and not isinstance(value, self.queryset.model) \
                and parse_id(str(value)) is None:
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice",
                                  params={"value": value})

    def to_python(self, value):  # one choice
        if value not in self.empty_values:
            self._check_id(value)
        return super().to_python(value)

    def _check_values(self, value):  # several
        for item in value:
            self._check_id(item)
        return super()._check_values(value)


class IdChoiceField(_ChecksIds, forms.ModelChoiceField):
    pass


class IdMultipleChoiceField(_ChecksIds, forms.ModelMultipleChoiceField):
    pass


class _IdChoiceFilterField(_ChecksIds, filter_fields.ModelChoiceField):
    pass


class IdChoiceFilter(django_filters.ModelChoiceFilter):
    field_class = _IdChoiceFilterField
