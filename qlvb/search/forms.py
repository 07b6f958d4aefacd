"""The search form: the query and the filters, all optional; a filter value that is not one of the
choices is a message beside the field, never an error page."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from qlvb.core import kinds
from qlvb.core.doctypes import DOCUMENT_TYPES, Secrecy, Urgency
from qlvb.core.forms import VNDateField, model_choice
from qlvb.org import permissions
from qlvb.org.models import Unit
from qlvb.registers.models import Register


def _statuses() -> list[tuple[str, str | Promise]]:
    seen: dict[str, Any] = {}  # value → label (flat choices: a status has no groups)
    for kind in kinds.all_kinds():
        for value, label in kind.status_choices():
            seen.setdefault(value, label)
    return [("", _("Any status")), *seen.items()]


class SearchForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, strip=True)
    # The registered kinds (core.kinds): incoming, outgoing, dossiers, and kinds to come.
    kind = forms.ChoiceField(label=_("Kind of document"), required=False,
                             choices=lambda: [("", _("All kinds of document")),
                                              *[(kind.name, kind.label) for kind in kinds.all_kinds()]])
    doc_type = forms.ChoiceField(label=_("Document type"), required=False,
                                 choices=[("", _("All types")), *DOCUMENT_TYPES])
    issuer = forms.CharField(label=_("Issuing agency"), required=False, max_length=200)
    register = forms.ModelChoiceField(label=_("Register"), required=False, queryset=Register.objects.none(),
                                      empty_label=_("All registers"))
    date_from = VNDateField(label=_("From"), required=False)
    date_to = VNDateField(label=_("To"), required=False)
    urgency = forms.ChoiceField(label=_("Urgency"), required=False,
                                choices=[("", _("Any urgency")), *[c for c in Urgency.choices if c[0]]])
    secrecy = forms.ChoiceField(label=_("Secrecy"), required=False,
                                choices=[("", _("Any secrecy")), *[c for c in Secrecy.choices if c[0]]])
    status = forms.ChoiceField(label=_("Status"), required=False, choices=_statuses)
    unit = forms.ModelChoiceField(label=_("Unit"), required=False, queryset=Unit.objects.none(),
                                  empty_label=_("All units"))
    sort = forms.ChoiceField(label=_("Sort"), required=False,
                             choices=[("relevance", _("Most relevant first")), ("newest", _("Newest first")),
                                      ("oldest", _("Oldest first"))])

    def __init__(self, *args: Any, person: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        agencies = permissions.member_agency_ids(person) if person is not None else set()
        model_choice(self, "register").queryset = Register.objects.filter(
            agency_id__in=agencies, deleted_at__isnull=True).order_by("direction", "name")
        model_choice(self, "unit").queryset = Unit.objects.filter(
            agency_id__in=agencies, deleted_at__isnull=True).order_by("name")

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        assert data is not None  # Form.clean returns the cleaned data
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            self.add_error("date_to", _("The end of the period is before its start."))
        return data

    def filters(self) -> dict[str, Any]:
        data = self.cleaned_data if self.is_bound and hasattr(self, "cleaned_data") else {}
        return {name: data.get(name) for name in ("kind", "doc_type", "issuer", "register", "date_from", "date_to",
                                                  "urgency", "secrecy", "status", "unit") if data.get(name)}


class SaveSearchForm(forms.Form):
    name = forms.CharField(label=_("Name of the search"), max_length=100)
