"""Reads of the schedules: who may see and change what, the entries of a day, week or month,
double bookings, the week laid out as the usual table, and the invitation letters waiting to be
put into a schedule.

Who may do what (003 Đ8.1; 001 Đ3, Đ14):
- a personal entry: its attendees and whoever made it see it; they change it; one made from an
  invitation letter (001 Đ16) the agency's leaders see too (they send people to it and read
  their reports back);
- a unit's entry: the unit's people, the agency's leaders and its attendees see it; the unit's
  head and deputies (HEAD_KINDS) change it (each unit keeps its own schedule);
- the agency's (leaders') schedule: drafted by the office (every person holding a post in a unit
  of kind OFFICE: the Chánh Văn phòng and the clerks), seen while a draft only by the office and
  the agency's leaders, approved and published by the agency head (the Giám đốc, or whoever acts
  for him under an approved delegation of all his authority, R5), then seen by everyone in the
  agency;
- the citizens' reception schedule (001 Đ14): the same, drafted by the inspectorate (Thanh tra
  "tham mưu") or the office ("bố trí và niêm yết lịch"), monthly.
Anything else is a 404, exactly like an entry that does not exist.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any, NamedTuple

from django.db import connection
from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode

from qlvb.core import personcache
from qlvb.org import permissions
from qlvb.org.models import Person, Position, Post, Unit
from qlvb.org.roles import roles_of
from qlvb.schedules.models import PUBLISHED_SCOPES, Attendee, Entry, EntryReport, FeedToken, Period, ReportFile, Scope

# --- Periods ----------------------------------------------------------------------------------


def week_start(day: date) -> date:
    return day - timedelta(days=day.weekday())


def month_start(day: date) -> date:
    return day.replace(day=1)


def period_bounds(scope: str, day: date) -> tuple[date, date]:
    """The week (agency) or month (reception) holding `day`: first and last day."""
    if scope == Scope.RECEPTION:
        first = month_start(day)
        following = (first + timedelta(days=32)).replace(day=1)
        return first, following - timedelta(days=1)
    first = week_start(day)
    return first, first + timedelta(days=6)


def local_day(moment: datetime) -> date:
    return timezone.localtime(moment).date()


def week_url(schedule_key: str, moment: datetime | date) -> str:
    """The week view of a schedule ("me", "unit-<id>", "agency", "reception") holding this moment."""
    day = local_day(moment) if isinstance(moment, datetime) else moment
    return f"{reverse('schedules:calendar', args=['week'])}?{urlencode({'s': schedule_key, 'd': day.isoformat()})}"


def day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def find_period(agency_id: int, scope: str, day: date) -> Period | None:
    starts, _ends = period_bounds(scope, day)
    return Period.objects.filter(agency_id=agency_id, scope=scope, starts=starts).first()


# --- Who may do what --------------------------------------------------------------------------


def _unit_kinds(person: Person) -> list[tuple[int, str, int]]:
    """(unit id, kind, agency id) of the units the person holds a post in (kept on the person)."""
    cached = getattr(person, "_schedule_units", None)
    if cached is None:
        ids = sorted(roles_of(person).unit_ids)
        cached = personcache.cached("schedule-units", person.pk, lambda: list(
            Unit.objects.filter(pk__in=ids).values_list("pk", "kind", "agency_id")), *ids) if ids else []
        person._schedule_units = cached  # type: ignore[attr-defined]
    return cached


def in_unit_of_kind(person: Person | None, agency_id: int, kinds: set[str]) -> bool:
    if person is None or not person.pk:
        return False
    return any(kind in kinds and agency for _pk, kind, agency in _unit_kinds(person) if agency == agency_id)


def is_leader(person: Person | None, agency_id: int) -> bool:
    return agency_id in roles_of(person).leader_agency_ids


def is_agency_head(person: Person | None, agency_id: int) -> bool:
    if person is None or not person.pk:
        return False
    return Post.objects.filter(person=person, agency_id=agency_id, end_date__isnull=True,
                               position__kind=Position.Kind.AGENCY_HEAD).exists()


def drafters_kinds(scope: str) -> set[str]:
    if scope == Scope.RECEPTION:
        return {Unit.Kind.OFFICE, Unit.Kind.INSPECTORATE}
    return {Unit.Kind.OFFICE}


def can_draft(person: Person | None, agency_id: int, scope: str) -> bool:
    """May add and change the entries of the agency's (or reception) schedule."""
    return scope in PUBLISHED_SCOPES and in_unit_of_kind(person, agency_id, drafters_kinds(scope))


