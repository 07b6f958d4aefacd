"""The notice form: the audience (the whole agency, units, positions, people), title, content,
the documents linked, files, pinned, last day shown."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from qlvb.core import kinds
from qlvb.core.forms import MultipleFileField, VNDateField, model_choice
from qlvb.notices import rules
from qlvb.org.models import Agency, Person, Position, Unit


class PeopleField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.full_name)


def document_choices(person: Person, agency_id: int, limit: int = 50) -> list[Any]:
    """The latest incoming and outgoing documents the person may open, grouped by kind."""
    choices: list[Any] = []
    for name in ("incoming", "outgoing"):
        kind = kinds.get(name)
        rows = kinds.visible(name, person).filter(agency_id=agency_id).order_by("-id")[:limit]
        choices.append((str(kind.label), [(f"{name}:{d.pk}", " – ".join(
            x for x in (getattr(d, "reference", "") or "", (getattr(d, "summary", "") or str(d))[:90]) if x))
            for d in rows]))
    return choices


def parse_documents(values: list[str]) -> list[tuple[str, int]]:
    found = []
    for value in values:
        name, _sep, pk = value.partition(":")
        if pk.isdigit():
            found.append((name, int(pk)))
    return found


class NoticeForm(forms.Form):
    to_everyone = forms.BooleanField(label=_("To the whole agency"), required=False)
    units = forms.ModelMultipleChoiceField(label=_("To units"), queryset=Unit.objects.none(), required=False,
                                           widget=forms.SelectMultiple(attrs={"size": 5}))
    positions = forms.ModelMultipleChoiceField(label=_("To positions"), queryset=Position.objects.none(),
                                               required=False, widget=forms.SelectMultiple(attrs={"size": 4}))
    people = PeopleField(label=_("To people"), queryset=Person.objects.none(), required=False,
                         widget=forms.SelectMultiple(attrs={"size": 6}))
    title = forms.CharField(label=_("Title"), max_length=300)
    body = forms.CharField(label=_("Content"), required=False, widget=forms.Textarea(attrs={"rows": 6}))
    documents = forms.MultipleChoiceField(label=_("Linked documents"), required=False,
                                          widget=forms.SelectMultiple(attrs={"size": 5}),
                                          help_text=_("Each reader sees the link only if he may open the document."))
    attachments = MultipleFileField(label=_("Files"), required=False)
    pinned = forms.BooleanField(label=_("Pin on top"), required=False)
    expires_on = VNDateField(label=_("Shown until (last day)"), required=False)
    field_order = ["title", "body", "to_everyone", "units", "positions", "people", "documents", "attachments",
                   "pinned", "expires_on"]

    def __init__(self, *args: Any, person: Person, agency: Agency, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        units = Unit.objects.filter(agency=agency, is_active=True, deleted_at__isnull=True).order_by("order", "name")
        if not rules.may_send_to_agency(person, agency.pk):
            units = units.filter(pk__in=sorted(rules.sendable_unit_ids(person, agency.pk)))
            for name in ("to_everyone", "positions", "people"):
                del self.fields[name]
        else:
            model_choice(self, "positions").queryset = Position.objects.filter(agency=agency).order_by("name")
            model_choice(self, "people").queryset = Person.objects.filter(
                Q(agency=agency) | Q(posts__agency=agency, posts__end_date__isnull=True), is_active=True,
                deleted_at__isnull=True).distinct().order_by("full_name")
        model_choice(self, "units").queryset = units
        cast(forms.MultipleChoiceField, self.fields["documents"]).choices = document_choices(person, agency.pk)

    def values(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {"title": data["title"], "body": data.get("body") or "", "to_everyone": bool(data.get("to_everyone")),
                "units": list(data.get("units") or []), "positions": list(data.get("positions") or []),
                "people": list(data.get("people") or []), "pinned": bool(data.get("pinned")),
                "expires_on": data.get("expires_on"), "links": parse_documents(data.get("documents") or []),
                "uploads": list(data.get("attachments") or [])}
