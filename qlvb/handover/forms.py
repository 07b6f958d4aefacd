from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from qlvb.core import handover
from qlvb.org.models import Person


def candidates(person: Person, agency_id: int) -> Any:
    """Active people holding a post in force in the agency, the person aside."""
    return (Person.objects.filter(is_active=True, posts__agency_id=agency_id, posts__end_date__isnull=True)
            .exclude(pk=person.pk).distinct().order_by("full_name"))


class HandOverForm(forms.Form):
    successor = forms.ModelChoiceField(label=_("Successor (for all the work)"), queryset=Person.objects.none())
    note = forms.CharField(label=_("Note"), required=False, max_length=1000,
                           widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, person: Person, agency_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        people = candidates(person, agency_id)
        self.fields["successor"].queryset = people  # type: ignore[attr-defined]
        for provider in handover.providers():
            self.fields[f"successor_{provider.name}"] = forms.ModelChoiceField(
                label=provider.label, queryset=people, required=False,
                empty_label=_("The same successor"))

    def per_provider(self) -> dict[str, Person | None]:
        return {p.name: self.cleaned_data.get(f"successor_{p.name}") for p in handover.providers()}
