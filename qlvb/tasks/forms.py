"""Task forms. Owners and coordinators are chosen from one list of people and units ("p:<id>",
"u:<id>"), limited to whom the person may assign."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from qlvb.core.forms import MultipleFileField, VNDateField
from qlvb.org.models import Agency, Person, Unit
from qlvb.org.roles import roles_of
from qlvb.tasks.models import Link, Task


def _choices(people: Any, units: Any) -> list[Any]:
    return ([(_("Units"), [(f"u:{u.pk}", u.name) for u in units])]
            + [(_("People"), [(f"p:{p.pk}", p.full_name) for p in people])])


def assignable(person: Person, agency: Agency) -> tuple[list[Person], list[Unit]]:
    """Whom the person may make owner: everyone of the agency for a leader, his units' people and
    his units for a unit head."""
    roles = roles_of(person)
    units = Unit.objects.filter(agency=agency, deleted_at__isnull=True, is_active=True).order_by("order", "name")
    people = Person.objects.filter(is_active=True, deleted_at__isnull=True)
    if agency.pk in roles.leader_agency_ids:
        people = people.filter(Q(agency=agency) | Q(posts__agency=agency, posts__end_date__isnull=True))
    else:
        headed = sorted(roles.headed_unit_ids)
        units = units.filter(pk__in=headed)
        people = people.filter(posts__unit_id__in=headed, posts__end_date__isnull=True)
    return list(people.distinct().order_by("full_name")), list(units)


def split(values: list[str], people: dict[int, Person], units: dict[int, Unit]) -> tuple[list[Person], list[Unit]]:
    chosen_people, chosen_units = [], []
    for value in values:
        prefix, _sep, pk = value.partition(":")
        if prefix == "p" and pk.isdigit() and int(pk) in people:
            chosen_people.append(people[int(pk)])
        elif prefix == "u" and pk.isdigit() and int(pk) in units:
            chosen_units.append(units[int(pk)])
    return chosen_people, chosen_units


class AssignForm(forms.Form):
    title = forms.CharField(label=_("Task"), max_length=500, widget=forms.Textarea(attrs={"rows": 2}))
    description = forms.CharField(label=_("Instruction and details"), required=False,
                                  widget=forms.Textarea(attrs={"rows": 3}))
    owner = forms.ChoiceField(label=_("Task owner"))
    coordinators = forms.MultipleChoiceField(label=_("Task coordinators"), required=False,
                                             widget=forms.SelectMultiple(attrs={"size": 6}))
    deadline = VNDateField(label=_("Deadline"), required=False)
    working_days = forms.IntegerField(label=_("or in working days from today"), required=False, min_value=0,
                                      max_value=3650)
    source = forms.ChoiceField(label=_("Source"), choices=Task.Source.choices, initial=Task.Source.INSTRUCTION)
    source_ref = forms.CharField(label=_("Source reference"), max_length=100, required=False,
                                 help_text=_("The meeting conclusion, programme item or provincial reference."))

    def __init__(self, *args: Any, person: Person, agency: Agency, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        people, units = assignable(person, agency)
        self.owner_people = {p.pk: p for p in people}
        self.owner_units = {u.pk: u for u in units}
        cast(forms.ChoiceField, self.fields["owner"]).choices = [("", "—")] + _choices(people, units)
        all_people = list(Person.objects.filter(agency=agency, is_active=True, deleted_at__isnull=True)
                          .order_by("full_name"))
        all_units = list(Unit.objects.filter(agency=agency, deleted_at__isnull=True, is_active=True)
                         .order_by("order", "name"))
        self.coordinator_people = {p.pk: p for p in all_people}
        self.coordinator_units = {u.pk: u for u in all_units}
        cast(forms.ChoiceField, self.fields["coordinators"]).choices = _choices(all_people, all_units)
        # Only the integration API receives the provincial committee's tasks.
        cast(forms.ChoiceField, self.fields["source"]).choices = [
            c for c in Task.Source.choices if c[0] != Task.Source.PROVINCIAL]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("deadline") and data.get("working_days") is None and not self.errors.get("deadline"):
            self.add_error("deadline", _("Give the deadline."))
        return data

    def owner_value(self) -> tuple[Person | None, Unit | None]:
        people, units = split([self.cleaned_data["owner"]], self.owner_people, self.owner_units)
        return (people[0] if people else None), (units[0] if units else None)

    def coordinator_values(self) -> tuple[list[Person], list[Unit]]:
        return split(self.cleaned_data.get("coordinators") or [], self.coordinator_people, self.coordinator_units)


class ReportForm(forms.Form):
    progress = forms.IntegerField(label=_("Progress (%)"), min_value=0, max_value=100, required=False)
    note = forms.CharField(label=_("What has been done"), widget=forms.Textarea(attrs={"rows": 3}))
    attachments = MultipleFileField(label=_("Files"), required=False)


class ExtensionForm(forms.Form):
    deadline = VNDateField(label=_("New deadline"))
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))


class DecideForm(forms.Form):
    approve = forms.TypedChoiceField(choices=[("1", _("Approve")), ("0", _("Reject"))], coerce=lambda v: v == "1")
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class CompleteForm(forms.Form):
    result = forms.CharField(label=_("Result"), widget=forms.Textarea(attrs={"rows": 3}))
    attachments = MultipleFileField(label=_("Files"), required=False)


class ChangeForm(forms.Form):
    title = forms.CharField(label=_("Task"), max_length=500, widget=forms.Textarea(attrs={"rows": 2}))
    description = forms.CharField(label=_("Instruction and details"), required=False,
                                  widget=forms.Textarea(attrs={"rows": 3}))
    owner = forms.ChoiceField(label=_("Task owner"))
    deadline = VNDateField(label=_("Deadline"))
    reason = forms.CharField(label=_("Reason for the change"), required=False, max_length=500)

    def __init__(self, *args: Any, person: Person, task: Task, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {
            "title": task.title, "description": task.description, "deadline": task.deadline,
            "owner": f"p:{task.owner_person_id}" if task.owner_person_id else f"u:{task.owner_unit_id}"})
        super().__init__(*args, **kwargs)
        people, units = assignable(person, task.agency)
        # The present owner stays a choice even outside what the person may assign to now.
        if task.owner_person is not None and task.owner_person not in people:
            people.append(task.owner_person)
        if task.owner_unit is not None and task.owner_unit not in units:
            units.append(task.owner_unit)
        self.owner_people = {p.pk: p for p in people}
        self.owner_units = {u.pk: u for u in units}
        cast(forms.ChoiceField, self.fields["owner"]).choices = _choices(people, units)

    def owner_value(self) -> tuple[Person | None, Unit | None]:
        people, units = split([self.cleaned_data["owner"]], self.owner_people, self.owner_units)
        return (people[0] if people else None), (units[0] if units else None)


class WithdrawForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=500, widget=forms.Textarea(attrs={"rows": 2}))


class LinkForm(forms.Form):
    reference = forms.CharField(label=_("Document"), max_length=300,
                                help_text=_("Its number and notation (15/QĐ-UBND), or its page's address."))
    role = forms.ChoiceField(label=_("Linked as"), choices=Link.Role.choices, initial=Link.Role.RELATED)


class EvaluateForm(forms.Form):
    evaluation = forms.ChoiceField(label=_("Evaluation"), choices=Task.Evaluation.choices)
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
