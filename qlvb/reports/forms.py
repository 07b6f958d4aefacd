"""Report forms: a new report (whose, which kind, a day of its period) and its sections."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from qlvb.core.forms import VNDateField
from qlvb.org.models import Field, Unit
from qlvb.reports.models import PeriodicReport

FIELDS_CHOICE = "fields"


class NewReportForm(forms.Form):
    whose = forms.ChoiceField(label=_("Report of"))
    kind = forms.ChoiceField(label=_("Kind of report"), choices=PeriodicReport.Kind.choices,
                             initial=PeriodicReport.Kind.WEEK)
    day = VNDateField(label=_("A day of the period"),
                      help_text=_("The week (Monday to Sunday), quarter, half year or year that holds this day."))

    def __init__(self, *args: Any, units: list[Unit], fields: list[Field], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [(f"u:{u.pk}", u.name) for u in units]
        if fields:
            names = ", ".join(f.name for f in fields[:3]) + ("…" if len(fields) > 3 else "")
            label = _("My fields (weekly report to the director): %(names)s") % {"names": names}
            choices.append((FIELDS_CHOICE, label))
        cast(forms.ChoiceField, self.fields["whose"]).choices = choices
        self.units = {u.pk: u for u in units}
        if not self.is_bound:
            self.initial.setdefault("day", timezone.localdate())

    def unit(self) -> Unit | None:
        value = self.cleaned_data["whose"]
        if value == FIELDS_CHOICE:
            return None
        return self.units[int(value.partition(":")[2])]


class SectionsForm(forms.Form):
    results = forms.CharField(label=_("Results achieved"), required=False,
                              widget=forms.Textarea(attrs={"rows": 6}))
    shortcomings = forms.CharField(label=_("Difficulties and shortcomings"), required=False,
                                   widget=forms.Textarea(attrs={"rows": 4}))
    proposals = forms.CharField(label=_("Proposals and recommendations"), required=False,
                                widget=forms.Textarea(attrs={"rows": 4}))
    next_plan = forms.CharField(label=_("Plan for the next period"), required=False,
                                widget=forms.Textarea(attrs={"rows": 5}))


class PeriodForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind of report"), choices=PeriodicReport.Kind.choices, required=False)
    day = VNDateField(label=_("A day of the period"), required=False)
