"""Incoming document pages: lists, registration, the document page and its actions, routing,
files and overviews. Each view asks selectors what the person may see and services to act."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.forms import BaseForm
from django.http import Http404, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from qlvb.core import kinds
from qlvb.core.actor import Actor, actor_from_request, effective_person
from qlvb.core.doctypes import DOCUMENT_TYPES, Urgency
from qlvb.core.forms import attach_errors
from qlvb.core.http import no_store
from qlvb.core.keptpages import kept_page
from qlvb.core.paging import CappedPaginator
from qlvb.core.selectors import timeline
from qlvb.core.text import as_id, fold
from qlvb.files import kept
from qlvb.files.views import file_response
from qlvb.incoming import forms, rules, selectors, services
from qlvb.incoming.models import Assignment, IncomingDocument
from qlvb.org.http import PersonRequest
from qlvb.org.models import Agency, Person
from qlvb.org.roles import roles_of
from qlvb.registers.models import Register
from qlvb.registers.services import default_register, ensure_default_registers

SCOPE = "incoming"  # which delegations let a delegate act here

LIST_TITLES = {
    "drafts": _lazy("Waiting for registration"), "to_route": _lazy("Waiting for routing"),
    "to_handle": _lazy("To handle"), "in_progress": _lazy("In progress"), "overdue": _lazy("Overdue"),
    "due_soon": _lazy("Due soon"), "for_info": _lazy("For information"), "done": _lazy("Done"),
    "all": _lazy("All documents"),
}
SORTS = {"new": ("-received_at", "-id"), "old": ("received_at", "id"), "number": ("-arrival_number",),
         "deadline": ("deadline", "-received_at")}


def _effective(request: PersonRequest) -> Person:
    return effective_person(request, SCOPE)


def _agency(request: PersonRequest) -> Agency:
    agency = request.user.agency
    if agency is None:
        raise Http404()
    return agency


# --- Lists ---------------------------------------------------------------------------------

@login_required
@kept_page()
def work_list(request: PersonRequest, name: str = "to_handle") -> HttpResponse:
    person = _effective(request)
    if name not in LIST_TITLES:
        raise Http404()
    q = request.GET.get("q", "").strip()[:200]
    doc_type = request.GET.get("type", "")
    sort = request.GET.get("sort", "new")
    if name in selectors.TASK_LISTS and not (q or doc_type or request.GET.get("urgent")) and sort == "new":
        # The usual view of a task list: sorted from the tasks' index, then 25 documents fetched.
        page = CappedPaginator(selectors.newest_task_documents(person, name), 25).get_page(request.GET.get("page"))
        page.object_list = selectors.documents_in_order(person, [pk for pk, _arrival in page.object_list])
        return _list_page(request, name, page, q, doc_type, sort)
    documents = selectors.work_list(person, name)
    if q:
        documents = documents.filter(Q(summary__icontains=q) | Q(notation__icontains=q) | Q(number=q)
                                     | Q(issuer_name__icontains=q) | Q(summary__icontains=fold(q)))
    if doc_type:
        documents = documents.filter(doc_type=doc_type)
    if request.GET.get("urgent") == "1":
        documents = documents.exclude(urgency="")
    documents = selectors.with_list_data(documents.order_by(*SORTS.get(sort, SORTS["new"])), person)
    page = CappedPaginator(documents, 25).get_page(request.GET.get("page"))
    return _list_page(request, name, page, q, doc_type, sort)


def _list_page(request: PersonRequest, name: str, page: Any, q: str, doc_type: str, sort: str) -> HttpResponse:
    params = request.GET.copy()
    params.pop("page", None)
    today, soon = selectors.due_soon_until(_effective(request))
    return no_store(render(request, "incoming/list.html", {
        "name": name, "title": LIST_TITLES[name], "page": page, "q": q, "doc_type": doc_type, "sort": sort,
        "today": today, "soon": soon, "types": DOCUMENT_TYPES, "query": params.urlencode(), "lists": LIST_TITLES,
    }), any(document.secrecy for document in page))  # a list naming a secret document is not kept either


@login_required
@require_POST
def bulk(request: PersonRequest) -> HttpResponse:
    """Bulk action on a list: mark the chosen for-information documents as read."""
    person = _effective(request)
    by = actor_from_request(request, SCOPE)
    done = 0
    ids = [i for i in map(as_id, request.POST.getlist("ids")) if i is not None][:200]
    for assignment in Assignment.objects.filter(document_id__in=ids, role=Assignment.Role.INFO,
                                                state=Assignment.State.PENDING):
        if rules.holds(person, assignment):
            services.mark_read(by=by, assignment=assignment)
            done += 1
    messages.success(request, ngettext("%(n)d document marked as read.", "%(n)d documents marked as read.",
                                       done) % {"n": done})
    return redirect("incoming:list", "for_info")


# --- Registration --------------------------------------------------------------------------

@login_required
def register(request: PersonRequest, pk: int | None = None) -> HttpResponse:
    agency = _agency(request)
    person = _effective(request)
    if not rules.is_clerk(person, agency.pk):
        raise Http404()
    ensure_default_registers(agency)
    draft = None
    if pk:
        draft = selectors.get_document(person, pk)
        if draft.status != IncomingDocument.Status.DRAFT:
            raise Http404()
    initial = _initial_from(draft) if draft else {}
    form = forms.RegistrationForm(request.POST or None, request.FILES or None, agency=agency, initial=initial)
    duplicates = []
    # Files chosen before the form last came back with an error, unless others are chosen now.
    kept_before = kept.reopen(request.POST.get("kept_files", ""), request.user.pk) if request.POST else {}
    if request.method == "POST" and form.is_valid():
        for name in ("uploads", "attachments"):
            form.cleaned_data[name] = form.cleaned_data[name] or kept_before.get(name, [])
        by = actor_from_request(request, SCOPE)
        fields = form.document_fields()
        duplicates = services.find_duplicates(agency=agency, national_id=fields["national_id"] or "",
                                              number=fields["number"] or "", notation=fields["notation"] or "",
                                              issuer_name=fields["issuer_name"] or "",
                                              exclude_pk=draft.pk if draft else None)
        files = {"uploads": form.cleaned_data["uploads"], "attachments": form.cleaned_data["attachments"]}
        try:
            if "save_draft" in request.POST:
                document = services.save_draft(by=by, agency=agency, fields=fields, document=draft, **files)
                messages.success(request, _("Saved; the document waits for registration."))
                return redirect("incoming:detail", document.pk)
            if duplicates and not form.cleaned_data["confirm_duplicate"]:
                form.add_error(None, _("This document seems to be registered already. Check the list above; "
                                       "tick the box to register it anyway."))
            else:
                chosen = form.cleaned_data["register"] or default_register(
                    agency=agency, direction=Register.Direction.INCOMING, secret=bool(fields["secrecy"]))
                document = services.register_document(
                    by=by, agency=agency, register=chosen, fields=fields, presented_to=form.cleaned_data[
                        "presented_to"], document=draft, **files)
                messages.success(request, _("Registered with arrival number %(n)s and presented to %(who)s.") % {
                    "n": document.arrival_number, "who": document.presented_to})
                return redirect("incoming:detail", document.pk)
        except ValidationError as error:
            attach_errors(form, error)
    kept_now = None
    if request.method == "POST":  # the form comes back: keep what was chosen for the next try
        chosen = {name: request.FILES.getlist(name) or kept_before.get(name, []) for name in ("uploads", "attachments")}
        kept_now = kept.keep(request.user.pk, chosen)
        data = request.POST.copy()
        data["kept_files"] = kept_now.token if kept_now else ""
        form.data = data
    return render(request, "incoming/register.html", {"form": form, "duplicates": duplicates, "draft": draft,
                                                      "kept": kept_now})


def _initial_from(document: IncomingDocument) -> dict[str, Any]:
    initial = {name: getattr(document, name) for name in services.EDITABLE_FIELDS}
    initial["register"] = document.register
    return initial


# --- The document page ---------------------------------------------------------------------

@login_required
@kept_page()
def detail(request: PersonRequest, pk: int) -> HttpResponse:
    person = _effective(request)
    document = selectors.get_document(person, pk)
    services.record_opening(by=actor_from_request(request, SCOPE), document=document)
    mine = selectors.my_open_assignments(person, document)
    main = services.main_handler_assignment(person, document)
    return no_store(render(request, "incoming/detail.html", {
        "d": document, "files": (files := selectors.files_of(document)), "signatures": _signature_reports(files),
        "tree": selectors.routing_tree(document, person),
        "general_notes": selectors.general_notes(document), "events": timeline(document),
        "mine": mine, "main": main,
        "can_route": rules.may_route_top(person, document),
        "can_reopen": rules.may_reopen(person, document),
        "is_clerk": rules.is_clerk(person, document.agency_id),
        "complete_form": forms.CompleteForm(person=person) if main else None,
        "silent_coordinators": services.coordinators_without_contribution(document) if main else [],
        "file_form": forms.FileIntoForm(person=person, prefix="file"),
        "note_form": forms.NoteForm(), "reason_form": forms.ReasonForm(), "deadline_form": forms.DeadlineForm(),
        "person": person, "today": timezone.localdate(),
        "replies": _replies(person, document),
    }), bool(document.secrecy))


def _signature_reports(files: list) -> dict[int, list]:
    """Signatures of received PDFs, verified (R15); cached by content, which never changes."""
    from django.core.cache import cache

    from qlvb.files.services import read_stored
    from qlvb.signatures.verification import verify_pdf

    reports: dict[int, Any] = {}  # verify_pdf's reports, through the cache
    for item in files:
        if item.stored.kind == "pdf":
            key = f"signature-report:{item.stored.sha256}"
            reports[item.pk] = cache.get_or_set(key, lambda s=item.stored: verify_pdf(read_stored(s)), 3600)
    return reports


def _replies(person: Person, document: IncomingDocument) -> list:
    # The replies are outgoing documents (an app built on this one): asked of the kind registry.
    return list(kinds.visible("outgoing", person).filter(reply_to=document).order_by("created_at"))


@login_required
def file_view(request: PersonRequest, pk: int, file_pk: int, disposition: str) -> HttpResponseBase:
    person = _effective(request)
    document = selectors.get_document(person, pk)
    item = document.files.select_related("stored").filter(pk=file_pk).first()
    if item is None:
        raise Http404()
    return file_response(request, item.stored, filename=item.name, inline=disposition == "view",
                         secret=bool(document.secrecy))


@login_required
def route(request: PersonRequest, pk: int, assignment_pk: int | None = None) -> HttpResponse:
    """The routing grid: the leader's routing, or a unit head / handler passing it down."""
    person = _effective(request)
    document = selectors.get_document(person, pk)
    parent = None
    if assignment_pk:
        parent = document.assignments.filter(pk=assignment_pk).first()
        if parent is None or not parent.is_open or not rules.holds(person, parent):
            raise Http404()
        within = roles_of(person).headed_unit_ids & {parent.assignee_unit_id} if parent.assignee_unit_id else None
        candidates = forms.routing_candidates(document.agency, within_units=frozenset(within or ()))
    else:
        if not rules.may_route_top(person, document):
            raise Http404()
        candidates = forms.routing_candidates(document.agency)
    form = forms.RoutingForm(request.POST or None, document=document, top=parent is None)
    chosen: dict[str, Any] = {"main": [], "coord": [], "info": []}
    if request.method == "POST":
        chosen = {"main": request.POST.getlist("main"), "coord": request.POST.getlist("coord"),
                  "info": request.POST.getlist("info")}
        working = chosen["main"] + chosen["coord"]
        form.check_work(bool(working), rows_dated=all(request.POST.get(f"deadline-{key}") for key in working))
        if form.is_valid():
            try:
                deadline = services.resolve_deadline(agency_id=document.agency_id,
                                                     deadline=form.cleaned_data["deadline"],
                                                     days=form.cleaned_data["deadline_days"])
                targets = forms.parse_routing(request.POST, document.agency, default_deadline=deadline)
                services.route(by=actor_from_request(request, SCOPE), document=document, parent=parent,
                               directive=form.cleaned_data["directive"], deadline=deadline,
                               corrections=form.corrections() or None, **targets)
            except ValidationError as error:
                attach_errors(form, error)
            else:
                messages.success(request, _("Routed."))
                return redirect("incoming:detail", document.pk)
    elif parent is None and document.field is not None:
        # Propose the units the field's leader supervises as main handler.
        supervised = list(document.field.units.values_list("pk", flat=True)[:1])
        if supervised:
            chosen["main"] = [f"u:{supervised[0]}"]
    files = selectors.files_of(document) if parent is None else []
    return no_store(render(request, "incoming/route.html", {
        "d": document, "form": form, "parent": parent, "candidates": candidates, "chosen": chosen,
        "given": selectors.open_tasks_at(document, parent), "scan": next((f for f in files if f.stored.kind == "pdf"),
                                                                        None),
    }), bool(document.secrecy))


