from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from qlvb.core.forms import model_choice
from qlvb.dossiers.models import Dossier, Retention
from qlvb.org.models import Person, Unit
from qlvb.org.roles import roles_of


class DossierForm(forms.Form):
    code = forms.CharField(label=_("Dossier code"), max_length=50, help_text=_("e.g. 05.CNTT"))
    title = forms.CharField(label=_("Title"), max_length=300)
    retention = forms.ChoiceField(label=_("Retention"), choices=Retention.choices, initial=Retention.Y10)
    kind = forms.ChoiceField(label=_("Kind"), choices=Dossier.Kind.choices)
    unit = forms.ModelChoiceField(label=_("Unit"), queryset=Unit.objects.none(), required=False)
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    planned = forms.BooleanField(label=_("Add to the year's dossier plan (not opened yet)"), required=False)
    notes = forms.CharField(label=_("Notes"), max_length=500, required=False)

    def __init__(self, *args: Any, person: Person, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {}).setdefault("year", timezone.localdate().year)
        super().__init__(*args, **kwargs)
        model_choice(self, "unit").queryset = Unit.objects.filter(pk__in=roles_of(person).unit_ids)
