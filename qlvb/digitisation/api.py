"""REST endpoints: the text-reading status of a document's files, their text, and re-running.

``/api/v1/digitisation/{app}/{document}/files/`` where app is ``incoming`` or ``outgoing``. The
document's own selector decides visibility (404 otherwise, like a document that does not exist);
a file that is not one of the document's files is a 404 too. Re-running is for the agency's
clerks (and an outgoing draft's drafter). The API acts as the caller themself (no delegation)."""

from __future__ import annotations

from typing import Any

from django.http import Http404
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.decorators import api_view
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response

from qlvb.core import kinds
from qlvb.core.actor import Actor, client_ip
from qlvb.core.api import ObjectId
from qlvb.digitisation import selectors, services
from qlvb.digitisation.models import TextExtraction
from qlvb.digitisation.views import may_rerun
from qlvb.files.models import StoredFile

NOT_FOUND = OpenApiResponse(description="No such document visible to the caller, no such file on it, or the caller "
                                        "may not do this.")
APP = OpenApiParameter("app", OpenApiTypes.STR, OpenApiParameter.PATH,
                       enum=sorted(kind.name for kind in kinds.all_kinds()),  # filled by the apps' ready()
                       description="the kind of document: incoming or outgoing documents")


class FileExtractionSerializer(serializers.Serializer):
    stored_file = ObjectId(help_text="Id of the stored file (as in the document's files).")
    name = serializers.CharField()
    status = serializers.ChoiceField(choices=[*TextExtraction.Status.choices, ("none", "not requested")])
    method = serializers.ChoiceField(choices=TextExtraction.Method.choices, allow_null=True)
    pages_total = serializers.IntegerField()
    pages_done = serializers.IntegerField()
    failed_pages = serializers.ListField(child=serializers.IntegerField(), help_text="1-based page numbers")
    doubtful_pages = serializers.ListField(child=serializers.IntegerField(),
                                           help_text="1-based pages OCR read with low confidence, to be checked")
    error = serializers.CharField(allow_blank=True, help_text="For the person, in their language.")
    attempts = serializers.IntegerField()
    updated_at = serializers.DateTimeField(allow_null=True)
    searchable_pdf = serializers.CharField(allow_null=True, help_text="URL of the searchable PDF, if any.")
    text_url = serializers.CharField(allow_null=True)


class TextSerializer(serializers.Serializer):
    stored_file = serializers.IntegerField()
    status = serializers.CharField()
    text = serializers.CharField(allow_blank=True, help_text="NFC plain text; pages separated by a form feed.")
    doubtful_pages = serializers.ListField(
        child=serializers.IntegerField(),
        help_text="Pages (from 1) OCR read with low confidence: to be checked; left out of the search index.")


def _item(app: str, doc: int, stored: int, name: str, x: TextExtraction | None) -> dict[str, Any]:
    args = (app, doc, stored)
    return {
        "stored_file": stored, "name": name, "status": x.status if x else "none",
        "method": x.method if x else None, "pages_total": x.pages_total if x else 0,
        "pages_done": x.pages_done if x else 0, "failed_pages": x.failed_pages if x else [],
        "doubtful_pages": x.doubtful_pages if x else [],
        "error": x.error if x else "", "attempts": x.attempts if x else 0,
        "updated_at": x.updated_at if x else None,
        "searchable_pdf": reverse("digitisation:searchable", args=args) if x and x.searchable_file_id else None,
        "text_url": reverse("api-digitisation-text", args=args) if x and x.has_text else None,
    }


def _check_app(app: str) -> None:
    if app not in {kind.name for kind in kinds.all_kinds()}:
        raise NotFound()


@extend_schema(operation_id="digitisation_files", parameters=[APP],
               responses={200: FileExtractionSerializer(many=True), 404: NOT_FOUND},
               summary="Text-reading status of every file of a document")
@api_view(["GET"])
def files(request: Request, app: str, doc: int) -> Response:
    _check_app(app)
    try:
        _document, names = selectors.document_and_files(request.user, app, doc)
    except Http404 as error:
        raise NotFound() from error
    rows = selectors.extractions_for(names)
    return Response([_item(app, doc, pk, name, rows.get(pk)) for pk, name in names.items()])


@extend_schema(operation_id="digitisation_text", parameters=[APP], responses={200: TextSerializer, 404: NOT_FOUND},
               summary="The text read from one file of a document")
@api_view(["GET"])
def text(request: Request, app: str, doc: int, stored: int) -> Response:
    _check_app(app)
    try:
        _document, _name, x = selectors.get_extraction(request.user, app, doc, stored)
    except Http404 as error:
        raise NotFound() from error
    return Response({"stored_file": stored, "status": x.status if x else "none",
                     "text": selectors.full_text_of([stored]).get(stored, ""),
                     "doubtful_pages": x.doubtful_pages if x else []})


@extend_schema(operation_id="digitisation_rerun", parameters=[APP], request=None,
               responses={202: FileExtractionSerializer, 404: NOT_FOUND},
               summary="Read the text of one file again (queued)")
@api_view(["POST"])
def rerun(request: Request, app: str, doc: int, stored: int) -> Response:
    _check_app(app)
    try:
        document, name, x = selectors.get_extraction(request.user, app, doc, stored)
    except Http404 as error:
        raise NotFound() from error
    if not may_rerun(request.user, app, document):
        raise NotFound()
    if x is None:
        x = services.request_extraction(StoredFile.objects.get(pk=stored), force=True)
    x = services.rerun(by=Actor(person=request.user, ip=client_ip(request)), extraction=x,
                       agency=document.agency_id, target=document)
    return Response(_item(app, doc, stored, name, x), status=202)