def can_see_drafts(person: Person | None, agency_id: int, scope: str) -> bool:
    return can_draft(person, agency_id, scope) or is_leader(person, agency_id)


def can_publish(person: Person | None, agency_id: int) -> bool:
    return is_agency_head(person, agency_id)


def can_edit_unit(person: Person | None, unit: Unit | None) -> bool:
    if person is None or unit is None:
        return False
    return unit.pk in roles_of(person).headed_unit_ids


def may_see(person: Person | None, entry: Entry, *, attendee_ids: set[int] | None = None,
            period: Period | None = None) -> bool:
    """The rule of the module's docstring for one entry."""
    if person is None or not person.pk or entry.agency_id not in permissions.member_agency_ids(person):
        return False
    if entry.scope in PUBLISHED_SCOPES:
        period = period if period is not None else entry.period
        if period is not None and period.is_published:
            return True
        return can_see_drafts(person, entry.agency_id, entry.scope)
    if attendee_ids is None:
        attendee_ids = set(entry.attendees.values_list("person_id", flat=True))
    if person.pk in attendee_ids or entry.created_by_id == person.pk:
        return True
    if entry.source_incoming_id and is_leader(person, entry.agency_id):
        return True  # an invitation the leaders sent people to: they read the reports back (001 Đ16)
    if entry.scope == Scope.UNIT:
        return entry.unit_id in roles_of(person).unit_ids or is_leader(person, entry.agency_id)
    return False


def can_edit(person: Person | None, entry: Entry) -> bool:
    if person is None or not person.pk or entry.is_cancelled:
        return False
    if entry.scope in PUBLISHED_SCOPES:
        return can_draft(person, entry.agency_id, entry.scope)
    if entry.scope == Scope.UNIT:
        return can_edit_unit(person, entry.unit)
    return entry.created_by_id == person.pk or entry.attendees.filter(person=person).exists()


def get_entry(person: Person, pk: int) -> Entry:
    entry = (Entry.objects.filter(pk=pk)
             .select_related("period", "unit", "chair", "preparing_unit", "created_by", "source_incoming")
             .prefetch_related(_attendees(), "units").first())
    if entry is None or not may_see(person, entry, attendee_ids={a.person_id for a in entry.attendees.all()}):
        raise Http404()
    return entry


def get_period(person: Person, pk: int) -> Period:
    period = Period.objects.filter(pk=pk).select_related("submitted_by", "published_by").first()
    if period is None or period.agency_id not in permissions.member_agency_ids(person):
        raise Http404()
    if not period.is_published and not can_see_drafts(person, period.agency_id, period.scope):
        raise Http404()
    return period


# --- Lists ------------------------------------------------------------------------------------


def _attendees() -> Prefetch:
    """The people of the entries, with only what the pages and feeds show of them (a unit's feed
    holds thousands of attendees: whole rows of people were most of its time)."""
    return Prefetch("attendees", queryset=Attendee.objects.select_related("person").only(
        "id", "entry_id", "person_id", "person__id", "person__full_name", "person__agency_id", "person__email",
    ).order_by("person__full_name"))


def _with_data(entries: QuerySet[Entry]) -> QuerySet[Entry]:
    return (entries.select_related("period", "unit", "chair", "preparing_unit")
            .prefetch_related(_attendees(), Prefetch("units", queryset=Unit.objects.order_by("order", "name")))
            .order_by("starts_at", "id"))


# The longest an entry lasts (services check it): a business trip of a month; longer is a
# programme, not an entry. It bounds the index range a day's or a week's entries are read from.
MAX_LENGTH = timedelta(days=31)


def _overlapping(start: date, end: date) -> Q:
    """Entries overlapping the local days start..end (inclusive): a range of the `starts_at`
    indexes (an entry starting more than MAX_LENGTH before cannot reach into it)."""
    return Q(starts_at__lt=day_start(end + timedelta(days=1)), ends_at__gt=day_start(start),
             starts_at__gt=day_start(start) - MAX_LENGTH)


@dataclass
class Calendar:
    """What a schedule page shows: the entries of the range, their double bookings, and the
    period (week or month) of an agency or reception schedule."""

    entries: list[Entry]
    conflicts: dict[int, list[str]] = field(default_factory=dict)
    periods: list[Period] = field(default_factory=list)


