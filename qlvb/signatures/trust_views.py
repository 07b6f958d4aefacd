"""Trust pages (docs/signing.md "Trust and revocation"): the certification authorities this
installation trusts (its administrators only: add a CA certificate, see them, deactivate one), and
an agency's signing settings (its administrators: long-term validation data, PAdES B-LT).
Anyone else gets 404."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from qlvb.core.actor import actor_from_request
from qlvb.core.forms import attach_errors
from qlvb.org import permissions
from qlvb.org.http import PersonRequest
from qlvb.org.models import Agency
from qlvb.signatures import services, trust
from qlvb.signatures.models import AgencySigningSettings, TrustAnchor

MAX_CERTIFICATE_BYTES = 256 * 1024


class AnchorForm(forms.Form):
    certificate = forms.FileField(label=gettext_lazy("CA certificate (.cer, .crt, .pem; PEM or DER)"))
    name = forms.CharField(label=gettext_lazy("Name shown (optional)"), max_length=300, required=False)


class LongTermForm(forms.Form):
    long_term_validation = forms.BooleanField(
        label=gettext_lazy("Embed long-term validation data (PAdES B-LT) after the agency's signature"),
        required=False, help_text=gettext_lazy(
            "The certificates and the CA's revocation answers (CRL/OCSP) are added to the issued PDF, so its "
            "signatures can be checked years later without asking the CA."))


def _installation_admin(request: PersonRequest) -> None:
    if not permissions.is_installation_admin(request.user):
        raise Http404()


@login_required
def anchors(request: PersonRequest) -> HttpResponse:
    _installation_admin(request)
    form = AnchorForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["certificate"]
        try:
            if upload.size > MAX_CERTIFICATE_BYTES:
                raise ValidationError({"certificate": ValidationError(
                    _("The file is not a certificate (PEM or DER, .cer/.crt)."), code="bad_certificate")})
            added = services.add_trust_anchors(by=actor_from_request(request), data=upload.read(),
                                               name=form.cleaned_data["name"])
        except ValidationError as error:
            attach_errors(form, error)
        else:
            messages.success(request, _("Trusted: %(names)s.") % {"names": ", ".join(a.name for a in added)})
            return redirect("signatures:trust")
    return render(request, "signatures/trust.html", {
        "form": form, "anchors": TrustAnchor.objects.order_by("-is_active", "kind", "name"),
        "fetching": trust.fetching(), "timeout": trust.timeout(),
    })


@login_required
@require_POST
def anchor_active(request: PersonRequest, pk: int) -> HttpResponse:
    _installation_admin(request)
    anchor = get_object_or_404(TrustAnchor, pk=pk)
    services.set_trust_anchor_active(by=actor_from_request(request), anchor=anchor,
                                     active=request.POST.get("active") == "1")
    messages.success(request, _("Saved."))
    return redirect("signatures:trust")


@login_required
def agency_settings(request: PersonRequest, pk: int) -> HttpResponse:
    agency = get_object_or_404(Agency, pk=pk)
    if not permissions.can_manage_agency(request.user, agency):
        raise Http404()
    current = AgencySigningSettings.objects.filter(agency=agency).first()
    form = LongTermForm(request.POST or None, initial={
        "long_term_validation": bool(current and current.long_term_validation)})
    if request.method == "POST" and form.is_valid():
        try:
            services.set_long_term_validation(by=actor_from_request(request), agency=agency,
                                              enabled=form.cleaned_data["long_term_validation"])
        except ValidationError as error:
            attach_errors(form, error)
        else:
            messages.success(request, _("Saved."))
            return redirect("signatures:agency_settings", agency.pk)
    return render(request, "signatures/agency_settings.html", {"agency": agency, "form": form,
                                                               "fetching": trust.fetching()})
