"""Leave requests as a document kind (core.kinds): who may open them and what search finds of them.
Registered in LeaveConfig.ready(); search, the audit log and the statistics ask this rule, the
leave pages and API ask rules.may_see — the same people (tests/test_leave_kind.py checks they agree):

- the person who asked, the approver named on the request and whoever decided it;
- the agency's office (Văn phòng, which keeps the leave register, 001 Đ18.3);
- nobody else: not a colleague, not a leader who is not its approver. A request's reason and its
  kind (sick leave) are private.

Like every kind's rule, it opens only requests of the agencies the person belongs to: a person who
has left the agency finds his old requests on his leave page, no longer through search.
A request has no secrecy column: the office's grant holds nothing back."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django.db.models import F, QuerySet
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from qlvb.core import kinds
from qlvb.core.kinds import Grant, Rule
from qlvb.leave.models import LeaveRequest
from qlvb.org import permissions
from qlvb.org.roles import office_agency_ids

NAME = "leave"


def _as_access(requests: QuerySet[LeaveRequest]) -> QuerySet[LeaveRequest]:
    return requests.order_by().annotate(document_id=F("pk"))


def rule(person: Any) -> Rule:
    """rules.may_see as data: the person's own requests, those he approves or decided (each an
    indexed column), and the office's agencies whole."""
    if person is None or not getattr(person, "pk", None):
        return Rule(agencies=frozenset())
    access = (
        _as_access(LeaveRequest.objects.filter(person_id=person.pk)),
        _as_access(LeaveRequest.objects.filter(approver_id=person.pk)),
        _as_access(LeaveRequest.objects.filter(decided_by_id=person.pk)),
    )
    office = office_agency_ids(person)
    return Rule(agencies=frozenset(permissions.member_agency_ids(person)),
                grants=(Grant(frozenset(office), secret=True),) if office else (), access=access)


def load(request_id: int) -> LeaveRequest | None:
    return LeaveRequest.objects.select_related("person").filter(pk=request_id).first()


def files(request: LeaveRequest) -> dict[int, str]:
    return {}  # a request carries no file


def holding(stored_file_id: int) -> set[int]:
    return set()


def index_values(request: LeaveRequest, texts: Callable[[Iterable[int]], dict[int, str]]) -> dict[str, Any]:
    """The person's name and the dates (title), the reasons and the decision's note (body): found
    only by whoever the rule lets open the request."""
    days = f"{request.start:%d/%m/%Y}–{request.end:%d/%m/%Y}"
    return {
        "agency_id": request.agency_id, "doc_type": "", "issuer": "", "register_id": None,
        "date": request.start, "urgency": "", "secrecy": "", "status": request.status,
        "unit_id": request.unit_id, "reference": days[:60],
        "title": f"{request.person.full_name} – {request.get_kind_display()}"[:600],
        "body": [request.reason, request.emergency_reason, request.decision_note],
    }


def url(request_id: int) -> str:
    return reverse("leave:detail", args=[request_id])


KIND = kinds.DocumentKind(
    name=NAME, model="leave.LeaveRequest", label=_("Leave request"), rule=rule, files=files, holding=holding,
    index_values=index_values, load=load, url=url,
    # The register's export is about the agency, not a request; nothing else of leave is a read.
    quiet_verbs=frozenset(),
)
