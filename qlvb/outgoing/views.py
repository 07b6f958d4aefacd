"""Outgoing document pages: lists, drafting, the review loop, signing, issuing, version diffs."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_POST

from qlvb.core.actor import Actor, actor_from_request, client_ip, effective_person
from qlvb.core.forms import attach_errors
from qlvb.core.http import no_store
from qlvb.core.keptpages import kept_page
from qlvb.core.paging import CappedPaginator
from qlvb.core.selectors import timeline
from qlvb.core.text import as_id
from qlvb.files.views import file_response
from qlvb.org.http import PersonRequest
from qlvb.org.models import Person
from qlvb.outgoing import drafting, forms, initials, rules, selectors, services
from qlvb.outgoing.models import OutgoingDocument, OutgoingSettings

SCOPE = "outgoing"  # which delegations let a delegate act here

LIST_TITLES = {
    "mine": _lazy("My drafts"), "to_review": _lazy("Drafts to review"), "to_sign": _lazy("To approve and sign"),
    "to_issue": _lazy("To number and issue"), "issued": _lazy("Issued documents"),
    "received": _lazy("Received inside the agency"), "overdue_reviews": _lazy("Reviews overdue"),
    "returned": _lazy("My drafts returned to me"),
}


def _person(request: HttpRequest) -> Any:
    return effective_person(request, SCOPE)


@login_required
@kept_page()
def work_list(request: PersonRequest, name: str = "mine") -> HttpResponse:
    if name not in LIST_TITLES:
        raise Http404()
    person = _person(request)
    q = request.GET.get("q", "").strip()[:200]
    if name == "issued":  # a page of each branch of the rule, not every document the person may see
        page = CappedPaginator(selectors.issued_newest(person, q), 25).get_page(request.GET.get("page"))
        page.object_list = selectors.documents_in_order([pk for pk, _issued_at in page.object_list])
    else:
        ordering = ("-issued_at", "-id") if name == "received" else ("-updated_at", "-id")
        documents = selectors.with_list_data(selectors.work_list(person, name)).order_by(*ordering)
        if q:
            documents = documents.filter(summary__icontains=q)
        page = CappedPaginator(documents, 25).get_page(request.GET.get("page"))
    from qlvb.incoming.selectors import due_soon_until  # the same colouring of deadlines as the incoming lists

    today, soon = due_soon_until(person)
    return no_store(render(request, "outgoing/list.html", {"name": name, "title": LIST_TITLES[name], "page": page,
                                                           "q": q, "query": f"q={q}" if q else "",
                                                           "today": today, "soon": soon}),
                    any(document.secrecy for document in page))  # a list naming a secret document is not kept


@login_required
def create(request: PersonRequest) -> HttpResponse:
    person = _person(request)
    agency = request.user.agency
    if agency is None:
        raise Http404()
    reply_to = None
    if as_id(request.GET.get("reply_to")) is not None:
        from qlvb.incoming.selectors import get_document as get_incoming

        reply_to = get_incoming(person, int(request.GET["reply_to"]))
    main_post = person.posts.filter(agency=agency, end_date__isnull=True).order_by("is_concurrent").first()
    initial = {"copies": 1, "drafting_unit": main_post.unit_id if main_post else None}
    if reply_to:
        initial.update({"summary": f"V/v trả lời văn bản số {reply_to.reference} của {reply_to.issuer_name}",
                        "doc_type": "CV", "field": reply_to.field_id})
        if reply_to.issuer_agency_id:
            initial["agencies"] = [reply_to.issuer_agency_id]
    form = forms.DraftForm(request.POST or None, request.FILES or None, person=person, agency=agency, initial=initial)
    if request.method == "POST" and form.is_valid():
        uploads = form.cleaned_data["upload"]
        if not uploads and form.cleaned_data["from_template"]:
            fields = form.document_fields()
            uploads = [drafting.draft_from_template(
                agency=agency, drafter=person, doc_type=fields["doc_type"], summary=fields["summary"],
                copies=fields["copies"], recipients=form.recipients(), unit=form.cleaned_data["drafting_unit"])]
        try:
            document = services.create_draft(
                by=actor_from_request(request, SCOPE), agency=agency, fields=form.document_fields(),
                uploads=uploads, attachments=form.cleaned_data["attachments"],
                recipients=form.recipients(), drafting_unit=form.cleaned_data["drafting_unit"], reply_to=reply_to,
                related_incoming=[reply_to] if reply_to else [])
        except ValidationError as error:
            attach_errors(form, error)
        else:
            messages.success(request, _("The draft has been created."))
            return redirect("outgoing:detail", document.pk)
    return render(request, "outgoing/create.html", {"form": form, "reply_to": reply_to})


def _signers(document: OutgoingDocument) -> list[Person]:
    candidates = Person.objects.filter(signing_authorities__agency=document.agency, is_active=True).distinct()
    return [p for p in candidates if rules.can_sign(p, document)]


@login_required
@kept_page()
def detail(request: PersonRequest, pk: int) -> HttpResponse:
    person = _person(request)
    document = selectors.get_document(person, pk)
    services.record_opening(by=actor_from_request(request, SCOPE), document=document)
    step = rules.current_step(document)
    my_step = step if step is not None and step.reviewer_id == person.pk else rules.pending_step(document, person) if (
        document.signing_mode) else None
    context: dict[str, Any] = {
        "d": document, "versions": list(document.versions.select_related("author", "stored").order_by("-number")),
        "steps": list(document.steps.select_related("reviewer", "acted_by", "version").order_by("round", "order")),
        "recipients": list(document.recipients.select_related("agency", "unit", "person")),
        "attachments": list(document.attachments.select_related("stored", "signed")),
        "events": timeline(document), "current_step": step, "my_step": my_step,
        "holds": rules.holds_draft(person, document),
        "can_version": services._may_edit(person, document) or (
            document.status in (OutgoingDocument.Status.APPROVED, OutgoingDocument.Status.SIGNED)
            and person.pk in (document.drafter_id, document.signer_id)),
        "is_clerk": rules.is_clerk(person, document.agency_id),
        "disagreements": [s for s in document.steps.all() if s.disagreement],
        "today": timezone.localdate(),
    }
    if context["holds"]:
        context["submit_form"] = forms.SubmitForm(signers=_signers(document), agency=document.agency, prefix="submit")
    if my_step:
        context["review_form"] = forms.ReviewForm()
        _initial_context(request, document, my_step, context)
    context["initials"] = initials.shown(document)
    if context["can_version"]:
        context["version_form"] = forms.VersionForm(prefix="version")
    if document.signing_mode:  # several signers (outgoing/cosigning.py)
        context.update(_several(document, request.user))
    if document.status == OutgoingDocument.Status.APPROVED and (
            document.signer_id == request.user.pk if not document.signing_mode else context["may_sign"]):
        from qlvb.signatures.models import Certificate

        context["sign_form"] = forms.SignForm(certificates=Certificate.objects.filter(person=request.user,
                                                                                      is_active=True))
    signing = services.signing_session(document) if document.status == OutgoingDocument.Status.SIGNED else None
    context["signing_session"] = signing if signing is not None and signing.may_see(person) else None
    context["may_issue"] = (document.status == OutgoingDocument.Status.SIGNED and context["is_clerk"]
                            and not (signing is not None and signing.is_waiting))
    context["may_cancel"] = rules.may_cancel(
        request.user if document.status == OutgoingDocument.Status.ISSUED else person, document)
    return no_store(render(request, "outgoing/detail.html", context), bool(document.secrecy))


def _my_certificates(request: PersonRequest) -> Any:
    from qlvb.signatures.models import Certificate

    return Certificate.objects.filter(person=request.user, is_active=True, revoked_at__isnull=True)


def _initial_context(request: PersonRequest, document: OutgoingDocument, step: Any, context: dict[str, Any]) -> None:
    """The reviewer's initial (ký nháy) on the review card, when the agency uses them: his own
    certificates (personal: not while acting for someone), and the one a signing service is asked for."""
    wanted = initials.mode(document, step)
    if wanted == OutgoingSettings.Initials.OFF:
        return
    context["initial_mode"] = wanted
    if step.reviewer_id == request.user.pk:
        context["initial_form"] = forms.InitialForm(prefix="initial", certificates=_my_certificates(request),
                                                    required=wanted == OutgoingSettings.Initials.REQUIRED)
    session = initials.latest_session(step)
    context["initial_session"] = session if session is not None and session.may_see(request.user) else None


def _initial_request(request: PersonRequest) -> initials.Request | None:
    form = forms.InitialForm(request.POST, prefix="initial", certificates=_my_certificates(request), required=False)
    if not form.is_valid():
        raise ValidationError(form.errors.as_data())
    certificate = form.cleaned_data["certificate"]
    return initials.Request(certificate, form.cleaned_data["secret"]) if certificate is not None else None


@login_required
@require_POST
def action(request: PersonRequest, pk: int, verb: str) -> HttpResponse:
    person = _person(request)
    document = selectors.get_document(person, pk)
    by = actor_from_request(request, SCOPE)
    post = request.POST
    form: Form
    done: str
    try:
        if verb == "submit":
            form = forms.SubmitForm(post, signers=_signers(document), agency=document.agency, prefix="submit")
            if not form.is_valid():
                raise ValidationError(form.errors.as_data())
            done = _next_reviewer(services.submit(by=by, document=document, **form.cleaned_data),
                                  _("Submitted; waiting for the opinion of %(name)s."))
        elif verb in ("approve", "return", "return_previous"):
            form = forms.ReviewForm(post)
            form.is_valid()
            data = form.cleaned_data
            if verb == "approve":
                initial = _initial_request(request)
                approved = services.approve(by=by, document=document, opinion=data.get("opinion", ""),
                                            disagreement=data.get("disagreement", ""), initial=initial)
                step = rules.current_step(approved)
                if initial is not None and step is not None and initials.waiting_session(step) is not None:
                    done = _("Your initial signature is asked of the signing service: confirm it there; the draft "
                             "goes up as soon as it comes.")
                else:
                    done = (_("Approved for issuing; waiting for the signer's digital signature.")
                            if approved.status == OutgoingDocument.Status.APPROVED
                            else _next_reviewer(approved, _("Agreed; passed on to %(name)s.")))
            else:
                services.return_draft(by=by, document=document, opinion=data.get("opinion", ""),
                                      to="previous" if verb == "return_previous" else "drafter")
                done = (_("Returned to the previous reviewer.") if verb == "return_previous"
                        else _("Returned to the drafter with your comments."))
        elif verb == "version":
            form = forms.VersionForm(post, request.FILES, prefix="version")
            if not form.is_valid():
                raise ValidationError(form.errors.as_data())
            version = services.add_version(by=by, document=document, upload=form.cleaned_data["upload"],
                                           comment=form.cleaned_data["comment"])
            done = _("Version %(number)s added.") % {"number": version.number}
        elif verb == "sign":
            from qlvb.signatures.models import Certificate

            form = forms.SignForm(post, certificates=Certificate.objects.filter(person=request.user, is_active=True))
            if not form.is_valid():
                raise ValidationError(form.errors.as_data())
            # Signing is personal: the signer's own act, never on someone's behalf.
            services.authorise_signing(by=Actor(request.user, ip=client_ip(request)), document=document,
                                       certificate=form.cleaned_data["certificate"], secret=form.cleaned_data["secret"])
            done = _("Signed; the clerk now gives it its number and issues it.")
        elif verb == "cancel":
            services.cancel(by=by, document=document, reason=post.get("reason", ""))
            done = _("The document has been cancelled.")
        elif verb == "issue":
            form = forms.IssueForm(post, agency=document.agency)
            if not form.is_valid():
                raise ValidationError(form.errors.as_data())
            issued = services.issue(by=by, document=document, register=form.cleaned_data["register"],
                                    stamp_at=form.spot(), signature_at=form.signature_spot(),
                                    agency_certificate=form.cleaned_data.get("agency_certificate"))
            if issued.status != OutgoingDocument.Status.ISSUED:
                messages.info(request, _("Numbered %(reference)s; waiting for the digital signatures (signing "
                                         "service or USB token). It is issued as soon as they are made.")
                              % {"reference": issued.reference})
                return redirect("outgoing:detail", document.pk)
            messages.success(request, _("Issued as number %(reference)s.") % {"reference": issued.reference})
            return redirect("outgoing:detail", document.pk)
        else:
            raise Http404()
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, done)
    return redirect("outgoing:detail", document.pk)


def _several(document: OutgoingDocument, user: Any) -> dict[str, Any]:
    """What the pages show of several signers: who signs, for which agency, who approved and
    signed; whether this user signs now; the co-issuing agencies and their seals."""
    from qlvb.outgoing import cosigning

    approved = cosigning.approved_signers(document)
    past = document.status in (OutgoingDocument.Status.SEALING, OutgoingDocument.Status.ISSUED)
    # The authorisations are used up at issue: then those who approved are those who signed.
    authorised = approved if past else set(document.authorisations.values_list("signer_id", flat=True))
    signers = [{"row": row, "approved": row.person_id in approved, "signed": row.person_id in authorised}
               for row in document.signers.select_related("person", "agency")]
    return {"several_signers": signers,
            "co_issuers": list(document.co_issuers.select_related("agency", "register", "sealed_by")),
            "may_sign": (document.status == OutgoingDocument.Status.APPROVED and user.pk in approved
                         and user.pk not in authorised)}


def _next_reviewer(document: OutgoingDocument, message: str) -> str:
    step = rules.current_step(document)
    return message % {"name": step.reviewer.full_name if step else "—"}


@login_required
def version_file(request: PersonRequest, pk: int, number: int, disposition: str) -> HttpResponseBase:
    document = selectors.get_document(_person(request), pk)
    version = document.versions.select_related("stored").filter(number=number).first()
    if version is None:
        raise Http404()
    return file_response(request, version.stored, filename=version.name, inline=disposition == "view",
                         secret=bool(document.secrecy))


@login_required
def issued_file(request: PersonRequest, pk: int, disposition: str) -> HttpResponseBase:
    document = selectors.get_document(_person(request), pk)
    if document.issued_file is None:
        raise Http404()
    return file_response(request, document.issued_file, filename=f"{document.reference.replace('/', '-')}.pdf",
                         inline=disposition == "view", secret=bool(document.secrecy))


@login_required
def initial_file(request: PersonRequest, pk: int, initial_pk: int) -> HttpResponseBase:
    """The draft version's PDF a reviewer initialled (with his signature in it)."""
    document = selectors.get_document(_person(request), pk)
    initial = document.initials.select_related("signed", "version").filter(pk=initial_pk).first()
    if initial is None:
        raise Http404()
    return file_response(request, initial.signed, filename=f"ky-nhay-v{initial.version.number}.pdf", inline=True,
                         secret=bool(document.secrecy))


