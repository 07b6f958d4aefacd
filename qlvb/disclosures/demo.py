"""Sample disclosures of Sở Thông tin và Truyền thông tỉnh Sơn La: a document of the agency
disclosed by a notice to all staff and posted at the premises the working day after it was
issued or received (on time), and a superior agency's directive still to be disclosed, past its
deadline (flagged to the office). Through the services; only documents the Chánh Văn phòng may
open, never a secret one."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from qlvb.core import kinds
from qlvb.core.actor import Actor
from qlvb.core.workdays import add_working_days
from qlvb.disclosures import services
from qlvb.disclosures.models import Disclosure
from qlvb.org.models import Agency, Person

AGENCY_CODE = "000.00.15.H51"


def _documents(person: Person, agency: Agency) -> list[tuple[str, object]]:
    found: list[tuple[str, object]] = []
    for name in ("outgoing", "incoming"):
        rows = kinds.visible(name, person).filter(agency=agency, secrecy="").order_by("-id")[:20]
        found += [(name, d) for d in rows if services.source_date_of(d) is not None]
    return found


def load(agency_code: str = AGENCY_CODE) -> int:
    agency = Agency.objects.filter(code=agency_code).first()
    if agency is None or Disclosure.objects.filter(agency=agency).exists():
        return 0
    cvp = Person.objects.filter(username="stttt.chanhvp").first()
    if cvp is None:
        return 0
    today = timezone.localdate()
    made = 0
    documents = [(n, d) for n, d in _documents(cvp, agency) if services.source_date_of(d) <= today]  # type: ignore[operator]
    for (name, document), (category, title, disclosed) in zip(documents, [
            (Disclosure.Category.WORK_PLAN, "Công khai: kế hoạch công tác", True),
            (Disclosure.Category.DIRECTIVES, "Công khai: văn bản chỉ đạo của cấp trên", False)], strict=False):
        issued_on = services.source_date_of(document)
        assert issued_on is not None
        disclosed_on = min(add_working_days(issued_on, 1, agency), today) if disclosed else None
        services.create(by=Actor(cvp), agency=agency, category=category, title=title, source_kind=name,
                        source_id=document.pk, disclosed_on=disclosed_on, by_notice=disclosed,  # type: ignore[attr-defined]
                        at_premises=disclosed, source_date=issued_on if disclosed else today - timedelta(days=10))
        made += 1
    return made
