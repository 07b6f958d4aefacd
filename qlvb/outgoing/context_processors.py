from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from django.utils.functional import SimpleLazyObject

from qlvb.core import personcache
from qlvb.core.actor import effective_person
from qlvb.outgoing.selectors import counts


def outgoing_counts(request: HttpRequest) -> dict[str, Any]:
    if not getattr(request, "user", None) or not request.user.is_authenticated:
        return {}
    person = effective_person(request, "outgoing")
    # Kept until the next event (core.personcache), and for the day only: lateness depends on the date.
    return {"outgoing_counts": SimpleLazyObject(lambda: personcache.cached(
        "outgoing-counts", person.pk, lambda: counts(person), timezone.localdate()))}