@login_required
def attachment_file(request: PersonRequest, pk: int, attachment_pk: int) -> HttpResponseBase:
    document = selectors.get_document(_person(request), pk)
    attachment = document.attachments.select_related("stored", "signed").filter(pk=attachment_pk).first()
    if attachment is None:
        raise Http404()
    return file_response(request, attachment.signed or attachment.stored, filename=attachment.name, inline=False,
                         secret=bool(document.secrecy))


@login_required
def diff(request: PersonRequest, pk: int) -> HttpResponse:
    """Compare two versions' text, each change coloured by the role of the version that made it,
    however far apart the two are (R13)."""
    from qlvb.files.textdiff import attributed_diff, render_attributed_html

    document = selectors.get_document(_person(request), pk)
    versions = {v.number: v for v in document.versions.all()}
    try:
        new = versions[int(request.GET.get("b") or max(versions))]
        old = versions[int(request.GET.get("a") or max(new.number - 1, 1))]
    except (KeyError, ValueError):
        raise Http404() from None
    low, high = sorted((old.number, new.number))
    chain = [versions[n] for n in sorted(versions) if low <= n <= high]
    if old.number > new.number:
        chain.reverse()
    html = render_attributed_html(attributed_diff(
        [(v.text, f"v{v.number} · {v.get_role_display()}", v.role) for v in chain]))
    return no_store(render(request, "outgoing/diff.html", {
        "d": document, "old": old, "new": new, "diff_html": html,
        # One author only between neighbours; further apart, each change says whose it is.
        "role_label": new.get_role_display() if len(chain) == 2 else "",
        "versions": sorted(versions.values(), key=lambda v: v.number)}), bool(document.secrecy))



