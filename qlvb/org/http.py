"""The request as the views see it, for the type checker: what the middleware put on it.

Django types `request.user` as "a user or AnonymousUser" and knows nothing of the attributes our
middleware and django-htmx add. Views behind `login_required` annotate `request: PersonRequest`;
code that also serves anonymous visitors uses `OrgRequest`. Nothing here exists at run time
beyond the plain HttpRequest: these classes only describe it.
"""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django_htmx.middleware import HtmxDetails

from qlvb.org.models import Delegation, Person


class OrgRequest(HttpRequest):
    user: Person | AnonymousUser
    acting_for: Person | None  # set by org.middleware.ActingAsMiddleware
    acting_delegation: Delegation | None
    htmx: HtmxDetails  # set by django_htmx's middleware


class PersonRequest(OrgRequest):
    """A request that passed `login_required`: the user is a signed-in person."""

    user: Person


def signed_in(user: Person | AnonymousUser) -> Person:
    """The person behind a request that must be signed in (a REST endpoint's `request.user`)."""
    if not isinstance(user, Person):
        raise PermissionDenied
    return user