# What the confirmation says after each action (never a bare "Saved.").
DONE = {
    "progress": _lazy("Progress reported."), "proposal": _lazy("Proposal sent to the person who assigned the task."),
    "contribute": _lazy("Your contribution has been sent to the main handler."), "read": _lazy("Marked as read."),
    "withdraw": _lazy("The task has been withdrawn."), "deadline": _lazy("The deadline has been changed."),
    "complete": _lazy("Handling completed."), "file": _lazy("Filed into the dossier."),
    "reopen": _lazy("The document has been reopened."),
}


@login_required
@require_POST
def action(request: PersonRequest, pk: int, verb: str) -> HttpResponse:
    person = _effective(request)
    document = selectors.get_document(person, pk)
    by: Actor = actor_from_request(request, SCOPE)
    assignment = None
    if as_id(request.POST.get("assignment")) is not None:
        assignment = document.assignments.filter(pk=int(request.POST["assignment"])).first()
        if assignment is None:
            raise Http404()
    text = request.POST.get("text", "")
    form: BaseForm
    try:
        if verb in ("progress", "proposal") and assignment:
            services.record_progress(by=by, assignment=assignment, text=text, kind=verb)
        elif verb == "contribute" and assignment:
            services.contribute(by=by, assignment=assignment, text=text)
        elif verb == "read" and assignment:
            services.mark_read(by=by, assignment=assignment)
        elif verb == "withdraw" and assignment:
            services.withdraw(by=by, assignment=assignment, reason=request.POST.get("reason", ""))
        elif verb == "deadline" and assignment:
            form = forms.DeadlineForm(request.POST)
            if not form.is_valid():
                raise ValidationError(form.errors.as_data())
            services.change_deadline(by=by, assignment=assignment, **form.cleaned_data)
        elif verb == "complete":
            form = forms.CompleteForm(request.POST, person=person)
            if not form.is_valid():
                raise ValidationError(form.errors.as_data())
            services.complete(by=by, document=document, note=form.cleaned_data["note"],
                              dossiers=list(form.cleaned_data.get("dossiers") or []))
        elif verb == "file":
            form = forms.FileIntoForm(request.POST, person=person, prefix="file")
            if not form.is_valid() or not form.cleaned_data.get("dossiers"):
                raise ValidationError({"dossiers": _("Choose at least one dossier.")})
            services.file_into(by=by, document=document, dossiers=list(form.cleaned_data["dossiers"]))
        elif verb == "reopen":
            services.reopen(by=by, document=document, reason=request.POST.get("reason", ""))
        elif verb == "delete_draft":
            services.delete_draft(by=by, document=document)
            messages.success(request, _("The draft has been deleted."))
            return redirect("incoming:list", "drafts")
        else:
            raise Http404()
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, str(DONE[verb]))
    return redirect("incoming:detail", document.pk)


