"""The agency an organisation page works on, for org's pages and the account pages beside them."""

from __future__ import annotations

from django.http import Http404

from qlvb.core.text import as_id
from qlvb.org import permissions
from qlvb.org.http import PersonRequest
from qlvb.org.models import Agency


def own_agency(request: PersonRequest) -> Agency:
    """The agency a page works on: the person's own; an installation administrator picks any
    with ?agency=<id> (remembered for the session)."""
    if permissions.is_installation_admin(request.user):
        chosen = request.GET.get("agency") or request.session.get("admin_agency")
        chosen_id = as_id(chosen)
        if chosen_id is not None:
            agency = Agency.objects.filter(pk=chosen_id).first()
            if agency:
                request.session["admin_agency"] = agency.pk
                return agency
    agency = request.user.agency
    if agency is None:
        raise Http404()
    return agency


def managed_agency(request: PersonRequest) -> Agency:
    agency = own_agency(request)
    if not permissions.can_manage_agency(request.user, agency):
        raise Http404()
    return agency
