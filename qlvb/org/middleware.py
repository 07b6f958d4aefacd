from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from qlvb.org.http import OrgRequest
from qlvb.org.models import Person
from qlvb.org.selectors import delegations_for_delegate

ACTING_SESSION_KEY = "acting_delegation"


class ActingAsMiddleware:
    """While a delegate has chosen to act for a delegator, request.acting_for is the delegator.

    Checked on every request, so a delegation that ends or is revoked stops working at once.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: OrgRequest) -> HttpResponse:
        request.acting_for = None
        request.acting_delegation = None
        delegation_id = request.session.get(ACTING_SESSION_KEY) if hasattr(request, "session") else None
        if delegation_id and isinstance(request.user, Person):  # signed in
            match = [d for d in delegations_for_delegate(request.user) if d.pk == delegation_id]
            if match:
                request.acting_delegation = match[0]
                request.acting_for = match[0].delegator
            else:
                del request.session[ACTING_SESSION_KEY]
        return self.get_response(request)
