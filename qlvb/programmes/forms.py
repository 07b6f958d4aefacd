"""Forms of the programme pages: new programme, item, decisions, adjustment reason, making tasks,
review. They only read input; services.py checks it and saves."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from qlvb.core.forms import VNDateField
from qlvb.org.models import Agency, Field, Person, Unit
from qlvb.org.roles import roles_of
from qlvb.programmes.models import Item, Programme


def _units(agency: Agency) -> Any:
    return Unit.objects.filter(agency=agency, deleted_at__isnull=True, is_active=True).order_by("order", "name")


class ProgrammeForm(forms.Form):
    scope = forms.ChoiceField(label=_("Whose programme"), choices=Programme.Scope.choices)
    owner_unit = forms.ModelChoiceField(label=_("Unit"), queryset=Unit.objects.none(), required=False)
    period = forms.ChoiceField(label=_("Programme period"), choices=Programme.Period.choices,
                               initial=Programme.Period.QUARTER)
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    number = forms.IntegerField(label=_("Which half, quarter or month"), min_value=1, max_value=12, required=False,
                                help_text=_("1–2 for six months, 1–4 for a quarter, 1–12 for a month."))
    week_of = VNDateField(label=_("A day of the week"), required=False)
    title = forms.CharField(label=_("Title"), max_length=300, required=False,
                            help_text=_("Left empty: made from whose programme it is and its period."))

    def __init__(self, *args: Any, person: Person, agency: Agency, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        roles = roles_of(person)
        units = _units(agency)
        if agency.pk not in roles.leader_agency_ids:
            units = units.filter(pk__in=sorted(roles.headed_unit_ids))
        self.fields["owner_unit"].queryset = units  # type: ignore[attr-defined]
        self.fields["year"].initial = timezone.localdate().year
        # A unit head most often drafts his unit's programme; a specialist his own.
        self.fields["scope"].initial = Programme.Scope.UNIT if roles.headed_unit_ids else Programme.Scope.PERSON
        if len(roles.headed_unit_ids) == 1:
            self.fields["owner_unit"].initial = next(iter(roles.headed_unit_ids))


class ItemForm(forms.Form):
    title = forms.CharField(label=_("Work"), max_length=500, widget=forms.Textarea(attrs={"rows": 2}))
    product = forms.CharField(label=_("Product"), max_length=300, required=False,
                              help_text=_("e.g. a submission with a draft decision, a report, a plan."))
    responsible_unit = forms.ModelChoiceField(label=_("Responsible unit"), queryset=Unit.objects.none(),
                                              required=False)
    coordinating_units = forms.ModelMultipleChoiceField(label=_("Coordinating units"), queryset=Unit.objects.none(),
                                                        required=False,
                                                        widget=forms.SelectMultiple(attrs={"size": 5}))
    responsible_person = forms.ModelChoiceField(label=_("Person responsible for the work"),
                                                queryset=Person.objects.none(), required=False)
    starts = VNDateField(label=_("From"), required=False)
    due = VNDateField(label=_("Due"), required=False)
    nature = forms.ChoiceField(label=_("Nature"), choices=Item.Nature.choices, initial=Item.Nature.REGULAR)
    field = forms.ModelChoiceField(label=_("Field of work"), queryset=Field.objects.none(), required=False,
                                   help_text=_("Left empty: the field supervising the responsible unit."))
    reason = forms.CharField(label=_("Reason for the adjustment"), required=False,
                             widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, agency: Agency, adjusting: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["responsible_unit"].queryset = _units(agency)  # type: ignore[attr-defined]
        self.fields["coordinating_units"].queryset = _units(agency)  # type: ignore[attr-defined]
        self.fields["responsible_person"].queryset = (  # type: ignore[attr-defined]
            Person.objects.filter(agency=agency, is_active=True).order_by("full_name"))
        self.fields["field"].queryset = Field.objects.filter(agency=agency).order_by("name")  # type: ignore[attr-defined]
        if adjusting:
            self.fields["reason"].required = True
        else:
            del self.fields["reason"]

    def values(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data.pop("reason", None)
        data["coordinating_units"] = list(data.get("coordinating_units") or [])
        return data


class NoteForm(forms.Form):
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason for the adjustment"), widget=forms.Textarea(attrs={"rows": 2}))


class ReviewForm(forms.Form):
    starts = VNDateField(label=_("From"), required=False)
    ends = VNDateField(label=_("To"), required=False)
    assessment = forms.CharField(label=_("Assessment: results, what remains, how to go on"),
                                 widget=forms.Textarea(attrs={"rows": 5}))
    proposal_title = forms.CharField(label=_("Work proposed for the next period"), required=False,
                                     widget=forms.Textarea(attrs={"rows": 2}))
    proposal_unit = forms.ModelChoiceField(label=_("Its responsible unit"), queryset=Unit.objects.none(),
                                           required=False)
    proposal_due = VNDateField(label=_("Its due date"), required=False)

    def __init__(self, *args: Any, agency: Agency, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["proposal_unit"].queryset = _units(agency)  # type: ignore[attr-defined]

    def proposals(self) -> list[dict[str, Any]]:
        data = self.cleaned_data
        if not (data.get("proposal_title") or "").strip():
            return []
        return [{"title": data["proposal_title"], "responsible_unit": data.get("proposal_unit"),
                 "due": data.get("proposal_due"), "nature": Item.Nature.NEW}]
