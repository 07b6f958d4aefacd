"""The period picker of the statistics pages. It only draws the fields: periods.from_params reads
them (the same reading for pages, exports and the API) and words its own errors."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from qlvb.statistics.periods import Period

PERIOD_CHOICES = [
    ("week", _("Week")), ("month", _("Month")), ("quarter", _("Quarter")), ("half_year", _("6 months")),
    ("year", _("Year")), ("range", _("Range of days")),
]


class PeriodForm(forms.Form):
    period = forms.ChoiceField(label=_("Period"), choices=PERIOD_CHOICES)
    day = forms.DateField(label=_("A day in it"), required=False,
                          widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    start = forms.DateField(label=_("From"), required=False,
                            widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    end = forms.DateField(label=_("To"), required=False,
                          widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))

    @classmethod
    def showing(cls, period: Period) -> PeriodForm:
        """The picker set to the period the page shows."""
        return cls(initial={"period": period.kind, "day": period.start, "start": period.start, "end": period.end},
                   auto_id="period-%s")