@login_required
def edit(request: PersonRequest, pk: int) -> HttpResponse:
    """The clerk corrects a registered document's fields."""
    person = _effective(request)
    document = selectors.get_document(person, pk)
    if not rules.is_clerk(person, document.agency_id) or document.status == IncomingDocument.Status.DRAFT:
        raise Http404()
    form = forms.RegistrationForm(request.POST or None, agency=document.agency, initial=_initial_from(document))
    for name in ("register", "secrecy", "uploads", "attachments", "presented_to", "confirm_duplicate"):
        form.fields.pop(name)
    form.FIELDSETS = [(t, [n for n in names if n in form.fields]) for t, names in forms.RegistrationForm.FIELDSETS]
    if request.method == "POST" and form.is_valid():
        fields = {k: v for k, v in form.document_fields().items() if k != "secrecy"}
        try:
            services.update_document(by=actor_from_request(request, SCOPE), document=document, fields=fields)
        except ValidationError as error:
            attach_errors(form, error)
        else:
            messages.success(request, _("The document's details have been corrected."))
            return redirect("incoming:detail", document.pk)
    return no_store(render(request, "incoming/register.html", {"form": form, "editing": document}),
                    bool(document.secrecy))


# --- Overviews ------------------------------------------------------------------------------

@login_required
def overview(request: PersonRequest) -> HttpResponse:
    person = _effective(request)
    roles = roles_of(person)
    agency = _agency(request)
    if agency.pk in roles.leader_agency_ids:
        data = selectors.overview(person, agency_id=agency.pk)
        scope = "agency"
    elif roles.headed_unit_ids:
        data = selectors.overview(person, agency_id=agency.pk, unit_ids=roles.headed_unit_ids)
        scope = "unit"
    else:
        raise Http404()
    statuses = [(value, label, data.by_status.get(value, 0)) for value, label in IncomingDocument.Status.choices
                if value != IncomingDocument.Status.DRAFT]
    return render(request, "incoming/overview.html", {"o": data, "scope": scope, "statuses": statuses,
                                                      "urgencies": Urgency})