def personal_entries(person: Person, start: date, end: date) -> QuerySet[Entry]:
    """Everything in the person's own schedule: the entries they attend (any scope; an agency
    entry only once its period is published) and the personal ones they made."""
    # The candidates from the person's own index entries (attendance, personal entries made), so
    # that the database reads a few rows by key instead of everyone's entries of the range.
    overlapping = _overlapping(start, end)
    in_range = Entry.objects.filter(overlapping).order_by()
    candidates = Attendee.objects.filter(person=person, entry__in=in_range).order_by().values("entry_id").union(
        Entry.objects.filter(overlapping, scope=Scope.PERSONAL, created_by=person).order_by().values("pk"))
    visible_agency = Q(scope__in=sorted(PUBLISHED_SCOPES), period__status=Period.Status.PUBLISHED)
    return _with_data(Entry.objects.filter(overlapping, pk__in=candidates).filter(
        ~Q(scope__in=sorted(PUBLISHED_SCOPES)) | visible_agency | Q(scope=Scope.PERSONAL, created_by=person)))


def unit_entries(person: Person, unit: Unit, start: date, end: date) -> QuerySet[Entry]:
    if unit.agency_id not in permissions.member_agency_ids(person) or not (
            unit.pk in roles_of(person).unit_ids or is_leader(person, unit.agency_id)):
        raise Http404()
    # The unit's own entries, and the published agency entries it takes part in or prepares.
    # The candidates as a union of index ranges (the unit's entries by date, those it takes part
    # in or prepares), read by key: never everyone's entries of the range.
    overlapping = _overlapping(start, end)
    candidates = Entry.objects.filter(overlapping, unit=unit, scope=Scope.UNIT).order_by().values("pk").union(
        Entry.units.through.objects.filter(unit_id=unit.pk).order_by().values("entry_id"),
        Entry.objects.filter(preparing_unit=unit).order_by().values("pk"))
    published = Q(scope__in=sorted(PUBLISHED_SCOPES), period__status=Period.Status.PUBLISHED)
    return _with_data(Entry.objects.filter(overlapping, pk__in=candidates).filter(
        Q(scope=Scope.UNIT, unit=unit) | published))


def agency_entries(person: Person, agency_id: int, scope: str, start: date, end: date) -> QuerySet[Entry]:
    """The agency's (or reception) schedule: published weeks for everyone in the agency, drafts
    too for those who may see them."""
    if scope not in PUBLISHED_SCOPES or agency_id not in permissions.member_agency_ids(person):
        raise Http404()
    entries = Entry.objects.filter(_overlapping(start, end), agency_id=agency_id, scope=scope)
    if not can_see_drafts(person, agency_id, scope):
        entries = entries.filter(period__status=Period.Status.PUBLISHED)
    return _with_data(entries)


def periods_in(agency_id: int, scope: str, start: date, end: date) -> list[Period]:
    return list(Period.objects.filter(agency_id=agency_id, scope=scope, starts__lte=end, ends__gte=start)
                .select_related("submitted_by", "published_by").order_by("starts"))


def conflicts(entries: list[Entry]) -> dict[int, list[str]]:
    """Double bookings: for each shown entry, the people in it who are booked elsewhere at an
    overlapping time (in any schedule: only the name and the time are said, never the other
    entry's content). One query, whatever the number of entries."""
    live = [e for e in entries if not e.is_cancelled]
    if not live:
        return {}
    people = {a.person_id: a.person for e in live for a in e.attendees.all()}
    if not people:
        return {}
    first = min(e.starts_at for e in live)
    last = max(e.ends_at for e in live)
    # Each person's own range of the attendee time index (its copy of the entries' times), bounded
    # below like _overlapping; the entries joined only for those rows.
    rows = list(Attendee.objects.filter(person_id__in=sorted(people), starts_at__lt=last, ends_at__gt=first,
                                        starts_at__gt=first - MAX_LENGTH, entry__cancelled_at__isnull=True)
                .values_list("person_id", "entry_id", "starts_at", "ends_at"))
    booked: dict[int, list[tuple[int, datetime, datetime]]] = defaultdict(list)
    for person_id, entry_id, starts, ends in rows:
        if starts is not None and ends is not None:  # always: the range asked for them
            booked[person_id].append((entry_id, starts, ends))
    found: dict[int, list[str]] = {}
    for entry in live:
        for attendee in entry.attendees.all():
            for other_id, starts, ends in booked[attendee.person_id]:
                if other_id != entry.pk and starts < entry.ends_at and ends > entry.starts_at:
                    found.setdefault(entry.pk, []).append(
                        f"{attendee.person.full_name} ({timezone.localtime(starts):%H:%M %d/%m}"
                        f"–{timezone.localtime(ends):%H:%M %d/%m})")
    return found


