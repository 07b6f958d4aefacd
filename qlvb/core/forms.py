"""Form helpers shared by every app."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one field (`<input type=file multiple>`): a list, each file checked as
    FileField checks one; an empty list when none is given."""

    widget = MultipleFileInput

    def clean(self, data: Any, initial: Any = None) -> list:
        if not data:
            return []
        items = data if isinstance(data, list | tuple) else [data]
        one = super().clean  # taken here: a bare super() inside the comprehension has no `self`
        return [one(item, initial) for item in items]


def model_choice(form: forms.BaseForm, name: str) -> forms.ModelChoiceField:
    """The form's model-choice field `name`, typed as one, to narrow its queryset per request."""
    return cast(forms.ModelChoiceField, form.fields[name])


def attach_errors(form: forms.BaseForm, error: ValidationError) -> None:
    """Put a service's ValidationError beside the right fields (or on top when it has none)."""
    if hasattr(error, "error_dict"):
        for field, messages in error.message_dict.items():
            form.add_error(field if field in form.fields else None, messages)
    else:
        form.add_error(None, error.messages)


class VNDateField(forms.DateField):
    """dd/mm/yyyy whatever the browser's locale (a native date input follows the browser's)."""

    widget = forms.DateInput(format="%d/%m/%Y", attrs={"placeholder": "dd/mm/yyyy", "inputmode": "numeric"})

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("input_formats", ["%d/%m/%Y", "%d-%m-%Y", "%Y-%m-%d"])
        super().__init__(**kwargs)


class VNDateTimeField(forms.DateTimeField):
    widget = forms.DateTimeInput(format="%d/%m/%Y %H:%M", attrs={"placeholder": "dd/mm/yyyy hh:mm"})

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("input_formats", ["%d/%m/%Y %H:%M", "%d/%m/%Y", "%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"])
        super().__init__(**kwargs)
