"""REST search (R28): `GET /api/v1/search/?q=…&filters…`, the same search as the page, with the
caller's own rights (never a delegator's): a document the caller may not open is never counted,
listed or quoted. Any `q` is accepted (quotes, operators, emoji, SQL, any length): only its letters
and digits are looked for."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.decorators import api_view
from rest_framework.request import Request
from rest_framework.response import Response

from qlvb.core import kinds
from qlvb.org.http import signed_in
from qlvb.search import selectors
from qlvb.search.forms import SearchForm
from qlvb.search.views import MESSAGES

KINDS = [kind.name for kind in kinds.all_kinds()]  # filled by the apps' ready(): incoming, outgoing, dossier…


class HitSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=KINDS, source="entry.kind")
    kind_label = serializers.CharField(source="entry.kind_label", help_text="The kind's name, translated.")
    document_id = serializers.IntegerField(source="entry.document_id")
    url = serializers.CharField(help_text="The document's page.")
    api_url = serializers.SerializerMethodField()
    reference = serializers.CharField(source="entry.reference",
                                      help_text="Number and notation, e.g. 15/QĐ-UBND; a dossier's code.")
    title = serializers.CharField(source="entry.title", help_text="The summary (trích yếu); a dossier's title.")
    title_html = serializers.CharField(help_text="The summary, HTML-escaped, matching words in <mark>.")
    snippet_html = serializers.CharField(help_text="Where the words were found, HTML-escaped, in <mark>.")
    date = serializers.DateField(source="entry.date")
    doc_type = serializers.CharField(source="entry.doc_type")
    issuer = serializers.CharField(source="entry.issuer")
    status = serializers.CharField(source="entry.status")
    urgency = serializers.CharField(source="entry.urgency")
    secrecy = serializers.CharField(source="entry.secrecy")
    rank = serializers.FloatField()

    def get_api_url(self, hit: Any) -> str | None:
        if hit.entry.kind == "incoming":
            return f"/api/v1/incoming/documents/{hit.entry.document_id}/"
        return None


class SearchResponseSerializer(serializers.Serializer):
    count = serializers.IntegerField(help_text="Documents found, counted up to 1000.")
    capped = serializers.BooleanField(help_text="True when there are more than `count`.")
    page = serializers.IntegerField()
    pages = serializers.IntegerField()
    fuzzy = serializers.BooleanField(help_text="No exact match: these are similar documents.")
    message = serializers.CharField(allow_blank=True)
    suggestion = serializers.CharField(allow_blank=True, help_text=(
        "Nothing matched as typed and these results are for a word one keystroke away: the query "
        "to search again (\"Có phải bạn muốn tìm\"), written as the first result spells it; empty otherwise."))
    results = HitSerializer(many=True)


PARAMETERS = [
    OpenApiParameter("q", str, description="Words (accents optional: `don doc` = `đôn đốc`; typed with accents, "
                                           "the documents spelling them so come first), a phrase in double "
                                           "quotes, a prefix with `*`."),
    OpenApiParameter("kind", str, enum=KINDS),
    OpenApiParameter("doc_type", str, description="Document type code, e.g. QĐ, CV."),
    OpenApiParameter("issuer", str, description="Part of the issuing agency's name (accents optional)."),
    OpenApiParameter("register", int), OpenApiParameter("unit", int),
    OpenApiParameter("date_from", str, description="dd/mm/yyyy or yyyy-mm-dd"),
    OpenApiParameter("date_to", str, description="dd/mm/yyyy or yyyy-mm-dd"),
    OpenApiParameter("urgency", str, enum=["khan", "thuong_khan", "hoa_toc"]),
    OpenApiParameter("secrecy", str, enum=["mat", "toi_mat", "tuyet_mat"]),
    OpenApiParameter("status", str), OpenApiParameter("sort", str, enum=list(selectors.SORTS)),
    OpenApiParameter("page", int), OpenApiParameter("page_size", int, description="1–100, default 20."),
]


def _int(value: Any, default: int, low: int, high: int) -> int:
    try:
        return max(low, min(int(value), high))
    except (TypeError, ValueError):
        return default


@extend_schema(summary="Search documents", parameters=PARAMETERS, tags=["search"], responses={
    200: SearchResponseSerializer,
    400: OpenApiResponse(description="An invalid filter: `{field: [messages]}`."),
})
@api_view(["GET"])
def search(request: Request) -> Response:
    """Documents of every kind (incoming, outgoing, dossiers…) the caller may open matching the words
    and the filters, most relevant first (or by date), with the matching words highlighted."""
    person = signed_in(request.user)
    form = SearchForm(request.query_params, person=person)
    if not form.is_valid():
        return Response(form.errors, status=400)
    per_page = _int(request.query_params.get("page_size"), selectors.PER_PAGE, 1, 100)
    results = selectors.search(person, form.cleaned_data.get("q", ""), filters=form.filters(),
                               sort=form.cleaned_data.get("sort") or "relevance",
                               page=_int(request.query_params.get("page"), 1, 1, 10_000), per_page=per_page)
    return Response({
        "count": results.total, "capped": results.capped, "page": results.page, "pages": results.pages,
        "fuzzy": results.fuzzy, "message": str(MESSAGES.get(results.message, "")),
        "suggestion": results.suggestion,
        "results": HitSerializer(results.hits, many=True, context={"request": request}).data,
    })
