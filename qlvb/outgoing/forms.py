from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from qlvb.core.doctypes import DOCUMENT_TYPES, Priority, Secrecy, Urgency
from qlvb.core.forms import MultipleFileField, VNDateField, model_choice
from qlvb.org.models import Agency, Field, Person, Unit
from qlvb.org.roles import roles_of
from qlvb.outgoing.marks import Spot
from qlvb.outgoing.models import Recipient
from qlvb.outgoing.services import RecipientSpec
from qlvb.registers.models import Register


class DraftForm(forms.Form):
    doc_type = forms.ChoiceField(label=_("Document type"), choices=[("", "—")] + DOCUMENT_TYPES)
    summary = forms.CharField(label=_("Summary"), max_length=500, widget=forms.Textarea(attrs={"rows": 2}))
    drafting_unit = forms.ModelChoiceField(label=_("Drafting unit"), queryset=Unit.objects.none())
    field = forms.ModelChoiceField(label=_("Field of work"), queryset=Field.objects.none(), required=False)
    deadline = VNDateField(label=_("Handling deadline (inside the agency)"), required=False)
    reply_deadline = VNDateField(label=_("Ask the recipients to reply by"), required=False,
                                 help_text=_("Sent to the recipients as their reply deadline; leave empty if no reply "
                                             "is asked."))
    urgency = forms.ChoiceField(label=_("Urgency"), choices=Urgency.choices, required=False)
    secrecy = forms.ChoiceField(label=_("Secrecy"), choices=Secrecy.choices, required=False)
    priority = forms.ChoiceField(label=_("Priority"), choices=Priority.choices, required=False)
    agencies = forms.ModelMultipleChoiceField(label=_("Agencies of the installation"), queryset=Agency.objects.none(),
                                              required=False, widget=forms.SelectMultiple(attrs={"size": 5}))
    units = forms.ModelMultipleChoiceField(label=_("Units of the agency"), queryset=Unit.objects.none(),
                                           required=False, widget=forms.SelectMultiple(attrs={"size": 5}))
    people = forms.ModelMultipleChoiceField(label=_("People of the agency"), queryset=Person.objects.none(),
                                            required=False, widget=forms.SelectMultiple(attrs={"size": 5}))
    paper = forms.CharField(label=_("Paper recipients"), required=False, widget=forms.Textarea(attrs={"rows": 2}),
                            help_text=_("One per line: name | address"))
    copies = forms.IntegerField(label=_("Copies"), min_value=1, max_value=1000, initial=1)
    upload = MultipleFileField(label=_("Draft (DOCX or PDF)"), required=False)
    from_template = forms.BooleanField(
        label=_("No file yet: start from the agency's template (header and footer filled in)"), required=False,
        initial=True)
    attachments = MultipleFileField(label=_("Attachments to issue with it"), required=False)

    def __init__(self, *args: Any, person: Person, agency: Agency, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_choice(self, "drafting_unit").queryset = Unit.objects.filter(pk__in=roles_of(person).unit_ids,
                                                                           agency=agency)
        model_choice(self, "field").queryset = Field.objects.filter(agency=agency)
        model_choice(self, "agencies").queryset = Agency.objects.filter(is_active=True).exclude(pk=agency.pk)
        model_choice(self, "units").queryset = Unit.objects.filter(agency=agency, is_active=True)
        model_choice(self, "people").queryset = Person.objects.filter(agency=agency, is_active=True)

    def document_fields(self) -> dict[str, Any]:
        data = self.cleaned_data
        fields = {k: data.get(k) for k in ("doc_type", "summary", "field", "deadline", "reply_deadline", "urgency",
                                            "secrecy", "priority", "copies")}
        for name in ("urgency", "secrecy", "priority"):
            fields[name] = fields[name] or ""
        return fields

    def recipients(self) -> list[RecipientSpec]:
        data = self.cleaned_data
        specs = [RecipientSpec(kind=Recipient.Kind.AGENCY, agency=a, name=a.name) for a in data["agencies"]]
        specs += [RecipientSpec(kind=Recipient.Kind.UNIT, unit=u, name=u.name) for u in data["units"]]
        specs += [RecipientSpec(kind=Recipient.Kind.PERSON, person=p, name=p.full_name) for p in data["people"]]
        for line in (data.get("paper") or "").splitlines():
            if line.strip():
                name, _sep, address = line.partition("|")
                specs.append(RecipientSpec(kind=Recipient.Kind.PAPER, name=name.strip(), address=address.strip()))
        return specs


class SubmitForm(forms.Form):
    signer = forms.ModelChoiceField(label=_("Signer"), queryset=Person.objects.none())
    comment = forms.CharField(label=_("Note to the reviewers"), required=False, max_length=500)
    # Several signers and joint documents (outgoing/cosigning.py): empty for the usual one signer.
    cosigners = forms.ModelMultipleChoiceField(
        label=_("Other signers"), queryset=Person.objects.none(), required=False,
        widget=forms.SelectMultiple(attrs={"size": 3}),
        help_text=_("They sign after the signer above, in the order of this list."))
    co_issuers = forms.ModelMultipleChoiceField(
        label=_("Co-issuing agencies (joint document)"), queryset=Agency.objects.none(), required=False,
        widget=forms.SelectMultiple(attrs={"size": 3}),
        help_text=_("Each one's head signs it too; each one's clerk records it in its register and seals it."))
    mode = forms.ChoiceField(label=_("How the signers sign"), required=False, choices=[
        ("order", _("All, one after the other")), ("parallel", _("All, at the same time")),
        ("quorum", _("k of n, at the same time"))])
    needed = forms.IntegerField(label=_("Signatures needed (k of n)"), min_value=1, max_value=20, required=False)

    def __init__(self, *args: Any, signers: list[Person], agency: Agency | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_choice(self, "signer").queryset = Person.objects.filter(pk__in=[p.pk for p in signers])
        model_choice(self, "cosigners").queryset = Person.objects.filter(pk__in=[p.pk for p in signers]).order_by(
            "full_name", "pk")
        others = Agency.objects.filter(is_active=True)
        model_choice(self, "co_issuers").queryset = others.exclude(pk=agency.pk) if agency is not None else others


class ReviewForm(forms.Form):
    opinion = forms.CharField(label=_("Opinion"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    disagreement = forms.CharField(label=_("Disagreement with the drafter (shown to the signer)"), required=False,
                                   widget=forms.Textarea(attrs={"rows": 2}))


class InitialForm(forms.Form):
    """The reviewer's initial signature (ký nháy) given with the approval (outgoing.initials)."""

    certificate: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label=_("Initial the draft (ký nháy) with"), queryset=None, required=False)
    secret = forms.CharField(label=_("Passphrase or PIN"), widget=forms.PasswordInput, strip=False, required=False,
                             help_text=_("Leave empty for a key whose passphrase the system keeps, or a key at a "
                                         "signing service (you confirm there)."))

    def __init__(self, *args: Any, certificates: Any, required: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = model_choice(self, "certificate")
        field.queryset = certificates
        field.empty_label = "—" if required else str(_("Approve without initialling"))
        if required and certificates.count() == 1:
            field.initial = certificates.first().pk


class VersionForm(forms.Form):
    upload = forms.FileField(label=_("New version (DOCX or PDF)"))
    comment = forms.CharField(label=_("What changed"), max_length=500, required=False)


class SignForm(forms.Form):
    # Of signatures' Certificate: outgoing imports the signatures app only where it signs.
    certificate: forms.ModelChoiceField[Any] = forms.ModelChoiceField(label=_("Certificate"), queryset=None)
    secret = forms.CharField(label=_("Passphrase or PIN"), widget=forms.PasswordInput, strip=False, required=False,
                             help_text=_("Leave empty for a key whose passphrase the system keeps."))

    def __init__(self, *args: Any, certificates: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_choice(self, "certificate").queryset = certificates
        if certificates.count() == 1:
            self.fields["certificate"].initial = certificates.first().pk


class TemplateForm(forms.Form):
    doc_type = forms.ChoiceField(label=_("Document type"), required=False, choices=[
        ("", _("Every type without its own")), *DOCUMENT_TYPES])
    name = forms.CharField(label=_("Name"), max_length=200)
    upload = forms.FileField(label=_("Word template (DOCX)"))


class AgencyKeyField(forms.ModelChoiceField):
    """The agency's keys usually all bear its name: each option says first where the key is (a
    phone's closed list shows only the start of it)."""

    def label_from_instance(self, obj: Any) -> str:
        where = _("USB token (VGCA)") if obj.remote_provider == "vgca" else obj.get_kind_display()
        return f"{where} · {obj.subject_cn} · {_('valid until')} {obj.not_after:%d/%m/%Y}"


class IssueForm(forms.Form):
    """The register, and where to write the number and date when the draft has no place for them:
    chosen by a click on the preview (page, and the fractions of its width and height)."""
    register = forms.ModelChoiceField(label=_("Outgoing register"), queryset=Register.objects.none())
    page = forms.IntegerField(min_value=1, max_value=500, required=False, widget=forms.HiddenInput)
    fx = forms.FloatField(min_value=0, max_value=1, required=False, widget=forms.HiddenInput)
    fy = forms.FloatField(min_value=0, max_value=1, required=False, widget=forms.HiddenInput)
    # Where the signer's signature goes (its seal follows it), if not the bottom right of the last page.
    sig_page = forms.IntegerField(min_value=1, max_value=500, required=False, widget=forms.HiddenInput)
    sig_fx = forms.FloatField(min_value=0, max_value=1, required=False, widget=forms.HiddenInput)
    sig_fy = forms.FloatField(min_value=0, max_value=1, required=False, widget=forms.HiddenInput)

    # The agency's key for its seal, when it has more than one (a key on the server, the agency's USB
    # token at the clerk's computer, a key at a signing service); else the one it has.
    agency_certificate: forms.ModelChoiceField[Any] = AgencyKeyField(
        label=_("The agency's key for the seal"), queryset=None, required=False, empty_label=None)

    def __init__(self, *args: Any, agency: Agency, **kwargs: Any) -> None:
        from django.utils import timezone

        from qlvb.signatures.models import Certificate

        super().__init__(*args, **kwargs)
        model_choice(self, "register").queryset = Register.objects.filter(agency=agency, is_active=True,
                                                                   direction=Register.Direction.OUTGOING)
        keys = Certificate.objects.filter(agency=agency, is_active=True, revoked_at__isnull=True,
                                          not_after__gt=timezone.now()).order_by("-not_after")
        model_choice(self, "agency_certificate").queryset = keys
        if len(keys) < 2:
            self.fields["agency_certificate"].widget = forms.HiddenInput()
        else:  # shown chosen: the one the seal takes unless the clerk picks another
            self.fields["agency_certificate"].initial = keys[0].pk

    def spot(self, prefix: str = "") -> Spot | None:
        data = getattr(self, "cleaned_data", None) or {}
        page, fx, fy = (data.get(f"{prefix}{name}") for name in ("page", "fx", "fy"))
        if page and fx is not None and fy is not None:
            return Spot(page, fx, fy, fraction=True)
        return None

    def signature_spot(self) -> Spot | None:
        return self.spot("sig_")
