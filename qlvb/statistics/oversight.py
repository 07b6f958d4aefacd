"""What the oversight pages read beyond the figures (003 Đ13, Đ15.1, Đ18): who may open them, how
long each draft has waited in working days against the agency's review days, the figures behind
the drafts page, and the people of a compliance table.

Both pages are for those who lead people: the agency's leaders (a deputy for his fields) and the
heads of units for their units (`scopes.leads_people`); the office and the clerks, who oversee the
registers, see neither. A person's own compliance figures are theirs and their leaders'.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any
from urllib.parse import urlencode

from django.core.paginator import Page, Paginator
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from qlvb.core import workdays
from qlvb.org.models import Person, Post
from qlvb.org.roles import roles_of
from qlvb.outgoing.models import OutgoingDocument, OutgoingSettings
from qlvb.statistics import scopes, selectors
from qlvb.statistics.models import Item
from qlvb.statistics.periods import Period
from qlvb.statistics.scopes import Scope
from qlvb.statistics.selectors import Query

S = OutgoingDocument.Status
# Where a draft not yet issued waits, in the order it travels.
WAITING_STATUSES = (S.DRAFT, S.IN_REVIEW, S.RETURNED, S.APPROVED, S.SIGNED)
# A draft being written has no one to wait for; at every other place someone is asked to act, and
# the agency's review days are what that act may take.
TIMED_STATUSES = frozenset({S.IN_REVIEW, S.RETURNED, S.APPROVED, S.SIGNED})
REVIEW_DAYS_DEFAULT = OutgoingSettings._meta.get_field("review_days").get_default()
PAGE_SIZE = 50


def may_oversee(viewer: Person, scope: Scope) -> bool:
    """The drafts page and the compliance table: an agency, a deputy's fields or a unit, opened by
    someone who leads its people."""
    return scope.level in ("agency", "fields", "unit") and scopes.leads_people(viewer, scope)


def default_compliance_level(viewer: Person, agency_id: int) -> str:
    """A leader lands on the agency's people, a unit head on the unit's, anyone else on their own."""
    roles = roles_of(viewer)
    if agency_id in roles.leader_agency_ids:
        return "agency"
    if scopes._headed_here(viewer, agency_id):
        return "unit"
    return "person"


def review_days(agency_ids: frozenset[int]) -> dict[int, int]:
    """Each agency's working days for a review (outgoing settings; the default where none is saved).
    Read only: the settings are the outgoing app's."""
    found = dict(OutgoingSettings.objects.filter(agency_id__in=sorted(agency_ids))
                 .values_list("agency_id", "review_days"))
    return {agency_id: found.get(agency_id, REVIEW_DAYS_DEFAULT) for agency_id in agency_ids}


@dataclass
class Waiting:
    item: Item
    since: date
    days: int  # working days waited, the day it arrived not counted
    over: bool  # longer than the agency's review days, where someone is asked to act
    url: str

    @property
    def status_label(self) -> str:
        return str(dict(S.choices).get(self.item.status, self.item.status))


def waiting_page(viewer: Person, scope: Scope, today: date, days_allowed: dict[int, int], status: str = "",
                 page: Any = 1) -> Page:
    """A page of the drafts not yet issued, longest waiting first, each with its wait in working
    days read from one calendar reading for the whole page."""
    rows = selectors.waiting_drafts(viewer, scope)
    if status:
        rows = rows.filter(status=status)
    found = Paginator(rows, PAGE_SIZE).get_page(page)
    items = list(found.object_list)
    sinces = [timezone.localdate(i.held_since) if i.held_since else i.opened_on for i in items]
    first = min([*sinces, today])
    installation, own = workdays.calendars(first, today)
    waits = []
    for item, since in zip(items, sinces, strict=True):
        calendar = own.get(item.agency_id, installation)
        days = calendar.working_days_between(since, today) if since < today else 0
        over = item.status in TIMED_STATUSES and days > days_allowed.get(item.agency_id, REVIEW_DAYS_DEFAULT)
        waits.append(Waiting(item, since, days, over, selectors.document_url(item)))
    found.object_list = waits  # type: ignore[assignment]  # the page now holds the waits
    return found


def waiting_counts(viewer: Person, scope: Scope) -> list[dict[str, Any]]:
    """Each place a draft may wait, in travel order: how many wait there and since when the oldest."""
    found = selectors.waiting_by_status(viewer, scope)
    return [{"status": str(status), "label": status.label, "n": found.get(status, {}).get("n", 0),
             "oldest": found.get(status, {}).get("oldest")} for status in WAITING_STATUSES]


def late_reviews(viewer: Person, scope: Scope, period: Period, today: date, *, by_person: bool
                 ) -> tuple[dict[str, int], list[selectors.Row]]:
    """The reviews due in the period, and those that took longer than their review days (acted on
    after their due date, or still waiting past it), by reviewer when the viewer leads them."""
    query = Query(Item.Kind.REVIEW, scope, period)
    totals = selectors.totals(viewer, query, today)
    if not by_person:
        return totals, []
    rows = [row for row in selectors.by(viewer, query, "person", today)
            if row.counts["done_late"] + row.counts["overdue"]]
    rows.sort(key=lambda r: (-(r.counts["done_late"] + r.counts["overdue"]), r.label))
    return totals, rows


def figure_url(scope: Scope, period: Period, kind: str, *, basis: str = "opened", outcome: str = "total",
               filters: dict[str, object] | None = None) -> str:
    """The list behind a figure (the statistics' list page, with the parameters params.read reads);
    empty where that page is not installed."""
    try:
        url = reverse("statistics:items")
    except NoReverseMatch:
        return ""
    params = {**scope.params(), **period.params(), "kind": kind}
    if basis != "opened":
        params["basis"] = basis
    if outcome != "total":
        params["outcome"] = outcome
    params.update({f"f_{name}": "" if value is None else str(value) for name, value in (filters or {}).items()})
    return f"{url}?{urlencode(params)}"


def people_of(scope: Scope) -> list[Person]:
    """Those holding a post now in the agency (or the units) of the scope, by name."""
    posts = Post.objects.filter(agency_id__in=sorted(scope.agency_ids), end_date__isnull=True,
                                person__is_active=True)
    if scope.unit_ids:
        posts = posts.filter(unit_id__in=sorted(scope.unit_ids))
    ids = set(posts.values_list("person_id", flat=True))
    return sorted(Person.objects.filter(pk__in=ids).only("pk", "full_name", "username"),
                  key=lambda p: (p.full_name, p.pk))
