from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from django.utils.functional import SimpleLazyObject

from qlvb.core import personcache
from qlvb.core.actor import effective_person
from qlvb.incoming.selectors import counts


def incoming_counts(request: HttpRequest) -> dict[str, Any]:
    if not getattr(request, "user", None) or not request.user.is_authenticated:
        return {}
    person = effective_person(request, "incoming")
    # Kept until the next event (core.personcache), and for the day only: lateness depends on the date.
    return {"incoming_counts": SimpleLazyObject(lambda: personcache.cached(
        "incoming-counts", person.pk, lambda: counts(person), timezone.localdate()))}
