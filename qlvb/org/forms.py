from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from qlvb.core.doctypes import DOCUMENT_TYPES
from qlvb.core.forms import VNDateTimeField, model_choice
from qlvb.org.models import Agency, Delegation, Field, Person, Position, SigningAuthority, Unit
from qlvb.org.selectors import flatten, unit_tree


class AgencyForm(forms.ModelForm):
    website = forms.URLField(label=_("website"), required=False, assume_scheme="https")

    class Meta:
        model = Agency
        fields = ["code", "abbreviation", "name", "parent", "address", "phone", "email", "website"]


class UnitForm(forms.ModelForm):
    class Meta:
        model = Unit
        fields = ["name", "abbreviation", "kind", "parent", "order", "is_active"]

    def __init__(self, *args: Any, agency: Agency, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        nodes = flatten(unit_tree(agency))
        parent = model_choice(self, "parent")
        parent.queryset = Unit.objects.filter(agency=agency, deleted_at__isnull=True)
        parent.choices = [("", "—")] + [
            (n.unit.pk, "\u00a0\u00a0" * n.depth + n.unit.name) for n in nodes if n.unit.pk != self.instance.pk
        ]


class PositionForm(forms.ModelForm):
    class Meta:
        model = Position
        fields = ["name", "kind", "order"]


class PersonEditForm(forms.ModelForm):
    class Meta:
        model = Person
        fields = ["full_name", "email", "phone", "is_agency_admin"]


class PostForm(forms.Form):
    unit = forms.ModelChoiceField(label=_("Unit"), queryset=Unit.objects.none())
    position = forms.ModelChoiceField(label=_("Position"), queryset=Position.objects.none())
    is_concurrent = forms.BooleanField(label=_("Concurrent post (kiêm nhiệm)"), required=False)

    def __init__(self, *args: Any, agency: Agency | None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_choice(self, "unit").queryset = Unit.objects.filter(agency=agency, is_active=True)
        model_choice(self, "position").queryset = Position.objects.filter(agency=agency)


class FieldForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    abbreviation = forms.CharField(label=_("Abbreviation"), max_length=20, required=False)
    leader = forms.ModelChoiceField(label=_("Leader in charge"), queryset=Person.objects.none(), required=False)
    units = forms.ModelMultipleChoiceField(label=_("Supervised units"), queryset=Unit.objects.none(),
                                           required=False, widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args: Any, agency: Agency, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_choice(self, "leader").queryset = Person.objects.filter(agency=agency, is_active=True)
        model_choice(self, "units").queryset = Unit.objects.filter(agency=agency, is_active=True)


class SigningForm(forms.Form):
    person = forms.ModelChoiceField(label=_("Signer"), queryset=Person.objects.none())
    capacity = forms.ChoiceField(label=_("Capacity"), choices=SigningAuthority.Capacity.choices, required=False)
    scope = forms.ChoiceField(label=_("Scope"), choices=SigningAuthority.Scope.choices)
    unit = forms.ModelChoiceField(label=_("Unit"), queryset=Unit.objects.none(), required=False)
    document_types = forms.MultipleChoiceField(label=_("Document types (none = all)"), choices=DOCUMENT_TYPES,
                                               required=False, widget=forms.SelectMultiple(attrs={"size": 8}))
    fields_of_work = forms.ModelMultipleChoiceField(label=_("Fields of work (none = all)"),
                                                    queryset=Field.objects.none(), required=False,
                                                    widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args: Any, agency: Agency, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_choice(self, "person").queryset = Person.objects.filter(agency=agency, is_active=True)
        model_choice(self, "unit").queryset = Unit.objects.filter(agency=agency, is_active=True)
        model_choice(self, "fields_of_work").queryset = Field.objects.filter(agency=agency)


class DelegationForm(forms.Form):
    delegate = forms.ModelChoiceField(label=_("Delegate to"), queryset=Person.objects.none())
    scopes = forms.MultipleChoiceField(label=_("Authority delegated"), choices=Delegation.Scope.choices,
                                       widget=forms.CheckboxSelectMultiple, initial=[Delegation.Scope.ALL])
    starts_at = VNDateTimeField(label=_("From"))
    ends_at = VNDateTimeField(label=_("Until"))
    reason = forms.CharField(label=_("Reason"), max_length=300)

    def __init__(self, *args: Any, person: Person, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_choice(self, "delegate").queryset = (
            Person.objects.filter(agency=person.agency_id, is_active=True).exclude(pk=person.pk)
        )


class DecisionForm(forms.Form):
    note = forms.CharField(label=_("Note"), max_length=300, required=False)