def _issue_form(request: HttpRequest, document: OutgoingDocument) -> forms.IssueForm:
    data = request.GET if "register" in request.GET else None
    form = forms.IssueForm(data, agency=document.agency, initial={"register": services._default_register(document)})
    form.is_valid() if data is not None else None
    return form


def _issuable(request: HttpRequest, pk: int) -> OutgoingDocument:
    document = selectors.get_document(_person(request), pk)
    if document.status != OutgoingDocument.Status.SIGNED or not rules.is_clerk(_person(request), document.agency_id):
        raise Http404()
    return document


@login_required
def issue_preview(request: HttpRequest, pk: int) -> HttpResponse:
    """The clerk's last look before the irreversible step: the PDF as it will go out (number,
    date, signature and seal placed), a click on it to move the number and date, then Issue."""
    document = _issuable(request, pk)
    form = _issue_form(request, document)
    error = None
    if form.is_bound and not form.is_valid():
        error = " ".join(str(message) for messages_ in form.errors.values() for message in messages_)
    else:
        try:  # made here, not only by the file's URL, so a refusal is read on the page
            _preview_pdf(request, document, form)
        except ValidationError as refused:
            error = " ".join(refused.messages)
    query = request.GET.urlencode()
    return no_store(render(request, "outgoing/issue.html", {"d": document, "form": form, "error": error,
                                                             "query": query}), bool(document.secrecy))


