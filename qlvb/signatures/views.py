"""My certificates and signature image; the agency's certificates and seal (its administrators)."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from qlvb.core.actor import actor_from_request
from qlvb.core.forms import attach_errors
from qlvb.org import permissions
from qlvb.org.http import PersonRequest
from qlvb.signatures import deferred, services
from qlvb.signatures.models import Certificate, SignatureImage, SigningSession


class Pkcs12Form(forms.Form):
    # The metaclass takes declared fields out of the class, so this does not hide BaseForm.data.
    data = forms.FileField(label=gettext_lazy("Key file (.p12, .pfx)"))  # type: ignore[assignment]
    passphrase = forms.CharField(label=gettext_lazy("Passphrase"), widget=forms.PasswordInput, strip=False)
    owner = forms.ChoiceField(label=gettext_lazy("Owner"), choices=[("me", gettext_lazy("Me"))])
    store_passphrase = forms.BooleanField(label=gettext_lazy("Keep the passphrase (agency keys used by clerks)"),
                                          required=False)


class ImageForm(forms.Form):
    png = forms.FileField(label=gettext_lazy("Transparent PNG image"))
    owner = forms.ChoiceField(label=gettext_lazy("Image of"), choices=[("me", gettext_lazy("My signature"))])


def _owners(request: PersonRequest, form: forms.Form, agency_label: str) -> None:
    agency = request.user.agency
    if agency is not None and permissions.can_manage_agency(request.user, agency):
        owner = cast(forms.ChoiceField, form.fields["owner"])
        choices = cast(list[tuple[str, Any]], owner.choices)  # the field keeps them as a list of pairs
        owner.choices = [*choices, ("agency", f"{agency_label}: {agency.name}")]


@login_required
def certificates(request: PersonRequest) -> HttpResponse:
    person = request.user
    agency = person.agency
    manages = agency is not None and permissions.can_manage_agency(person, agency)
    key_form = Pkcs12Form(request.POST if "add_key" in request.POST else None,
                          request.FILES if "add_key" in request.POST else None, prefix="key")
    image_form = ImageForm(request.POST if "add_image" in request.POST else None,
                           request.FILES if "add_image" in request.POST else None, prefix="image")
    _owners(request, key_form, _("Agency key"))
    _owners(request, image_form, _("Agency seal"))
    by = actor_from_request(request)
    if "add_key" in request.POST and key_form.is_valid():
        data = key_form.cleaned_data
        owner = {"agency": agency} if data["owner"] == "agency" else {"person": person}
        try:
            services.add_pkcs12_certificate(by=by, data=data["data"].read(), passphrase=data["passphrase"],
                                            store_passphrase=data["store_passphrase"] and "agency" in owner, **owner)
        except ValidationError as error:
            attach_errors(key_form, error)
        else:
            messages.success(request, _("The certificate has been added."))
            return redirect("signatures:certificates")
    if "add_image" in request.POST and image_form.is_valid():
        data = image_form.cleaned_data
        owner = {"agency": agency} if data["owner"] == "agency" else {"person": person}
        try:
            services.add_signature_image(by=by, png=data["png"].read(), **owner)
        except ValidationError as error:
            attach_errors(image_form, error)
        else:
            messages.success(request, _("The image has been saved."))
            return redirect("signatures:certificates")
    mine = Certificate.objects.filter(person=person).order_by("-not_after")
    agency_certs = Certificate.objects.filter(agency=agency).order_by("-not_after") if manages else []
    images = SignatureImage.objects.filter(person=person, is_active=True)
    return render(request, "signatures/certificates.html", {
        "mine": mine, "agency_certs": agency_certs, "images": images, "key_form": key_form,
        "image_form": image_form, "manages": manages,
    })


@login_required
@require_POST
def revoke(request: PersonRequest, pk: int) -> HttpResponse:
    certificate = Certificate.objects.filter(pk=pk).first()
    if certificate is None:
        raise Http404()
    try:
        services.revoke_certificate(by=actor_from_request(request), certificate=certificate,
                                    reason=request.POST.get("reason", "") or _("Revoked by its holder"))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("signatures:certificates")


# --- Signing sessions (docs/signing.md) ---------------------------------------------------------

def _session(request: PersonRequest, token: str) -> SigningSession:
    session = SigningSession.objects.select_related("certificate").filter(token=token).first()
    if session is None or not session.may_see(request.user):
        raise Http404()
    deferred.expire_if_due(session)
    return session


@login_required
def session_state(request: PersonRequest, token: str) -> HttpResponse:
    """The session's state, for the page to show without reload (polled while it waits)."""
    session = _session(request, token)
    return render(request, "signatures/_session.html", {"s": session})


@login_required
@require_POST
def session_complete(request: PersonRequest, token: str) -> HttpResponse:
    """A client-side provider (the VGCA token through the page) posts the signature value and its
    certificate, base64: the session completes, or the refusal is shown."""
    session = _session(request, token)
    if session.person_id != request.user.pk:
        raise Http404()
    error = ""
    try:
        signature = deferred.b64decode(request.POST.get("signature", ""))
        certificate = request.POST.get("certificate", "")
        deferred.complete(session, signature, deferred.b64decode(certificate) if certificate else None)
    except ValidationError as refused:
        error = " ".join(refused.messages)
    session.refresh_from_db()
    return render(request, "signatures/_session.html", {"s": session, "error": error},
                  status=400 if error else 200)


@login_required
def session_file(request: PersonRequest, token: str) -> HttpResponseBase:
    """The signed PDF a completed session made."""
    from qlvb.files.views import file_response

    session = _session(request, token)
    if session.signed is None:
        raise Http404()
    return file_response(request, session.signed, filename="signed.pdf", inline=True)
