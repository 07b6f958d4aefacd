"""Who keeps the disclosure register: the agency's office (which discloses, 002 Đ21) and its
leaders (who answer for it). Nobody else sees it (404); the staff learn of each disclosure through
its notice, at the premises or at the conference."""

from __future__ import annotations

from qlvb.notices.rules import keeper_agency_ids, office_agency_ids
from qlvb.org.models import Person


def may_keep(person: Person, agency_id: int | None) -> bool:
    return agency_id is not None and agency_id in keeper_agency_ids(person)


__all__ = ["may_keep", "office_agency_ids"]