# The preview page makes the PDF (to show a refusal on the page) and the viewer then asks for it:
# kept for a minute so it is made once (a conversion and two signature drawings, seconds). Never a
# secret document's: its content stays out of the shared cache.
PREVIEW_SECONDS = 60


def _preview_pdf(request: HttpRequest, document: OutgoingDocument, form: forms.IssueForm) -> bytes:
    from django.core.cache import cache

    key = (f"outgoing:issue-preview:{request.user.pk}:{document.pk}:{document.updated_at.timestamp()}:"
           f"{request.GET.urlencode()}")
    if not document.secrecy and (pdf := cache.get(key)) is not None:
        return pdf
    register = form.cleaned_data.get("register") if form.is_bound else None
    pdf = services.preview_issue(by=actor_from_request(request, SCOPE), document=document, register=register,
                                 stamp_at=form.spot() if form.is_bound else None,
                                 signature_at=form.signature_spot() if form.is_bound else None)
    if not document.secrecy:
        cache.set(key, pdf, PREVIEW_SECONDS)
    return pdf


@login_required
def issue_preview_file(request: HttpRequest, pk: int) -> HttpResponse:
    document = _issuable(request, pk)
    form = _issue_form(request, document)
    if form.is_bound and not form.is_valid():
        raise Http404()
    try:
        pdf = _preview_pdf(request, document, form)
    except ValidationError as refused:
        return HttpResponse(" ".join(refused.messages), status=422, content_type="text/plain; charset=utf-8")
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = 'inline; filename="preview.pdf"'
    response["Cache-Control"] = "no-store"
    return response


