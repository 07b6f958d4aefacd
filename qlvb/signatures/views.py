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
from qlvb.signatures.providers import vgca


class Pkcs12Form(forms.Form):
    # The metaclass takes declared fields out of the class, so this does not hide BaseForm.data.
    data = forms.FileField(label=gettext_lazy("Key file (.p12, .pfx)"))  # type: ignore[assignment]
    passphrase = forms.CharField(label=gettext_lazy("Passphrase"), widget=forms.PasswordInput, strip=False)
    owner = forms.ChoiceField(label=gettext_lazy("Owner"), choices=[("me", gettext_lazy("Me"))])
    store_passphrase = forms.BooleanField(label=gettext_lazy("Keep the passphrase (agency keys used by clerks)"),
                                          required=False)


class RemoteKeyForm(forms.Form):
    provider = forms.ChoiceField(label=gettext_lazy("Signing service"), choices=[])
    account = forms.CharField(label=gettext_lazy("Account at the service (CCCD for SmartCA, log-in for MySign)"),
                              max_length=300, required=False)
    remote_id = forms.CharField(label=gettext_lazy("Key at the service (serial number or credential id)"),
                                max_length=300, required=False,
                                help_text=gettext_lazy("Leave blank when the account has one certificate."))
    owner = forms.ChoiceField(label=gettext_lazy("Owner"), choices=[("me", gettext_lazy("Me"))])


class TokenForm(forms.Form):
    """Filled by the page's script from the VGCA plugin's answer (signing/vgca-register.js)."""

    certificate = forms.CharField(widget=forms.HiddenInput, required=False)
    signature = forms.CharField(widget=forms.HiddenInput, required=False)
    owner = forms.ChoiceField(label=gettext_lazy("Owner"), choices=[("me", gettext_lazy("Me"))])


class ImageForm(forms.Form):
    png = forms.FileField(label=gettext_lazy("Transparent PNG image"))
    owner = forms.ChoiceField(label=gettext_lazy("Image of"), choices=[("me", gettext_lazy("My signature"))])


def _owners(request: PersonRequest, form: forms.Form, agency_label: str) -> None:
    agency = request.user.agency
    if agency is not None and permissions.can_manage_agency(request.user, agency):
        owner = cast(forms.ChoiceField, form.fields["owner"])
        choices = cast(list[tuple[str, Any]], owner.choices)  # the field keeps them as a list of pairs
        owner.choices = [*choices, ("agency", f"{agency_label}: {agency.name}")]


def _remote_services() -> list[tuple[str, str]]:
    from qlvb.signatures.providers import registered

    return [(name, str(p.label)) for name, p in registered().items()
            if not p.completes_at_once and not p.client_side and p.configured()]


TOKEN_CHALLENGE = "signatures.token_challenge"


def _token_challenge(request: PersonRequest, *, renew: bool) -> bytes:
    """The one-time value the token signs to prove the key is in the person's hands (tokens.py)."""
    import base64

    from qlvb.signatures import tokens

    kept = request.session.get(TOKEN_CHALLENGE)
    if renew or not kept:
        kept = base64.b64encode(tokens.new_challenge()).decode("ascii")
        request.session[TOKEN_CHALLENGE] = kept
    return base64.b64decode(kept)


def _add_token(request: PersonRequest, form: TokenForm, owner: dict[str, Any]) -> bool:
    from qlvb.signatures import tokens

    challenge = _token_challenge(request, renew=False)
    request.session.pop(TOKEN_CHALLENGE, None)  # used once, whatever the outcome
    try:
        tokens.add_token_certificate(
            by=actor_from_request(request), certificate_der=deferred.b64decode(form.cleaned_data["certificate"]),
            signature=deferred.b64decode(form.cleaned_data["signature"]), challenge=challenge, **owner)
    except ValidationError as error:
        form.add_error(None, " ".join(error.messages))  # the fields are hidden: shown above the button
        return False
    return True


def _allow_plugin(response: HttpResponse) -> HttpResponse:
    """Let this page's script reach the VGCA plugin on the person's computer (django-csp reads
    the attribute; set here rather than by decorator so the configured address is read per request)."""
    response._csp_update = {"connect-src": [vgca.plugin_url()]}  # type: ignore[attr-defined]
    return response


