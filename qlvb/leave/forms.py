"""The leave request, the decision, the overtime declaration and the carry-over forms."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from qlvb.core.forms import VNDateField
from qlvb.leave.models import LeaveRequest


class LeaveForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind of leave"), choices=LeaveRequest.Kind.choices)
    start = VNDateField(label=_("From"))
    start_afternoon = forms.BooleanField(label=_("From the afternoon of the first day"), required=False)
    end = VNDateField(label=_("Until"))
    end_morning = forms.BooleanField(label=_("Until the morning of the last day"), required=False)
    reason = forms.CharField(label=_("Reason"), max_length=500, widget=forms.Textarea(attrs={"rows": 2}))
    emergency = forms.BooleanField(label=_("Emergency (illness, sudden family matter), told by phone"),
                                   required=False)
    emergency_reason = forms.CharField(label=_("Why it could not be asked in advance"), max_length=500,
                                       required=False)


class DecisionForm(forms.Form):
    note = forms.CharField(label=_("Note (required to refuse)"), max_length=500, required=False)


class OvertimeForm(forms.Form):
    day = VNDateField(label=_("Day"))
    hours = forms.DecimalField(label=_("Hours"), max_digits=4, decimal_places=1, min_value=0)
    work = forms.CharField(label=_("Work done"), max_length=500)


class CarryOverForm(forms.Form):
    person = forms.IntegerField(widget=forms.HiddenInput)
    from_year = forms.IntegerField(widget=forms.HiddenInput)
    days = forms.DecimalField(label=_("Days to carry over"), max_digits=4, decimal_places=1, min_value=0)


class ServiceStartForm(forms.Form):
    started_on = VNDateField(label=_("In service since"))

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["started_on"].widget.attrs["class"] = "form-control form-control-sm"
