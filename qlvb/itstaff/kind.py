"""IT reports and IT incidents as document kinds (core.kinds): who may open them and what search
finds of them. Registered in ItstaffConfig.ready(); search, the audit log and the statistics ask
these rules, the IT staff pages and API ask rules.may_see — the same people:

- the reporting agency's leaders and office (rules.managed_agency_ids), who write its reports and
  report its incidents;
- everyone of the Department (Sở TT&TT, the parameter `itstaff.department_agency`), over every
  agency;
- nobody else (a colleague in another unit, the agency's clerks outside the office, the
  province's leaders).

Neither has secrecy: the grants hold nothing back."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from qlvb.core import kinds, personcache
from qlvb.core.kinds import Grant, Rule
from qlvb.itstaff import rules
from qlvb.itstaff.models import Incident, Report
from qlvb.org import permissions
from qlvb.org.models import Agency

REPORT, INCIDENT = "itreport", "itincident"


def rule(person: Any) -> Rule:
    """rules.may_see as data, for reports and incidents alike. Kept on the person's object for the
    request (search asks both kinds; the Department's people read every agency's id once)."""
    if person is None or not getattr(person, "pk", None):
        return Rule(agencies=frozenset())
    found: Rule | None = person.__dict__.get("_itstaff_rule")
    if found is not None:
        return found
    # The Department's id, kept between requests until the next event (the parameter's change is
    # one): search asks every kind's rule on each request, and no page but the Department's needs it.
    department = personcache.cached("itstaff-department", 0, lambda: rules.department_id() or 0)
    if rules.is_department(person, department):
        every = frozenset(Agency.objects.values_list("pk", flat=True))
        found = Rule(agencies=every, grants=(Grant(every, secret=True),))
    else:
        managed = rules.managed_agency_ids(person)
        found = Rule(agencies=frozenset(permissions.member_agency_ids(person)),
                     grants=(Grant(frozenset(managed), secret=True),) if managed else ())
    person.__dict__["_itstaff_rule"] = found
    return found


def _none(_document: Any) -> dict[int, str]:
    return {}  # neither carries files


def _holding_none(_stored_file_id: int) -> set[int]:
    return set()


# --- Reports -------------------------------------------------------------------------------------

def load_report(report_id: int) -> Report | None:
    return Report.objects.select_related("template", "agency").filter(pk=report_id).first()


def report_values(report: Report, texts: Callable[[Iterable[int]], dict[int, str]]) -> dict[str, Any]:
    """The round's title, the agency, the answers and what the Department asked to complete."""
    return {
        "agency_id": report.agency_id, "doc_type": "", "issuer": report.agency.name[:200], "register_id": None,
        "date": timezone.localdate(report.submitted_at) if report.submitted_at else report.template.deadline,
        "urgency": "", "secrecy": "", "status": report.status, "unit_id": None, "reference": "",
        "title": report.template.title[:600],
        "body": [*[str(v) for v in (report.answers or {}).values()], report.returned_reason],
    }


def report_url(report_id: int) -> str:
    return reverse("itstaff:report", args=[report_id])


# --- Incidents -----------------------------------------------------------------------------------

def load_incident(incident_id: int) -> Incident | None:
    return Incident.objects.select_related("agency").filter(pk=incident_id).first()


def incident_values(incident: Incident, texts: Callable[[Iterable[int]], dict[int, str]]) -> dict[str, Any]:
    """Its title, the agency, the impact and the handling; its kind as the index's status."""
    return {
        "agency_id": incident.agency_id, "doc_type": "", "issuer": incident.agency.name[:200], "register_id": None,
        "date": timezone.localdate(incident.occurred_at), "urgency": "", "secrecy": "", "status": incident.kind,
        "unit_id": None, "reference": "", "title": incident.title[:600], "body": [incident.impact, incident.handling],
    }


def incident_url(incident_id: int) -> str:
    return reverse("itstaff:incident", args=[incident_id])


REPORT_KIND = kinds.DocumentKind(
    name=REPORT, model="itstaff.Report", label=_("IT report"), rule=rule, files=_none, holding=_holding_none,
    index_values=report_values, load=load_report, url=report_url, verb_prefix="itstaff.report_",
    # A reminder names the round, not a report; saving a draft changes its answers (indexed).
    quiet_verbs=frozenset({"itstaff.report_reminder"}),
)
INCIDENT_KIND = kinds.DocumentKind(
    name=INCIDENT, model="itstaff.Incident", label=_("IT incident"), rule=rule, files=_none,
    holding=_holding_none, index_values=incident_values, load=load_incident, url=incident_url,
    status_field="kind", verb_prefix="itstaff.incident_",
)
