from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from qlvb.core import absences
from qlvb.core.doctypes import DOCUMENT_TYPES, Priority, Secrecy, Urgency
from qlvb.core.forms import MultipleFileField, VNDateField, VNDateTimeField, model_choice
from qlvb.core.text import as_id
from qlvb.dossiers.models import Dossier
from qlvb.dossiers.selectors import fileable_dossiers
from qlvb.incoming.models import IncomingDocument
from qlvb.incoming.services import Target
from qlvb.org.models import Agency, Field, Person, Position, Post, Unit
from qlvb.org.selectors import flatten, unit_tree
from qlvb.registers.models import Register


def leaders_of(agency: Agency) -> list[Person]:
    posts = (Post.objects.filter(agency=agency, end_date__isnull=True, person__is_active=True,
                                 position__kind__in=[Position.Kind.AGENCY_HEAD, Position.Kind.AGENCY_DEPUTY])
             .select_related("person", "position").order_by("position__order", "person__full_name"))
    seen, result = set(), []
    for post in posts:
        if post.person_id not in seen:
            seen.add(post.person_id)
            person: Any = post.person  # given its position's name, for the choice labels
            person.position_name = post.position.name
            result.append(person)
    return result


class AgencyChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Agency) -> str:
        return f"{obj.name} ({obj.code})"


class RegistrationForm(forms.Form):
    register = forms.ModelChoiceField(label=_("Register"), queryset=Register.objects.none(), required=False)
    received_at = VNDateTimeField(label=_("Arrival date"))
    source = forms.ChoiceField(label=_("Source"), choices=IncomingDocument.Source.choices)
    issuer_agency = AgencyChoiceField(label=_("Issuing agency (directory)"), queryset=Agency.objects.none(),
                                      required=False)
    issuer_name = forms.CharField(
        label=_("Issuing agency"), max_length=200, required=False,
        help_text=_("Type a few words of its name: the national directory of agency codes is searched."),
        widget=forms.TextInput(attrs={"list": "issuer-directory", "autocomplete": "off",
                                      "data-directory-search": "/org/directory/search/"}))
    issuer_code = forms.CharField(label=_("Issuing agency code"), max_length=35, required=False)
    number = forms.CharField(label=_("Number"), max_length=11, required=False)
    notation = forms.CharField(label=_("Notation"), max_length=30, required=False,
                               help_text=_("e.g. QĐ-UBND for 15/QĐ-UBND"))
    national_id = forms.CharField(label=_("National document identifier"), max_length=100, required=False)
    document_date = VNDateField(label=_("Document date"))
    doc_type = forms.ChoiceField(label=_("Document type"), choices=[("", "—")] + DOCUMENT_TYPES)
    summary = forms.CharField(label=_("Summary"), max_length=500, widget=forms.Textarea(attrs={"rows": 3}))
    urgency = forms.ChoiceField(label=_("Urgency"), choices=Urgency.choices, required=False)
    secrecy = forms.ChoiceField(label=_("Secrecy"), choices=Secrecy.choices, required=False)
    priority = forms.ChoiceField(label=_("Priority"), choices=Priority.choices, required=False)
    pages = forms.IntegerField(label=_("Number of pages"), min_value=1, max_value=10000, required=False)
    copies = forms.IntegerField(label=_("Copies"), min_value=1, max_value=10000, required=False)
    signer_name = forms.CharField(label=_("Signer"), max_length=100, required=False)
    signer_position = forms.CharField(label=_("Signer's position"), max_length=100, required=False)
    field = forms.ModelChoiceField(label=_("Field of work"), queryset=Field.objects.none(), required=False)
    reply_deadline = VNDateField(label=_("Reply deadline"), required=False)
    presented_to = forms.ModelChoiceField(label=_("Present to"), queryset=Person.objects.none(), required=False,
                                          help_text=_("Empty: the leader in charge of the field, else the head."))
    notes = forms.CharField(label=_("Notes"), max_length=500, required=False)
    uploads = MultipleFileField(label=_("Scanned document or electronic file (PDF, images, DOCX)"), required=False)
    attachments = MultipleFileField(label=_("Attachments"), required=False)
    confirm_duplicate = forms.BooleanField(label=_("It is not a duplicate: register it anyway"), required=False)
    kept_files = forms.CharField(required=False, widget=forms.HiddenInput)  # files.kept: chosen before an error

    # Optional to save for later, required to register: marked like the required ones.
    NEEDED_TO_REGISTER = frozenset({"uploads"})

    FIELDSETS = [
        (_("Register"), ["register", "received_at", "source"]),
        (_("Document"), ["issuer_agency", "issuer_name", "issuer_code", "number", "notation", "national_id",
                         "document_date", "doc_type", "summary", "signer_name", "signer_position", "pages",
                         "copies"]),
        (_("Handling"), ["urgency", "secrecy", "priority", "field", "reply_deadline", "presented_to", "notes"]),
        (_("Files"), ["uploads", "attachments"]),
    ]

    def __init__(self, *args: Any, agency: Agency, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {}).setdefault("received_at", timezone.localtime())
        super().__init__(*args, **kwargs)
        model_choice(self, "register").queryset = Register.objects.filter(
            agency=agency, direction=Register.Direction.INCOMING, is_active=True)
        model_choice(self, "issuer_agency").queryset = Agency.objects.filter(is_active=True).exclude(pk=agency.pk)
        model_choice(self, "field").queryset = Field.objects.filter(agency=agency)
        leaders: list[Any] = leaders_of(agency)  # people given position_name
        model_choice(self, "presented_to").queryset = Person.objects.filter(pk__in=[p.pk for p in leaders])
        model_choice(self, "presented_to").choices = [("", "—")] + [
            (p.pk, f"{p.full_name} – {p.position_name}") for p in leaders]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        assert data is not None  # Form.clean returns the cleaned data
        if not data.get("issuer_agency") and not (data.get("issuer_name") or "").strip():
            self.add_error("issuer_name", _("Choose the issuing agency or type its name."))
        return data

    def document_fields(self) -> dict[str, Any]:
        data = self.cleaned_data
        fields = {name: data.get(name) for name in [
            "received_at", "source", "issuer_agency", "issuer_name", "issuer_code", "number", "notation",
            "national_id", "document_date", "doc_type", "summary", "urgency", "secrecy", "priority", "pages",
            "copies", "signer_name", "signer_position", "field", "reply_deadline", "notes"]}
        for name in ("urgency", "secrecy", "priority"):
            fields[name] = fields[name] or ""
        if fields["issuer_agency"] and not (fields["issuer_name"] or "").strip():
            fields["issuer_name"] = fields["issuer_agency"].name
            fields["issuer_code"] = fields["issuer_agency"].code
        return fields

    def fieldsets(self) -> list[tuple[str | Promise, list[forms.BoundField]]]:
        return [(title, [self[name] for name in names]) for title, names in self.FIELDSETS]


