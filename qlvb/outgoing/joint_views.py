"""Another agency's joint documents, seen from a co-issuing agency (outgoing/cosigning.py): its
signer approves and signs there, its clerk seals there. Only those documents open, nothing else of
the lead agency (others get 404)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from qlvb.core.actor import Actor, actor_from_request, client_ip
from qlvb.core.http import no_store
from qlvb.files.views import file_response
from qlvb.org.http import PersonRequest
from qlvb.outgoing import forms, rules, selectors, services
from qlvb.outgoing.models import OutgoingDocument
from qlvb.outgoing.views import SCOPE, _person, _several

JOINT_TITLES = {"to_seal": gettext_lazy("Joint documents waiting for our seal"),
                "to_sign": gettext_lazy("Joint documents to approve and sign"),
                "all": gettext_lazy("Joint documents of other agencies")}


@login_required
def joint_list(request: PersonRequest, name: str = "to_seal") -> HttpResponse:
    if name not in JOINT_TITLES:
        raise Http404()
    documents = (selectors.joint_documents(_person(request), name).select_related("agency", "signer")
                 .order_by("-updated_at", "-id")[:200])
    return render(request, "outgoing/joint_list.html", {"documents": documents, "name": name,
                                                        "title": JOINT_TITLES[name], "titles": JOINT_TITLES})


@login_required
def joint_detail(request: PersonRequest, pk: int) -> HttpResponse:
    person = _person(request)
    document = selectors.joint_document(person, pk)
    services.record_opening(by=actor_from_request(request, SCOPE), document=document)
    context: dict[str, Any] = {"d": document, **_several(document, request.user),
                               "version": services.current_version(document),
                               "my_step": rules.pending_step(document, person)}
    context["may_seal"] = (document.status == OutgoingDocument.Status.SEALING and any(
        c.sealed_at is None and rules.is_clerk(person, c.agency_id) for c in context["co_issuers"]))
    if context["my_step"]:
        context["review_form"] = forms.ReviewForm()
    if context["may_sign"]:
        from qlvb.signatures.models import Certificate

        context["sign_form"] = forms.SignForm(certificates=Certificate.objects.filter(person=request.user,
                                                                                      is_active=True))
    return no_store(render(request, "outgoing/joint.html", context), bool(document.secrecy))


@login_required
def joint_file(request: PersonRequest, pk: int, disposition: str) -> HttpResponseBase:
    """The document as it stands: sealed so far once numbered, else its current version."""
    document = selectors.joint_document(_person(request), pk)
    if document.issued_file is not None:
        return file_response(request, document.issued_file, filename=f"{document.reference.replace('/', '-')}.pdf",
                             inline=disposition == "view", secret=bool(document.secrecy))
    version = services.current_version(document)
    if version is None:
        raise Http404()
    return file_response(request, version.stored, filename=version.name, inline=disposition == "view",
                         secret=bool(document.secrecy))


@login_required
@require_POST
def joint_action(request: PersonRequest, pk: int, verb: str) -> HttpResponse:
    person = _person(request)
    document = selectors.joint_document(person, pk)
    by = actor_from_request(request, SCOPE)
    try:
        if verb in ("approve", "return"):
            form = forms.ReviewForm(request.POST)
            form.is_valid()
            opinion = form.cleaned_data.get("opinion", "")
            if verb == "approve":
                services.approve(by=by, document=document, opinion=opinion)
                done = _("Approved.")
            else:
                services.return_draft(by=by, document=document, opinion=opinion)
                done = _("Returned to the drafter with your comments.")
        elif verb == "sign":
            from qlvb.signatures.models import Certificate

            sign_form = forms.SignForm(request.POST, certificates=Certificate.objects.filter(person=request.user,
                                                                                             is_active=True))
            if not sign_form.is_valid():
                raise ValidationError(sign_form.errors.as_data())
            services.authorise_signing(by=Actor(request.user, ip=client_ip(request)), document=document,
                                       certificate=sign_form.cleaned_data["certificate"],
                                       secret=sign_form.cleaned_data["secret"])
            done = _("Signed; the clerk now gives it its number and issues it.")
        elif verb == "seal":
            sealed = services.seal_joint(by=by, document=document)
            done = (_("Recorded in your register and sealed; the document is issued.")
                    if sealed.status == OutgoingDocument.Status.ISSUED
                    else _("Recorded in your register and sealed; waiting for the other agencies' seals."))
        else:
            raise Http404()
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, done)
    return redirect("outgoing:joint_detail", document.pk)
