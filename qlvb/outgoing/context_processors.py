from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from qlvb.core.actor import effective_person
from qlvb.outgoing.selectors import counts


def outgoing_counts(request: HttpRequest) -> dict[str, Any]:
    if not getattr(request, "user", None) or not request.user.is_authenticated:
        return {}
    person = effective_person(request, "outgoing")
    return {"outgoing_counts": SimpleLazyObject(lambda: counts(person))}
