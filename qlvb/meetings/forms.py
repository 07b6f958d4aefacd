"""Meeting forms. Owners of conclusions are chosen from one list of people and units ("p:<id>",
"u:<id>") like the tasks' owners."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from qlvb.core import kinds
from qlvb.core.forms import MultipleFileField, VNDateField, VNDateTimeField, model_choice
from qlvb.meetings.models import Attendance, Invitee, Meeting, Series
from qlvb.org.models import Agency, Person, Unit


class PersonField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.full_name)


class PeopleField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.full_name)


def agency_people(agency: Agency) -> Any:
    return (Person.objects.filter(Q(agency=agency) | Q(posts__agency=agency, posts__end_date__isnull=True),
                                  is_active=True, deleted_at__isnull=True).distinct().order_by("full_name"))


def agency_units(agency: Agency) -> Any:
    return Unit.objects.filter(agency=agency, is_active=True, deleted_at__isnull=True).order_by("order", "name")


class MeetingForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind of meeting"), choices=Meeting.Kind.choices)
    title = forms.CharField(label=_("Title"), max_length=500, widget=forms.Textarea(attrs={"rows": 2}))
    starts_at = VNDateTimeField(label=_("Starts"))
    ends_at = VNDateTimeField(label=_("Ends"))
    place = forms.CharField(label=_("Place"), max_length=300, required=False)
    chair = PersonField(label=_("Chair"), queryset=Person.objects.none(), required=False)
    secretary = PersonField(label=_("Secretary (keeps the minutes)"), queryset=Person.objects.none(), required=False)
    organising_unit = forms.ModelChoiceField(label=_("Organising unit"), queryset=Unit.objects.none(),
                                             required=False)
    people = PeopleField(label=_("Invited people"), queryset=Person.objects.none(), required=False,
                         widget=forms.SelectMultiple(attrs={"size": 8}))
    units = forms.ModelMultipleChoiceField(label=_("Invited units"), queryset=Unit.objects.none(), required=False,
                                           widget=forms.SelectMultiple(attrs={"size": 5}))

    def __init__(self, *args: Any, agency: Agency, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        people, units = agency_people(agency), agency_units(agency)
        for name in ("chair", "secretary", "people"):
            model_choice(self, name).queryset = people
        for name in ("organising_unit", "units"):
            model_choice(self, name).queryset = units


class RepeatForm(forms.Form):
    frequency = forms.ChoiceField(label=_("Repeats"), choices=Series.Frequency.choices)
    count = forms.IntegerField(label=_("How many next meetings"), min_value=1, max_value=12, initial=1)


class CancelForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=300)


class AnswerForm(forms.Form):
    invitee = forms.IntegerField(widget=forms.HiddenInput)
    answer = forms.ChoiceField(label=_("Answer"), choices=[c for c in Invitee.Answer.choices
                                                           if c[0] != Invitee.Answer.PENDING])
    note = forms.CharField(label=_("Note"), max_length=300, required=False)
    substitute = PersonField(label=_("Substitute"), queryset=Person.objects.none(), required=False)

    def __init__(self, *args: Any, agency: Agency, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_choice(self, "substitute").queryset = agency_people(agency)


class AgendaForm(forms.Form):
    title = forms.CharField(label=_("Agenda item"), max_length=500)
    presenter = PersonField(label=_("Presenter"), queryset=Person.objects.none(), required=False)

    def __init__(self, *args: Any, agency: Agency, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_choice(self, "presenter").queryset = agency_people(agency)


class DocumentForm(forms.Form):
    document = forms.ChoiceField(label=_("Incoming or outgoing document"), required=False)
    attachments = MultipleFileField(label=_("or upload files"), required=False)
    agenda_item = forms.TypedChoiceField(label=_("For the agenda item"), required=False, coerce=int,
                                         empty_value=None)

    def __init__(self, *args: Any, person: Person, meeting: Meeting, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices: list[Any] = [("", "—")]
        for name in ("incoming", "outgoing"):
            kind = kinds.get(name)
            rows = kinds.visible(name, person).filter(agency_id=meeting.agency_id).order_by("-id")[:50]
            choices.append((str(kind.label), [(f"{name}:{d.pk}", " – ".join(
                x for x in (getattr(d, "reference", "") or "", (getattr(d, "summary", "") or str(d))[:90]) if x))
                for d in rows]))
        cast(forms.ChoiceField, self.fields["document"]).choices = choices
        cast(forms.ChoiceField, self.fields["agenda_item"]).choices = [("", "—")] + [
            (str(i.pk), f"{i.order}. {i.title[:80]}") for i in meeting.agenda.all()]

    def linked(self) -> tuple[str, int | None]:
        value = self.cleaned_data.get("document") or ""
        name, _sep, pk = value.partition(":")
        return (name, int(pk)) if pk.isdigit() else ("", None)


class AttendanceForm(forms.Form):
    """One choice per person expected at the meeting."""

    def __init__(self, *args: Any, people: list[Person], current: dict[int, Attendance], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.people = people
        for person in people:
            row = current.get(person.pk)
            self.fields[f"p{person.pk}"] = forms.ChoiceField(
                label=person.full_name, choices=Attendance.Status.choices,
                initial=row.status if row else Attendance.Status.PRESENT)

    def statuses(self) -> dict[int, str]:
        return {p.pk: self.cleaned_data[f"p{p.pk}"] for p in self.people}


class MinutesForm(forms.Form):
    body = forms.CharField(label=_("Minutes"), widget=forms.Textarea(attrs={"rows": 10}))


class DecideMinutesForm(forms.Form):
    approve = forms.TypedChoiceField(choices=[("1", _("Approve")), ("0", _("Return"))], coerce=lambda v: v == "1")
    note = forms.CharField(label=_("Note"), required=False, max_length=500, widget=forms.Textarea(attrs={"rows": 2}))


class ConclusionForm(forms.Form):
    text = forms.CharField(label=_("Conclusion"), widget=forms.Textarea(attrs={"rows": 2}))
    owner = forms.ChoiceField(label=_("Who carries it out"), required=False)
    deadline = VNDateField(label=_("Deadline"), required=False)
    working_days = forms.IntegerField(label=_("or in working days from today"), required=False, min_value=0,
                                      max_value=3650)

    def __init__(self, *args: Any, agency: Agency, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.people = {p.pk: p for p in agency_people(agency)}
        self.units = {u.pk: u for u in agency_units(agency)}
        cast(forms.ChoiceField, self.fields["owner"]).choices = (
            [("", "—"), (_("Units"), [(f"u:{u.pk}", u.name) for u in self.units.values()]),
             (_("People"), [(f"p:{p.pk}", p.full_name) for p in self.people.values()])])

    def owner_value(self) -> tuple[Person | None, Unit | None]:
        prefix, _sep, pk = (self.cleaned_data.get("owner") or "").partition(":")
        if not pk.isdigit():
            return None, None
        return (self.people.get(int(pk)), None) if prefix == "p" else (None, self.units.get(int(pk)))
