"""Who is doing something: the person at the keyboard, and whose authority they use."""

from __future__ import annotations

import contextvars
import ipaddress
from dataclasses import dataclass
from typing import Any

# The person model belongs to org, which sits above the kernel: core names no app of ours, so
# for it a person is any object (the user model, in practice).
Person = Any


@dataclass(frozen=True)
class Actor:
    person: Person | None
    on_behalf_of: Person | None = None
    ip: str | None = None

    @property
    def effective(self) -> Person | None:
        """The person whose work authority applies: the delegator while acting on their behalf.

        Administration rights are never taken from a delegation: they belong to the account
        (R4: nobody uses another's account), so administrative services check `person`.
        """
        return self.on_behalf_of or self.person

    @classmethod
    def system(cls) -> Actor:
        return cls(person=None)


# The request's client address, set by middleware, so services deep in a call can record it
# without every signature carrying the request.
request_ip: contextvars.ContextVar[str | None] = contextvars.ContextVar("request_ip", default=None)


def acting_for(request: Any, scope: str | None = None) -> Person | None:
    """The delegator the person acts for, if the delegation covers this part of the work
    (scope "incoming", "outgoing", "unit"; a delegation of "all" covers every part)."""
    delegation = getattr(request, "acting_delegation", None)
    if delegation is None:
        return None
    if scope is None or "all" in delegation.scopes or scope in delegation.scopes:
        return delegation.delegator
    return None


def effective_person(request: Any, scope: str | None = None) -> Person:
    return acting_for(request, scope) or request.user


def actor_from_request(request: Any, scope: str | None = None) -> Actor:
    return Actor(
        person=request.user if request.user.is_authenticated else None,
        on_behalf_of=acting_for(request, scope),
        ip=client_ip(request),
    )


def client_ip(request: Any) -> str | None:
    """The client's address. Behind our own proxies (QLVB_PROXY_HOPS), the entry they appended to
    X-Forwarded-For; the entries left of it are the client's own say and are not trusted."""
    from django.conf import settings

    hops = getattr(settings, "QLVB_PROXY_HOPS", 0)
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    if hops > 0 and len(forwarded) >= hops:
        try:
            return str(ipaddress.ip_address(forwarded[-hops]))
        except ValueError:
            pass
    return request.META.get("REMOTE_ADDR") or None