# --- The week as the usual table ----------------------------------------------------------------

WEEKDAYS = ["Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ nhật"]


@dataclass
class DayRow:
    day: date
    name: str
    morning: list[Entry]
    afternoon: list[Entry]

    @property
    def is_empty(self) -> bool:
        return not self.morning and not self.afternoon

    @property
    def count(self) -> int:
        return len(self.morning) + len(self.afternoon)


def week_table(entries: list[Entry], start: date, days: int = 7) -> list[DayRow]:
    """The usual Vietnamese weekly layout: a row per day, morning (sáng: starting before noon) and
    afternoon (chiều) apart. An entry over several days appears on each."""
    rows = [DayRow(start + timedelta(days=i), WEEKDAYS[(start + timedelta(days=i)).weekday()], [], [])
            for i in range(days)]
    for entry in entries:
        first = local_day(entry.starts_at)
        last = local_day(entry.ends_at - timedelta(microseconds=1))
        for row in rows:
            if first <= row.day <= last:
                later_day = row.day > first  # an entry over several days: from the morning on
                (row.morning if later_day or timezone.localtime(entry.starts_at).hour < 12
                 else row.afternoon).append(entry)
    return rows


def month_weeks(day: date) -> list[list[date]]:
    """The weeks (Monday first) covering the month of `day`, for the month grid."""
    first = month_start(day)
    start = week_start(first)
    _first, last = period_bounds(Scope.RECEPTION, day)
    weeks = []
    while start <= last:
        weeks.append([start + timedelta(days=i) for i in range(7)])
        start += timedelta(days=7)
    return weeks


def by_day(entries: list[Entry]) -> dict[date, list[Entry]]:
    days: dict[date, list[Entry]] = defaultdict(list)
    for entry in entries:
        day, last = local_day(entry.starts_at), local_day(entry.ends_at - timedelta(microseconds=1))
        while day <= last:
            days[day].append(entry)
            day += timedelta(days=1)
    return days


# --- Invitations and feeds ------------------------------------------------------------------------


def proposals(agency_id: int, start: date, end: date) -> list[Entry]:
    """Personal and unit entries put forward for the leaders' week in [start, end] and not yet
    taken in: what the office drafts the week from, beside the invitations received."""
    adopted = Entry.objects.filter(agency_id=agency_id, source_entry__isnull=False).values("source_entry_id")
    return list(_with_data(Entry.objects.filter(agency_id=agency_id, proposed_at__isnull=False,
                                                cancelled_at__isnull=True)
                           .filter(_overlapping(start, end)).exclude(pk__in=adopted)))


def invitations_waiting(person: Person, limit: int = 20) -> list[Any]:
    """Invitation letters (giấy mời, type GM) the person may open, registered in the last 60 days,
    not yet made into a schedule entry: what 001 Đ16 asks the schedule to take in one step."""
    from qlvb.incoming import selectors as incoming

    since = timezone.now() - timedelta(days=60)
    taken = Entry.objects.filter(source_incoming__isnull=False, agency_id__in=sorted(
        permissions.member_agency_ids(person))).values("source_incoming_id")
    return list(incoming.visible_documents(person).filter(doc_type="GM", received_at__gte=since)
                .exclude(status="draft").exclude(pk__in=taken).order_by("-received_at")[:limit])


def feed_tokens(person: Person) -> list[FeedToken]:
    return list(FeedToken.objects.filter(person=person).select_related("unit").order_by("feed", "unit__name"))


class FeedEntry(NamedTuple):
    """What a feed says of an entry (ical.calendar), read as plain values: an agency's or a large
    unit's feed holds hundreds of entries, and making model instances of them (and of their chair
    and preparing unit) was most of the feed's time."""

    pk: int
    title: str
    place: str
    starts_at: datetime
    ends_at: datetime
    sequence: int
    updated_at: datetime
    adjusted_at: datetime | None
    cancelled_at: datetime | None
    chair_text: str
    guests: str
    documents: str
    notes: str
    chair_name: str | None
    chair_email: str | None
    preparing_unit_name: str | None

    @property
    def is_adjusted(self) -> bool:
        return self.adjusted_at is not None

    @property
    def is_cancelled(self) -> bool:
        return self.cancelled_at is not None


