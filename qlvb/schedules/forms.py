from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from qlvb.core.forms import MultipleFileField, VNDateTimeField, model_choice
from qlvb.org.models import Agency, Person, Unit


class PeopleField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.full_name)


class PersonField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.full_name)


class EntryForm(forms.Form):
    title = forms.CharField(label=_("Content"), max_length=500, widget=forms.Textarea(attrs={"rows": 2}))
    starts_at = VNDateTimeField(label=_("Starts"))
    ends_at = VNDateTimeField(label=_("Ends"))
    place = forms.CharField(label=_("Place"), max_length=300, required=False)
    chair = PersonField(label=_("Chair"), queryset=Person.objects.none(), required=False)
    chair_text = forms.CharField(label=_("Chair (outside the agency)"), max_length=200, required=False)
    people = PeopleField(label=_("Participants"), queryset=Person.objects.none(), required=False,
                         widget=forms.SelectMultiple(attrs={"size": 6}))
    units = forms.ModelMultipleChoiceField(label=_("Participating units"), queryset=Unit.objects.none(),
                                           required=False, widget=forms.SelectMultiple(attrs={"size": 4}))
    guests = forms.CharField(label=_("Outside guests"), max_length=500, required=False)
    preparing_unit = forms.ModelChoiceField(label=_("Preparing unit"), queryset=Unit.objects.none(), required=False)
    documents = forms.CharField(label=_("Documents"), max_length=500, required=False,
                                help_text=_("Numbers and notations of the documents of the meeting."))
    notes = forms.CharField(label=_("Notes"), max_length=500, required=False)

    def __init__(self, *args: Any, agency: Agency, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        people = (Person.objects.filter(posts__agency=agency, posts__end_date__isnull=True, is_active=True)
                  .distinct().order_by("full_name"))
        units = Unit.objects.filter(agency=agency, is_active=True, deleted_at__isnull=True).order_by("order", "name")
        model_choice(self, "chair").queryset = people
        model_choice(self, "people").queryset = people
        model_choice(self, "units").queryset = units
        model_choice(self, "preparing_unit").queryset = units


class InvitationForm(forms.Form):
    title = forms.CharField(label=_("Content"), max_length=500, widget=forms.Textarea(attrs={"rows": 2}))
    starts_at = VNDateTimeField(label=_("Starts"))
    ends_at = VNDateTimeField(label=_("Ends"))
    place = forms.CharField(label=_("Place"), max_length=300, required=False)


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=300, required=False)



class ReportForm(forms.Form):
    """The report back after a meeting of an invitation (001 Đ16)."""

    text = forms.CharField(label=_("What the meeting concluded, and what falls to the agency"),
                           widget=forms.Textarea(attrs={"rows": 4}), max_length=5000)
    attachments = MultipleFileField(label=_("Files"), required=False)
