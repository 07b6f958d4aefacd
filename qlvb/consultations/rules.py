"""Who may see and do what with a consultation (002 Đ7, Đ22–Đ23). A consultation is opened by a
leader or the office of the agency, or by a unit head for his own unit. It is seen by whoever
opened it, the agency's leaders and office (who compile the results), and — once open — by the
people consulted (everyone in the agency, or everyone posted in the units consulted). Nobody else:
a 404, like a consultation that does not exist. The results are the organisers' until published;
then every participant sees them."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from qlvb.consultations.models import Consultation, ConsultedUnit, MeetingRequest
from qlvb.org import permissions, roles
from qlvb.org.models import Person, Post, Unit
from qlvb.org.roles import roles_of


def office_agency_ids(person: Person) -> frozenset[int]:
    """The agencies whose office the person works in (qlvb.org.roles, kept per person)."""
    return roles.office_agency_ids(person)


def organiser_agency_ids(person: Person) -> frozenset[int]:
    """Where the person organises consultations for the whole agency: a leader, or the office."""
    return frozenset(roles_of(person).leader_agency_ids) | office_agency_ids(person)


def may_create(person: Person, agency_id: int) -> bool:
    return agency_id in organiser_agency_ids(person) or bool(headed_units(person, agency_id))


def headed_units(person: Person, agency_id: int) -> list[int]:
    headed = sorted(roles_of(person).headed_unit_ids)
    if not headed:
        return []
    return list(Unit.objects.filter(pk__in=headed, agency_id=agency_id).values_list("pk", flat=True))


def may_manage(person: Person, consultation: Consultation) -> bool:
    """Prepare, open, close, compile and publish: whoever opened it, the agency's leaders and office."""
    return (person.pk == consultation.created_by_id
            or consultation.agency_id in organiser_agency_ids(person))


def _person_unit_ids(person: Person, agency_id: int) -> list[int]:
    return sorted(set(Post.objects.filter(person_id=person.pk, agency_id=agency_id, end_date__isnull=True)
                      .values_list("unit_id", flat=True)))


def is_participant(person: Person, consultation: Consultation) -> bool:
    if not person.is_active or consultation.agency_id not in permissions.member_agency_ids(person):
        return False
    if consultation.everyone:
        return True
    units = _person_unit_ids(person, consultation.agency_id)
    return bool(units) and ConsultedUnit.objects.filter(consultation=consultation, unit_id__in=units).exists()


def visible(person: Person) -> QuerySet[Consultation]:
    """Every consultation the person may see, as one query."""
    if person is None or not getattr(person, "pk", None):
        return Consultation.objects.none()
    agencies = sorted(permissions.member_agency_ids(person))
    organised = sorted(organiser_agency_ids(person))
    units = sorted(set(Post.objects.filter(person_id=person.pk, end_date__isnull=True)
                       .values_list("unit_id", flat=True)))
    shown = Q(status__in=[Consultation.Status.OPEN, Consultation.Status.CLOSED])
    condition = Q(created_by_id=person.pk) | Q(agency_id__in=organised)
    condition |= shown & Q(everyone=True)
    if units:
        condition |= shown & Q(pk__in=ConsultedUnit.objects.filter(unit_id__in=units).values("consultation_id"))
    return Consultation.objects.filter(Q(agency_id__in=agencies) & condition)


def may_see(person: Person, consultation: Consultation) -> bool:
    if consultation.agency_id not in permissions.member_agency_ids(person):
        return False
    if may_manage(person, consultation):
        return True
    return consultation.status != Consultation.Status.DRAFT and is_participant(person, consultation)


def may_see_results(person: Person, consultation: Consultation) -> bool:
    return may_manage(person, consultation) or (consultation.published and may_see(person, consultation))


# --- Requests to meet the director (002 Đ7) -------------------------------------------------------

def may_answer_requests(person: Person, agency_id: int) -> bool:
    """The director (and his deputies) or the office arranges the time."""
    return agency_id in organiser_agency_ids(person)


def may_see_request(person: Person, request: MeetingRequest) -> bool:
    return request.requester_id == person.pk or (
        request.agency_id in permissions.member_agency_ids(person) and may_answer_requests(person, request.agency_id))
