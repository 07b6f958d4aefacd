"""``{% extraction_status "incoming" d.pk f.stored_id %}``: the text-reading status of one file
of a document page (badge, searchable PDF, re-run), polling with htmx while it runs."""

from __future__ import annotations

from django import template

from qlvb.digitisation.models import TextExtraction

register = template.Library()


@register.inclusion_tag("digitisation/_status.html", takes_context=True)
def extraction_status(context, app: str, document_pk: int, stored_file_pk: int) -> dict:
    extraction = (TextExtraction.objects.filter(stored_file_id=stored_file_pk).defer("text")
                  .select_related("searchable_file").first())
    return {"x": extraction, "app": app, "doc": document_pk, "stored": stored_file_pk,
            "may_rerun": _may_rerun(context, app),
            "csrf_token": context.get("csrf_token")}


def _may_rerun(context, app: str) -> bool:
    """Clerks of the document's agency (the page knows: ``is_clerk``) and an outgoing draft's drafter."""
    if context.get("is_clerk"):
        return True
    document, request = context.get("d"), context.get("request")
    return (app == "outgoing" and document is not None and request is not None
            and getattr(document, "drafter_id", None) == getattr(request.user, "pk", None))
