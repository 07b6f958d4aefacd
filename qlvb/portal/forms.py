from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy

from qlvb.core.forms import VNDateField
from qlvb.core.models import CalendarDay


class CalendarDayForm(forms.Form):
    date = VNDateField(label=gettext_lazy("Date"))
    kind = forms.ChoiceField(label=gettext_lazy("Kind"), choices=CalendarDay.Kind.choices)
    name = forms.CharField(label=gettext_lazy("Reason"), max_length=200)
    whole_installation = forms.BooleanField(label=gettext_lazy("For every agency of the installation"),
                                            required=False)
