"""Forms of the IT staff pages (the services check everything again)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from qlvb.core.forms import VNDateField, VNDateTimeField
from qlvb.itstaff.models import Degree, Incident, ReportTemplate, Training
from qlvb.org.models import Agency, Person


class StaffForm(forms.Form):
    person = forms.ModelChoiceField(queryset=Person.objects.none(), label=_("Person"))
    degree = forms.ChoiceField(choices=Degree.choices, label=_("Degree"))
    field_of_study = forms.CharField(max_length=200, label=_("Field of study"))
    field_is_it = forms.BooleanField(required=False, label=_("The field is IT (or informatics)"))
    full_time_study = forms.BooleanField(required=False, label=_("Full-time (chính quy) degree"))
    decision = forms.RegexField(r"^(incoming|outgoing):\d{1,18}$", required=False, label=_("Assignment decision"),
                                help_text=_('The decision as "outgoing:<id>" or "incoming:<id>" (from its page\'s '
                                            'address).'))
    assigned_on = VNDateField(required=False, label=_("Assigned on"))
    notes = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}), label=_("Notes"))

    def __init__(self, *args: Any, agency: Agency, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = Person.objects.filter(  # type: ignore[attr-defined]
            posts__agency=agency, posts__end_date__isnull=True, is_active=True).distinct().order_by("full_name")

    def values(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        decision = data.pop("decision") or ""
        data["decision"] = (decision.split(":")[0], int(decision.split(":")[1])) if decision else None
        return data


class CertificateForm(forms.Form):
    name = forms.CharField(max_length=200, label=_("Certificate name"))
    issued_on = VNDateField(label=_("Issued on"))
    expires_on = VNDateField(required=False, label=_("Valid until"))


class TrainingForm(forms.Form):
    kind = forms.ChoiceField(choices=Training.Kind.choices, label=_("Kind"))
    title = forms.CharField(max_length=300, label=_("Title"))
    held_on = VNDateField(label=_("Date"))
    attended = forms.BooleanField(required=False, initial=True, label=_("Attended"))


class TemplateForm(forms.Form):
    title = forms.CharField(max_length=300, label=_("Title"))
    period = forms.ChoiceField(choices=ReportTemplate.Period.choices, label=_("Period"))
    year = forms.IntegerField(min_value=2000, max_value=2100, label=_("Year"))
    deadline = VNDateField(label=_("Deadline"))
    sections = forms.CharField(widget=forms.Textarea(attrs={"rows": 6}), label=_("Sections (one per line)"))

    def values(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["sections"] = [line.strip() for line in data["sections"].splitlines() if line.strip()]
        return data


class IncidentForm(forms.Form):
    kind = forms.ChoiceField(choices=Incident.Kind.choices, label=_("Kind"))
    title = forms.CharField(max_length=300, label=_("What happened"))
    occurred_at = VNDateTimeField(required=False, label=_("Time of occurrence"))
    impact = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}), label=_("Impact"))
    handling = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}), label=_("Handling"))


class CloseForm(forms.Form):
    handling = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), label=_("How it was handled"))