@login_required
def certificates(request: PersonRequest) -> HttpResponse:
    person = request.user
    agency = person.agency
    manages = agency is not None and permissions.can_manage_agency(person, agency)
    key_form = Pkcs12Form(request.POST if "add_key" in request.POST else None,
                          request.FILES if "add_key" in request.POST else None, prefix="key")
    image_form = ImageForm(request.POST if "add_image" in request.POST else None,
                           request.FILES if "add_image" in request.POST else None, prefix="image")
    remote_form = RemoteKeyForm(request.POST if "add_remote" in request.POST else None, prefix="remote")
    cast(forms.ChoiceField, remote_form.fields["provider"]).choices = _remote_services()
    token_form = TokenForm(request.POST if "add_token" in request.POST else None, prefix="token")
    _owners(request, key_form, _("Agency key"))
    _owners(request, remote_form, _("Agency key"))
    _owners(request, token_form, _("Agency key"))
    _owners(request, image_form, _("Agency seal"))
    by = actor_from_request(request)
    if "add_remote" in request.POST and remote_form.is_valid():
        data = remote_form.cleaned_data
        owner = {"agency": agency} if data["owner"] == "agency" else {"person": person}
        try:
            services.add_remote_certificate(by=by, provider=data["provider"], account=data["account"],
                                            remote_id=data["remote_id"], **owner)
        except ValidationError as error:
            attach_errors(remote_form, error)
        else:
            messages.success(request, _("The certificate has been added."))
            return redirect("signatures:certificates")
    if "add_token" in request.POST and token_form.is_valid():
        owner = {"agency": agency} if token_form.cleaned_data["owner"] == "agency" else {"person": person}
        if _add_token(request, token_form, owner):
            messages.success(request, _("The token's certificate has been registered."))
            return redirect("signatures:certificates")
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
    import base64

    return _allow_plugin(render(request, "signatures/certificates.html", {
        "mine": mine, "agency_certs": agency_certs, "images": images, "key_form": key_form,
        "image_form": image_form, "manages": manages, "remote_form": remote_form if _remote_services() else None,
        "token_form": token_form if vgca.VgcaProvider().configured() else None, "vgca_url": vgca.plugin_url(),
        "token_challenge": base64.b64encode(_token_challenge(request, renew=not token_form.is_bound)).decode(),
    }))


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


POLL_SECONDS = 3


def _nudge(session: SigningSession) -> None:
    """A page is watching a session a signing service answers: ask the service now rather than at
    the worker's next minute (at most every few seconds per session, whoever watches), so the page
    shows the signature as soon as the signer has confirmed on the phone."""
    from django.core.cache import cache

    from qlvb.signatures.providers import provider
    from qlvb.signatures.tasks import advance_session

    try:
        named = provider(session.provider)
    except LookupError:
        return
    answers_later = not named.client_side and not named.completes_at_once
    if session.is_waiting and answers_later and cache.add(f"signing-nudge:{session.pk}", 1, POLL_SECONDS):
        advance_session(session.pk)


@login_required
def session_state(request: PersonRequest, token: str) -> HttpResponse:
    """The session's state, for the page to show without reload (polled while it waits)."""
    session = _session(request, token)
    _nudge(session)
    return render(request, "signatures/_session.html", {"s": session})


@login_required
def session_sign(request: PersonRequest, token: str) -> HttpResponse:
    """The signer's page for a session her own token signs (VGCA): the document as it will be
    signed, and the button that has the plugin sign it."""
    session = _session(request, token)
    return _allow_plugin(render(request, "signatures/sign.html", {"s": session, "signing_page": True,
                                                                  "vgca_url": vgca.plugin_url()}))


@login_required
def session_prepared(request: PersonRequest, token: str) -> HttpResponseBase:
    """The document exactly as it will be signed (the prepared revision)."""
    from qlvb.files.views import file_response

    session = _session(request, token)
    return file_response(request, session.prepared, filename="prepared.pdf", inline=True)


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
    return render(request, "signatures/_session.html", {"s": session, "error": error, "signing_page": True},
                  status=400 if error else 200)


@login_required
def session_file(request: PersonRequest, token: str) -> HttpResponseBase:
    """The signed PDF a completed session made."""
    from qlvb.files.views import file_response

    session = _session(request, token)
    if session.signed is None:
        raise Http404()
    return file_response(request, session.signed, filename="signed.pdf", inline=True)
