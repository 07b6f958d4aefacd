from __future__ import annotations

from typing import Any

from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.utils.translation import get_language

from qlvb.core import personcache
from qlvb.org import permissions
from qlvb.org.http import OrgRequest, signed_in
from qlvb.org.roles import roles_of
from qlvb.org.selectors import delegations_for_delegate, delegations_to_approve

_SECTIONS = {
    "home": "home", "directory": "directory", "unit": "directory", "person": "people", "people": "people",
    "person_create": "people", "delegations": "delegations", "delegation": "delegations",
    "calendar": "calendar", "audit": "audit", "agency": "agency", "agency_edit": "agency",
    "fields": "fields", "field_edit": "fields", "signing_edit": "fields", "agencies": "agencies",
    "health_page": "health",
    "hub": "administration", "parameters": "administration", "flow_home": "administration", "flow": "administration",
    # By namespaced name where the URL name alone says too little.
    "backups:list": "backups",
    "schedules:home": "schedules", "schedules:calendar": "schedules", "schedules:entry": "schedules",
    "schedules:entry_new": "schedules", "schedules:feeds": "schedules", "schedules:invitation": "schedules",
    "meetings:home": "meetings", "meetings:list": "meetings", "meetings:new": "meetings",
    "meetings:detail": "meetings", "meetings:edit": "meetings", "meetings:notice": "meetings",
    "meetings:action": "meetings",
    "programmes:home": "programmes", "programmes:new": "programmes", "programmes:detail": "programmes",
    "programmes:item_new": "programmes", "programmes:item_edit": "programmes", "programmes:review": "programmes",
    "programmes:fields": "programme_fields",
    "reports:home": "reports", "reports:new": "reports", "reports:received": "reports", "reports:detail": "reports",
    "reports:edit": "reports",
    "messages:home": "messages", "messages:folder": "messages", "messages:new": "messages",
    "messages:detail": "messages", "messages:action": "messages",
    "consultations:home": "consultations", "consultations:list": "consultations", "consultations:new": "consultations",
    "consultations:detail": "consultations", "consultations:results": "consultations",
    "consultations:meeting_requests": "meet_director", "consultations:meeting_request": "meet_director",
    "notices:home": "notices", "notices:list": "notices", "notices:new": "notices", "notices:detail": "notices",
    "disclosures:home": "disclosures", "disclosures:new": "disclosures", "disclosures:detail": "disclosures",
    "chat:home": "chat", "chat:room": "chat", "chat:post": "chat",
    "itstaff:home": "itstaff", "itstaff:agency": "itstaff", "itstaff:staff_new": "itstaff", "itstaff:staff": "itstaff",
    "itstaff:reports": "itstaff_reports", "itstaff:template_new": "itstaff_reports", "itstaff:round": "itstaff_reports",
    "itstaff:write": "itstaff_reports", "itstaff:report": "itstaff_reports",
    "itstaff:incidents": "itstaff_incidents", "itstaff:incident_new": "itstaff_incidents",
    "itstaff:incident": "itstaff_incidents",
    "statistics:dashboard": "statistics", "statistics:table": "statistics", "statistics:items": "statistics",
}


def _section(request: OrgRequest) -> str:
    match = request.resolver_match
    if match is None:
        return ""
    return _SECTIONS.get(match.view_name) or _SECTIONS.get(match.url_name or "", "")


def _navigation(request: OrgRequest) -> dict[str, Any]:
    person = signed_in(request.user)  # navigation() asks for the menu only when someone is signed in
    effective = getattr(request, "acting_for", None) or person
    return {
        "agency": person.agency,
        "roles": roles_of(effective),
        "is_admin": permissions.can_manage_agency(person, person.agency_id),
        "acting_for": getattr(request, "acting_for", None),
        "acting_delegation": getattr(request, "acting_delegation", None),
        "acting_options": delegations_for_delegate(person),
        "to_approve": (to_approve := delegations_to_approve(effective)),
        "pending_approvals": len(to_approve),
        "section": _section(request),
    }


def _sidebar_key(request: OrgRequest) -> str:
    """What the side menu (core/_nav.html, cached whole in base.html) depends on: who, for whom,
    which section is open, the language, the date (lateness), and the stamp of the last event
    (core.personcache) for everything else it shows (roles, counts, approvals)."""
    person = signed_in(request.user)
    effective = getattr(request, "acting_for", None) or person
    return (f"{person.pk}.{effective.pk}.{_section(request)}.{get_language()}.{timezone.localdate().isoformat()}."
            f"{personcache.stamp()}")


def navigation(request: OrgRequest) -> dict[str, Any]:
    if not getattr(request, "user", None) or not request.user.is_authenticated:
        return {}
    # Lazy: pages that never touch the menu (API, downloads) pay no queries for it.
    return {"nav": SimpleLazyObject(lambda: _navigation(request)),
            "sidebar_key": SimpleLazyObject(lambda: _sidebar_key(request))}
