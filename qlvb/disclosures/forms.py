"""Disclosure forms: recording a matter to disclose (with its source document), disclosing it,
and the register's filters."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from qlvb.core.forms import VNDateField
from qlvb.disclosures.models import MIN_POSTING_DAYS, Disclosure
from qlvb.notices.forms import document_choices
from qlvb.org.models import Person


class FormsMixin(forms.Form):
    by_notice = forms.BooleanField(label=_("Notice in the system (to the whole agency)"), required=False)
    at_premises = forms.BooleanField(label=_("Posted at the premises"), required=False)
    at_conference = forms.BooleanField(label=_("Announced at the staff conference"), required=False)
    posting_days = forms.IntegerField(label=_("Posting period (days, at least 30)"), min_value=1, max_value=3650,
                                      initial=MIN_POSTING_DAYS)


class DisclosureForm(FormsMixin):
    category = forms.ChoiceField(label=_("What is disclosed (002 Article 20)"), choices=Disclosure.Category.choices)
    title = forms.CharField(label=_("Title"), max_length=300)
    source = forms.ChoiceField(label=_("Source document"))
    source_date = VNDateField(label=_("Date of issue or receipt"), required=False,
                              help_text=_("Empty: the document's own date of issue or receipt."))
    extended = forms.BooleanField(label=_("Special case: 5 working days"), required=False)
    extension_reason = forms.CharField(label=_("Reason for the special case"), max_length=500, required=False)
    disclosed_on = VNDateField(label=_("Disclosed on"), required=False,
                               help_text=_("Empty: recorded now, disclosed later."))
    note = forms.CharField(label=_("Note"), max_length=500, required=False)
    field_order = ["category", "title", "source", "source_date", "extended", "extension_reason", "disclosed_on",
                   "by_notice", "at_premises", "at_conference", "posting_days", "note"]

    def __init__(self, *args: Any, person: Person, agency_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["source"]).choices = [("", "—"), *document_choices(person, agency_id)]

    def values(self) -> dict[str, Any]:
        data = self.cleaned_data
        name, _sep, pk = (data.get("source") or "").partition(":")
        return {"category": data["category"], "title": data["title"], "source_kind": name,
                "source_id": int(pk) if pk.isdigit() else None, "source_date": data.get("source_date"),
                "extended": bool(data.get("extended")), "extension_reason": data.get("extension_reason") or "",
                "disclosed_on": data.get("disclosed_on"), "by_notice": bool(data.get("by_notice")),
                "at_premises": bool(data.get("at_premises")), "at_conference": bool(data.get("at_conference")),
                "posting_days": data.get("posting_days") or MIN_POSTING_DAYS, "note": data.get("note") or ""}


class DiscloseForm(FormsMixin):
    disclosed_on = VNDateField(label=_("Disclosed on"), required=False, help_text=_("Empty: today."))
    field_order = ["disclosed_on", "by_notice", "at_premises", "at_conference", "posting_days"]


class FilterForm(forms.Form):
    category = forms.ChoiceField(label=_("Category"), required=False,
                                 choices=[("", _("All categories")), *Disclosure.Category.choices])
    state = forms.ChoiceField(label=_("State"), required=False,
                              choices=[("", _("All states")), *Disclosure.State.choices])
    since = VNDateField(label=_("From"), required=False)
    until = VNDateField(label=_("To"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            css = "form-select form-select-sm" if name in ("category", "state") else "form-control form-control-sm"
            field.widget.attrs["class"] = css