class NoteForm(forms.Form):
    text = forms.CharField(label=_("Content"), widget=forms.Textarea(attrs={"rows": 3}), max_length=5000)


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=300)


class DeadlineForm(forms.Form):
    deadline = VNDateField(label=_("New deadline"))
    reason = forms.CharField(label=_("Reason"), max_length=300)


class CompleteForm(forms.Form):
    note = forms.CharField(label=_("Result"), max_length=500, required=False,
                           widget=forms.Textarea(attrs={"rows": 2}))
    dossiers: forms.ModelMultipleChoiceField[Dossier] = forms.ModelMultipleChoiceField(
        label=_("File into dossiers"), queryset=None, required=False, widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args: Any, person: Person, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        fileable = fileable_dossiers(person)
        model_choice(self, "dossiers").queryset = fileable
        if not fileable.exists():
            self.fields.pop("dossiers")  # nothing to file into: the page offers to open a dossier


class FileIntoForm(CompleteForm):
    note = None  # type: ignore[assignment]  # how Django drops a field of the parent form


# --- Routing grid -----------------------------------------------------------------------------

def routing_candidates(agency: Agency, *, within_units: frozenset[int] | None = None) -> dict[str, list]:
    """Who a document can be routed to: the units, and people grouped by unit. A unit head
    routing down sees their own units' people (and sub-units); a leader sees everyone."""
    nodes = flatten(unit_tree(agency))
    units: list[Any] = [node.unit for node in nodes if node.unit.is_active]  # given depth and key, for the grid
    depth = {node.unit.pk: node.depth for node in nodes}
    for unit in units:
        unit.depth = depth[unit.pk]
    if within_units is not None:
        keep = set(within_units)
        changed = True
        while changed:  # sub-units of the headed units
            changed = False
            for unit in units:
                if unit.parent_id in keep and unit.pk not in keep:
                    keep.add(unit.pk)
                    changed = True
        units = [u for u in units if u.pk in keep]
    current = (Post.objects.filter(unit__in=units, end_date__isnull=True, person__is_active=True)
               .select_related("person", "position", "unit").order_by("unit__order", "position__order",
                                                                       "person__full_name"))
    seen: set[int] = set()
    posts: list[Any] = []  # one post per person, given key, for the grid
    for p in current:
        if p.person_id not in seen:
            seen.add(p.person_id)
            posts.append(p)
    for unit in units:
        unit.key = f"u:{unit.pk}"
    # Who is away today (core.absences: the leave app answers), one call for everyone of the grid.
    away = absences.absent([post.person_id for post in posts], timezone.localdate())
    for post in posts:
        post.key = f"p:{post.person_id}"
        post.away = away.get(post.person_id, "")
    return {"units": units, "posts": posts}


def parse_routing(post: Any, agency: Agency, *, default_deadline: Any) -> dict[str, Any]:
    """Read the routing grid: main=u12|p34, coord=…, info=…, deadline-u12=dd/mm/yyyy."""
    def target(key: str) -> Target:
        kind, _sep, raw = key.partition(":")
        if as_id(raw) is None:
            raise ValidationError({"main": _("Unknown recipient.")})
        own = None
        if post.get(f"deadline-{key}"):
            own = VNDateField(required=False).clean(post.get(f"deadline-{key}"))
        if kind == "u":
            unit = Unit.objects.filter(pk=int(raw), agency=agency, is_active=True).first()
            if unit is None:
                raise ValidationError({"main": _("Unknown recipient.")})
            return Target(unit=unit, deadline=own)
        person = Person.objects.filter(pk=int(raw), is_active=True).first()
        if person is None:
            raise ValidationError({"main": _("Unknown recipient.")})
        return Target(person=person, deadline=own)

    mains = [target(k) for k in post.getlist("main")]  # several: each handles its own part (003 Đ9.3)
    return {
        "main": mains[0] if mains else None,
        "mains": mains[1:],
        "coordinators": [target(k) for k in post.getlist("coord")],
        "informed": [target(k) for k in post.getlist("info")],
    }


class RoutingForm(forms.Form):
    directive = forms.CharField(label=_("Directive"), required=False, max_length=2000,
                                widget=forms.Textarea(attrs={"rows": 3}))
    deadline = VNDateField(label=_("Deadline"), required=False)
    deadline_days = forms.IntegerField(label=_("or within (working days)"), min_value=1, max_value=365,
                                       required=False)
    # The leader's routing may correct what the clerk registered (003 Đ15.3).
    doc_type = forms.ChoiceField(label=_("Document type"), choices=[("", "—")] + DOCUMENT_TYPES, required=False)
    field = forms.ModelChoiceField(label=_("Field of work"), queryset=Field.objects.none(), required=False)

    def __init__(self, *args: Any, document: IncomingDocument, top: bool, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {}).update({"doc_type": document.doc_type, "field": document.field_id})
        super().__init__(*args, **kwargs)
        if top:
            model_choice(self, "field").queryset = Field.objects.filter(agency_id=document.agency_id)
        else:
            del self.fields["doc_type"], self.fields["field"]

    def check_work(self, gives_work: bool, *, rows_dated: bool) -> None:
        """Work is given only with a directive, and by the leader with a deadline, chosen by the
        person (R10, 003 Đ9): a click on the pre-ticked unit alone routes nothing. `rows_dated`:
        every chosen row has its own deadline. Passing on within a task may keep that task's."""
        if not gives_work or not self.is_valid():
            return
        if not self.cleaned_data["directive"].strip():
            self.add_error("directive", _("Write the directive: what is to be done."))
        top = "doc_type" in self.fields
        if top and not rows_dated and not self.cleaned_data["deadline"] and not self.cleaned_data["deadline_days"]:
            self.add_error("deadline", _("Choose the deadline: a date or a number of working days."))

    def corrections(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in ("doc_type", "field") if name in self.fields}
