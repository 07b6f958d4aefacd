"""Who may see and manage the IT staff registry, reports and incidents.

- An agency's leaders and its office (Văn phòng, where 004 Đ5.1 places the IT staff) manage its
  registry, write and submit its reports and report its incidents.
- The Department (the agency named by the parameter `itstaff.department_agency`, 004 Đ9): its
  people see every agency's registry, reports and incidents; its leaders and office publish the
  report templates and return or accept the reports.
- Anyone else: 404."""

from __future__ import annotations

from qlvb.core import parameters
from qlvb.org import permissions, roles
from qlvb.org.models import Person

PARAMETER = "itstaff.department_agency"


def department_id() -> int | None:
    """The Department's agency id, or None when the installation names none (0)."""
    return parameters.value(PARAMETER) or None


def managed_agency_ids(person: Person) -> frozenset[int]:
    """The agencies whose IT registry, reports and incidents the person manages."""
    return frozenset(roles.roles_of(person).leader_agency_ids) | roles.office_agency_ids(person)


def is_department(person: Person, department: int | None = None) -> bool:
    """The person works in the Department (sees every agency)."""
    department = department_id() if department is None else department
    return department is not None and department in permissions.member_agency_ids(person)


def manages_department(person: Person) -> bool:
    """The Department's leaders and office: publish templates, return and accept reports."""
    department = department_id()
    return department is not None and department in managed_agency_ids(person)


def may_see(person: Person, agency_id: int) -> bool:
    return agency_id in managed_agency_ids(person) or is_department(person)


def may_manage(person: Person, agency_id: int) -> bool:
    return agency_id in managed_agency_ids(person)