# --- Drafting templates (the agency's administrator) ---------------------------------------------

def _managed_agency(request: PersonRequest) -> Any:
    from qlvb.org.permissions import can_manage_agency

    agency = request.user.agency
    if agency is None or not can_manage_agency(request.user, agency):
        raise Http404()
    return agency


@login_required
def templates(request: PersonRequest) -> HttpResponse:
    from qlvb.core.doctypes import DOCUMENT_TYPES
    from qlvb.outgoing.models import DraftTemplate

    agency = _managed_agency(request)
    form = forms.TemplateForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            drafting.save_template(by=Actor(request.user, ip=client_ip(request)), agency=agency,
                                   doc_type=form.cleaned_data["doc_type"], name=form.cleaned_data["name"],
                                   upload=form.cleaned_data["upload"])
        except ValidationError as error:
            attach_errors(form, error)
        else:
            messages.success(request, _("The template is in use for new drafts."))
            return redirect("outgoing:templates")
    in_use = list(DraftTemplate.objects.filter(agency=agency, deleted_at__isnull=True).select_related("created_by")
                  .order_by("-is_active", "doc_type", "-created_at"))
    return render(request, "outgoing/templates.html", {"form": form, "templates": in_use,
                                                       "types": DOCUMENT_TYPES})


@login_required
@require_POST
def retire_template(request: PersonRequest, pk: int) -> HttpResponse:
    from qlvb.outgoing.models import DraftTemplate

    agency = _managed_agency(request)
    template = DraftTemplate.objects.filter(pk=pk, agency=agency, is_active=True).first()
    if template is None:
        raise Http404()
    drafting.retire_template(by=Actor(request.user, ip=client_ip(request)), template=template)
    messages.success(request, _("The template is no longer used."))
    return redirect("outgoing:templates")


@login_required
def builtin_template(request: PersonRequest, doc_type: str) -> HttpResponse:
    """The built-in NĐ30 layout for a type, to start an agency's own template from."""
    from qlvb.core.doctypes import DOCUMENT_TYPE_NAMES
    from qlvb.files.views import content_disposition
    from qlvb.outgoing import layout

    if doc_type not in DOCUMENT_TYPE_NAMES:
        raise Http404()
    response = HttpResponse(layout.nd30_docx(doc_type), content_type=drafting.DOCX_TYPE)
    response["Content-Disposition"] = content_disposition(f"mau-{doc_type}.docx", inline=False)
    return response
