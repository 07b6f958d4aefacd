"""Internal message forms: writing (people, units through their leaders or whole, the agency's
leaders; files; documents linked), replying, forwarding with an instruction, making a task and
filing into a dossier."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from qlvb.core import kinds
from qlvb.core.forms import MultipleFileField, VNDateField
from qlvb.dossiers.models import Dossier
from qlvb.org.models import Agency, Person, Unit

LINKABLE = ("incoming", "outgoing")


class PeopleField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.full_name)


class PersonField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.full_name)


def agency_people(agency: Agency) -> Any:
    return (Person.objects.filter(Q(agency=agency) | Q(posts__agency=agency, posts__end_date__isnull=True),
                                  is_active=True, deleted_at__isnull=True).distinct().order_by("full_name"))


def agency_units(agency: Agency) -> Any:
    return Unit.objects.filter(agency=agency, is_active=True, deleted_at__isnull=True).order_by("order", "name")


class RecipientsMixin(forms.Form):
    people = PeopleField(label=_("To people"), queryset=Person.objects.none(), required=False,
                         widget=forms.SelectMultiple(attrs={"size": 6}))
    units = forms.ModelMultipleChoiceField(label=_("To units (their leaders)"), queryset=Unit.objects.none(),
                                           required=False, widget=forms.SelectMultiple(attrs={"size": 4}))
    whole_units = forms.ModelMultipleChoiceField(label=_("To units (everyone posted there)"),
                                                 queryset=Unit.objects.none(), required=False,
                                                 widget=forms.SelectMultiple(attrs={"size": 4}))
    leaders = forms.BooleanField(label=_("To the agency's leaders"), required=False)

    def set_agency(self, agency: Agency) -> None:
        cast(forms.ModelMultipleChoiceField, self.fields["people"]).queryset = agency_people(agency)
        for name in ("units", "whole_units"):
            cast(forms.ModelMultipleChoiceField, self.fields[name]).queryset = agency_units(agency)


def _document_choices(person: Person, agency: Agency) -> list[Any]:
    choices: list[Any] = []
    for name in LINKABLE:
        kind = kinds.get(name)
        rows = kinds.visible(name, person).filter(agency_id=agency.pk).order_by("-id")[:50]
        choices.append((str(kind.label), [(f"{name}:{d.pk}", " – ".join(
            x for x in (getattr(d, "reference", "") or "", (getattr(d, "summary", "") or str(d))[:90]) if x))
            for d in rows]))
    return choices


class ComposeForm(RecipientsMixin):
    subject = forms.CharField(label=_("Subject"), max_length=500)
    body = forms.CharField(label=_("Message"), widget=forms.Textarea(attrs={"rows": 8}))
    attachments = MultipleFileField(label=_("Files"), required=False)
    documents = forms.MultipleChoiceField(label=_("Linked documents"), required=False,
                                          widget=forms.SelectMultiple(attrs={"size": 4}))
    field_order = ["people", "units", "whole_units", "leaders", "subject", "body", "attachments", "documents"]

    def __init__(self, *args: Any, person: Person, agency: Agency, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.set_agency(agency)
        cast(forms.ModelMultipleChoiceField, self.fields["people"]).queryset = agency_people(agency).exclude(
            pk=person.pk)  # not to oneself
        cast(forms.MultipleChoiceField, self.fields["documents"]).choices = _document_choices(person, agency)

    def links(self) -> list[tuple[str, int]]:
        found = []
        for value in self.cleaned_data.get("documents") or []:
            name, _sep, pk = value.partition(":")
            if pk.isdigit():
                found.append((name, int(pk)))
        return found


class ReplyForm(forms.Form):
    body = forms.CharField(label=_("Reply"), widget=forms.Textarea(attrs={"rows": 4}))
    reply_all = forms.BooleanField(label=_("Reply to everyone who received it"), required=False)
    attachments = MultipleFileField(label=_("Files"), required=False)


class ForwardForm(RecipientsMixin):
    instruction = forms.CharField(label=_("Instruction"), required=False, widget=forms.Textarea(attrs={"rows": 3}),
                                  help_text=_("Shown above the forwarded message."))
    attachments = MultipleFileField(label=_("Files"), required=False)
    field_order = ["people", "units", "whole_units", "leaders", "instruction", "attachments"]

    def __init__(self, *args: Any, agency: Agency, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.set_agency(agency)


class TaskForm(forms.Form):
    owner = forms.ChoiceField(label=_("Task owner"))
    title = forms.CharField(label=_("Task"), max_length=500, required=False,
                            help_text=_("The message's subject if left empty."))
    deadline = VNDateField(label=_("Deadline"), required=False)
    working_days = forms.IntegerField(label=_("or within working days"), min_value=0, max_value=365, required=False,
                                      initial=5)

    def __init__(self, *args: Any, agency: Agency, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["owner"]).choices = [
            (str(_("People")), [(f"p:{p.pk}", p.full_name) for p in agency_people(agency)]),
            (str(_("Units")), [(f"u:{u.pk}", u.name) for u in agency_units(agency)])]

    def owner_value(self) -> tuple[Person | None, Unit | None]:
        kind, _sep, pk = (self.cleaned_data.get("owner") or "").partition(":")
        if not pk.isdigit():
            return None, None
        if kind == "p":
            return Person.objects.filter(pk=int(pk)).first(), None
        return None, Unit.objects.filter(pk=int(pk)).first()


class FileForm(forms.Form):
    dossier = forms.ModelChoiceField(label=_("Dossier"), queryset=Dossier.objects.none())

    def __init__(self, *args: Any, dossiers: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["dossier"]).queryset = dossiers
