"""Pages of the digitisation app: a file's reading status (an htmx fragment on the document
page), its searchable PDF and text, re-running the reading, and suggested registration fields
from a scan the clerk has just chosen on the registration form.

Every URL names the document (incoming or outgoing) and the stored file; the document's own
selector decides whether the person may see it (404 otherwise) and the file must be one of
that document's files (404 otherwise), so nothing is reachable by a file id alone."""

from __future__ import annotations

from collections.abc import Set as AbstractSet
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from qlvb.core import kinds
from qlvb.core.actor import actor_from_request, effective_person
from qlvb.core.http import no_store
from qlvb.digitisation import engine, selectors, services
from qlvb.digitisation.suggest import doubtful, suggest_incoming_fields
from qlvb.files.views import file_response
from qlvb.org.http import PersonRequest
from qlvb.org.models import Person
from qlvb.org.roles import roles_of


def is_clerk(person: Any, agency_id: int) -> bool:
    return person is not None and agency_id in roles_of(person).clerk_agency_ids


def _person(request: PersonRequest, app: str) -> Person:
    if app not in {kind.name for kind in kinds.all_kinds()}:
        raise Http404()
    return effective_person(request, app)


def may_rerun(person: Any, app: str, document: Any) -> bool:
    """The agency's clerks (and, for a draft, its drafter) may ask for a file to be read again."""
    if is_clerk(person, document.agency_id):
        return True
    return person is not None and getattr(document, "drafter_id", None) == person.pk


@login_required
def status(request: PersonRequest, app: str, doc: int, stored: int) -> HttpResponse:
    person = _person(request, app)
    document, _name, extraction = selectors.get_extraction(person, app, doc, stored)
    return render(request, "digitisation/_status.html", {
        "x": extraction, "app": app, "doc": doc, "stored": stored,
        "may_rerun": may_rerun(person, app, document)})


@login_required
def searchable(request: PersonRequest, app: str, doc: int, stored: int) -> HttpResponseBase:
    person = _person(request, app)
    document, name, extraction = selectors.get_extraction(person, app, doc, stored)
    if extraction is None or extraction.searchable_file is None:
        raise Http404()
    stem = name.rsplit(".", 1)[0] if "." in name else name
    return file_response(request, extraction.searchable_file, filename=f"{stem} (tìm kiếm được).pdf",
                         inline=request.GET.get("download") != "1", secret=bool(document.secrecy))


@login_required
def text(request: PersonRequest, app: str, doc: int, stored: int) -> HttpResponse:
    person = _person(request, app)
    document, name, extraction = selectors.get_extraction(person, app, doc, stored)
    body = selectors.full_text_of([stored]).get(stored, "")
    doubtful = set(extraction.doubtful_pages) if extraction else set()
    pages = [(n, page, n in doubtful) for n, page in enumerate(body.split(engine.PAGE_SEPARATOR), start=1)]
    return no_store(render(request, "digitisation/text.html", {
        "document": document, "name": name, "x": extraction, "pages": pages,
        "back": f"/{app}/{doc}/"}), bool(document.secrecy))


@login_required
@require_POST
def rerun(request: PersonRequest, app: str, doc: int, stored: int) -> HttpResponse:
    person = _person(request, app)
    document, _name, extraction = selectors.get_extraction(person, app, doc, stored)
    if not may_rerun(person, app, document):
        raise Http404()
    if extraction is None:
        from qlvb.files.models import StoredFile

        extraction = services.request_extraction(StoredFile.objects.get(pk=stored), force=True)
    extraction = services.rerun(by=actor_from_request(request, app), extraction=extraction,
                                agency=document.agency_id, target=document)
    if request.htmx:
        return status(request, app, doc, stored)
    return redirect(f"/{app}/{doc}/")


@login_required
def queue(request: PersonRequest) -> HttpResponse:
    """Progress of the reading of incoming scans (a batch of registrations), for clerks."""
    person = effective_person(request, "incoming")
    agency = request.user.agency
    if agency is None or not is_clerk(person, agency.pk):
        raise Http404()
    counts, rows = selectors.incoming_queue(person)
    active = counts.get("pending", 0) + counts.get("running", 0)
    template = "digitisation/_queue.html" if request.htmx else "digitisation/queue.html"
    return render(request, template, {"counts": counts, "rows": rows, "active": active})


# --- Suggestions on the registration form -----------------------------------------------------

@login_required
@require_POST
def suggest(request: PersonRequest) -> HttpResponse:
    """Read the first page of the scan the clerk has chosen (not stored: nothing is saved) and
    offer the registration fields found in it, each applied only when the clerk clicks it."""
    from qlvb.files.services import check_upload
    from qlvb.org.models import Agency

    person = effective_person(request, "incoming")
    agency = request.user.agency
    if agency is None or not is_clerk(person, agency.pk):
        raise Http404()
    uploads = request.FILES.getlist("uploads")
    context: dict[str, Any] = {"suggestions": [], "error": ""}
    if not uploads:
        context["error"] = _("Choose the scanned document first.")
        return render(request, "digitisation/_suggestions.html", context)
    upload = uploads[0]
    try:
        kind = check_upload(upload)
    except Exception as error:  # noqa: BLE001 - ValidationError: shown as it is
        context["error"] = " ".join(getattr(error, "messages", [str(error)]))
        return render(request, "digitisation/_suggestions.html", context)
    upload.seek(0)
    read = engine.quick_read(upload.read(), kind, pages=1)
    found_text = read.text
    agencies = Agency.objects.filter(is_active=True).exclude(pk=agency.pk).only("pk", "name", "abbreviation")
    from qlvb.org.models import DirectoryAgency

    directory = DirectoryAgency.objects.filter(is_current=True).only("code", "name")
    found = suggest_incoming_fields(found_text, agencies, directory)
    marked = doubtful(found)
    if read.confidence is not None and read.confidence < engine.low_confidence():
        # A poor scan: every value is a guess, none goes in by "use all".
        marked = set(found)
        context["warning"] = _("The first page was not read with certainty (confidence %(n)s%%): "
                               "check every value against the scan.") % {"n": round(read.confidence)}
    context["suggestions"] = _as_choices(found, marked)
    if not context["suggestions"]:
        context["error"] = _("Nothing could be read from the first page; type the fields yourself.")
    return render(request, "digitisation/_suggestions.html", context)


def _as_choices(found: dict[str, Any], marked: AbstractSet[str] = frozenset()) -> list[dict[str, Any]]:
    from qlvb.core.doctypes import DOCUMENT_TYPE_NAMES

    labels = {"number": _("Number"), "notation": _("Notation"), "document_date": _("Document date"),
              "doc_type": _("Document type"), "issuer_agency": _("Issuing agency (directory)"),
              "issuer_name": _("Issuing agency"), "issuer_code": _("Issuing agency code"), "summary": _("Summary"),
              "signer_name": _("Signer")}
    out = []
    for field, label in labels.items():
        if field not in found:
            continue
        value = found[field]
        if field == "document_date":
            shown = stored = value.strftime("%d/%m/%Y")
        elif field == "doc_type":
            stored, shown = value, DOCUMENT_TYPE_NAMES.get(value, value)
        elif field == "issuer_agency":
            stored, shown = str(value.pk), value.name
        else:
            stored = shown = str(value)
        out.append({"field": field, "label": str(label), "value": stored, "shown": shown,
                    "doubtful": field in marked})
    return out