def feed_entries(token: FeedToken, start: date, end: date) -> list[FeedEntry]:
    """What a subscribed calendar receives: the same selectors as the pages, so it never shows
    more than its person may see today (a person who left the unit gets a 404)."""
    person = token.person
    if not person.is_active or person.locked_at is not None:
        raise Http404()
    if token.feed == FeedToken.Feed.PERSONAL:
        entries = personal_entries(person, start, end)
    elif token.feed == FeedToken.Feed.UNIT and token.unit is not None:
        entries = unit_entries(person, token.unit, start, end)
    elif person.agency_id is None:
        raise Http404()
    else:
        entries = agency_entries(person, person.agency_id, Scope.AGENCY, start, end)
    rows = entries.prefetch_related(None).select_related(None).values_list(*FEED_FIELDS)
    return [FeedEntry(*row) for row in rows]


FEED_FIELDS = ("id", "title", "place", "starts_at", "ends_at", "sequence", "updated_at", "adjusted_at", "cancelled_at",
               "chair_text", "guests", "documents", "notes", "chair__full_name", "chair__email",
               "preparing_unit__name")


def feed_names(entries: list[FeedEntry]) -> tuple[dict[int, list[str]], dict[int, list[str]]]:
    """The names of the people and of the units taking part in each entry, two queries. On
    PostgreSQL the entries' ids go as one array (`= ANY`): hundreds of `IN` parameters cost more
    to build and send than the query takes to run."""
    ids = [e.pk for e in entries]
    people: dict[int, list[str]] = defaultdict(list)
    units: dict[int, list[str]] = defaultdict(list)
    if not ids:
        return people, units
    attendees, links = Attendee.objects.all(), Entry.units.through.objects.all()
    if connection.vendor == "postgresql":
        # Only our own table names are written into the SQL; the ids go as one parameter.
        attendees = attendees.extra(where=[f"{Attendee._meta.db_table}.entry_id = ANY(%s)"],  # noqa: S610
                                    params=[ids])
        links = links.extra(where=[f"{Entry.units.through._meta.db_table}.entry_id = ANY(%s)"],  # noqa: S610
                            params=[ids])
    else:
        attendees, links = attendees.filter(entry_id__in=ids), links.filter(entry_id__in=ids)
    for entry_id, name in attendees.order_by("person__full_name").values_list("entry_id", "person__full_name"):
        people[entry_id].append(name)
    for entry_id, name in links.order_by("unit__order", "unit__name").values_list("entry_id", "unit__name"):
        units[entry_id].append(name)
    return people, units


# --- Reports back after an invitation (001 Đ16) -----------------------------------------------------


def may_report(person: Person | None, entry: Entry, *, now: datetime | None = None) -> bool:
    """An attendee of an entry made from an invitation letter, once the meeting has started."""
    if person is None or not person.pk or entry.source_incoming_id is None or entry.is_cancelled:
        return False
    if entry.starts_at > (now or timezone.now()):
        return False
    return any(a.person_id == person.pk for a in entry.attendees.all())


def reports_of(entry: Entry) -> list[EntryReport]:
    return list(EntryReport.objects.filter(entry=entry).select_related("person", "filed_by")
                .prefetch_related(Prefetch("files", queryset=ReportFile.objects.order_by("added_at", "id"))))


def awaiting_report(entry: Entry, reports: list[EntryReport], *, now: datetime | None = None) -> bool:
    """An invitation's meeting that has ended with no report back yet ("chưa báo cáo")."""
    return (entry.source_incoming_id is not None and not entry.is_cancelled and not reports
            and entry.ends_at <= (now or timezone.now()))


def report_file(entry: Entry, file_pk: int) -> ReportFile:
    item = ReportFile.objects.filter(report__entry=entry, pk=file_pk).select_related("stored").first()
    if item is None:
        raise Http404()
    return item


def report_readers(entry: Entry) -> set[int]:
    """Who reads the reports back: the leaders who routed the invitation (or for whom it was
    routed, read through incoming.selectors) and whoever put it into the schedule."""
    readers = {entry.created_by_id}
    if entry.source_incoming is not None:
        from qlvb.incoming import selectors as incoming

        for node in incoming.routing_tree(entry.source_incoming):
            assignment = node.assignment
            if assignment.state != "withdrawn":
                readers.add(assignment.on_behalf_of_id or assignment.assigned_by_id)
    return readers
