"""Schedule pages: a day, week or month of one schedule (mine, a unit's, the agency's, the
citizens' reception), an entry, the week as PDF, the calendar subscriptions, the invitations."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from qlvb.core import absences
from qlvb.core.actor import actor_from_request, effective_person
from qlvb.core.errors import NotAllowed
from qlvb.core.forms import attach_errors
from qlvb.core.keptpages import kept_page
from qlvb.files.views import file_response
from qlvb.org.http import PersonRequest
from qlvb.org.models import Person, Unit
from qlvb.org.roles import roles_of
from qlvb.schedules import ical, printing, selectors, services
from qlvb.schedules.forms import EntryForm, InvitationForm, ReasonForm, ReportForm
from qlvb.schedules.models import PUBLISHED_SCOPES, Entry, FeedToken, Period, Scope

# Acting for someone under a delegation of all their authority (R5) is acting as them here: a
# deputy holding the Giám đốc's delegation may approve the week (001 Đ14.1 "hoặc ủy quyền").
SCOPE = "all"
SPANS = ("day", "week", "month")


def _person(request: PersonRequest) -> Person:
    return effective_person(request, SCOPE)


@dataclass
class Schedule:
    key: str  # "me", "agency", "reception", "unit-<id>"
    label: str
    scope: str
    agency_id: int
    unit: Unit | None = None


def _schedules(person: Person) -> list[Schedule]:
    """The schedules the person may open, for the switcher."""
    agency_id = person.agency_id
    found = [Schedule("me", _("My schedule"), Scope.PERSONAL, agency_id or 0)]
    if agency_id is None:
        return found
    found += [Schedule("agency", _("Leaders' schedule"), Scope.AGENCY, agency_id),
              Schedule("reception", _("Citizens' reception"), Scope.RECEPTION, agency_id)]
    unit_ids = sorted(roles_of(person).unit_ids)
    for unit in Unit.objects.filter(pk__in=unit_ids, agency_id=agency_id).order_by("order", "name"):
        found.append(Schedule(f"unit-{unit.pk}", unit.name, Scope.UNIT, agency_id, unit))
    return found


def _schedule(person: Person, key: str) -> Schedule:
    key = key or "me"
    for schedule in _schedules(person):
        if schedule.key == key:
            return schedule
    if key.startswith("unit-") and person.agency_id:  # a leader opens any unit of the agency
        unit = Unit.objects.filter(pk=int(key[5:]) if key[5:].isdigit() else 0, agency_id=person.agency_id).first()
        if unit is not None and selectors.is_leader(person, unit.agency_id):
            return Schedule(key, unit.name, Scope.UNIT, unit.agency_id, unit)
    raise Http404()


def _day(value: str | None) -> date:
    try:
        return date.fromisoformat(value) if value else timezone.localdate()
    except ValueError:
        return timezone.localdate()


def _range(span: str, day: date) -> tuple[date, date]:
    if span == "day":
        return day, day
    if span == "month":
        return selectors.period_bounds(Scope.RECEPTION, day)
    return selectors.period_bounds(Scope.AGENCY, day)


def _entries(person: Person, schedule: Schedule, start: date, end: date) -> list[Entry]:
    if schedule.scope == Scope.PERSONAL:
        return list(selectors.personal_entries(person, start, end))
    if schedule.scope == Scope.UNIT:
        assert schedule.unit is not None
        return list(selectors.unit_entries(person, schedule.unit, start, end))
    return list(selectors.agency_entries(person, schedule.agency_id, schedule.scope, start, end))


def _may_add(person: Person, schedule: Schedule) -> bool:
    if schedule.scope == Scope.PERSONAL:
        return True
    if schedule.scope == Scope.UNIT:
        return selectors.can_edit_unit(person, schedule.unit)
    return selectors.can_draft(person, schedule.agency_id, schedule.scope)


@login_required
@kept_page()  # read far more often than changed; every change is an event (core.keptpages)
def calendar(request: PersonRequest, span: str = "week") -> HttpResponse:
    if span not in SPANS:
        raise Http404()
    person = _person(request)
    schedule = _schedule(person, request.GET.get("s", ""))
    day = _day(request.GET.get("d"))
    start, end = _range(span, day)
    entries = _entries(person, schedule, start, end)
    periods: list[Period] = []
    if schedule.scope in PUBLISHED_SCOPES:
        periods = selectors.periods_in(schedule.agency_id, schedule.scope, start, end)
    step = {"day": timedelta(days=1), "week": timedelta(days=7)}.get(span)
    previous = day - step if step else (start - timedelta(days=1)).replace(day=1)
    following = day + step if step else end + timedelta(days=1)
    context: dict[str, Any] = {
        "span": span, "schedule": schedule, "schedules": _schedules(person), "day": day, "start": start,
        "end": end, "entries": entries, "periods": periods,
        "previous": previous.isoformat(), "following": following.isoformat(),
        "today": timezone.localdate(), "may_add": _may_add(person, schedule),
        "can_draft": selectors.can_draft(person, schedule.agency_id, schedule.scope),
        "can_publish": schedule.scope in PUBLISHED_SCOPES and selectors.can_publish(person, schedule.agency_id),
    }
    # Double bookings are shown to whoever plans this schedule (and in one's own): the others need
    # not learn when a colleague is busy elsewhere.
    planner = context["may_add"] or context["can_publish"]
    context["conflicts"] = selectors.conflicts(entries) if planner else {}
    for entry in entries:  # read by each entry's cell (a lookup, not a loop over every conflict)
        entry.conflict_names = context["conflicts"].get(entry.pk)  # type: ignore[attr-defined]
    if span == "week":
        context["rows"] = selectors.week_table(entries, start)
        context["away"] = _away(person, schedule, start, end)
    elif span == "month":
        days = selectors.by_day(entries)
        context["weeks"] = [[(d, days.get(d, [])) for d in week] for week in selectors.month_weeks(day)]
    if schedule.scope == Scope.PERSONAL:
        context["invitations"] = selectors.invitations_waiting(person, limit=5)
    elif schedule.scope == Scope.AGENCY and context["can_draft"] and span == "week":
        # What the office drafts the leaders' week from: the entries put forward and the
        # invitation letters received, each taken in with one click.
        context["proposals"] = selectors.proposals(schedule.agency_id, start, end)
        context["invitations"] = selectors.invitations_waiting(person, limit=10)
    return render(request, "schedules/calendar.html", context)


def _away(person: Person, schedule: Schedule, start: date, end: date) -> list[tuple[str, str]]:
    """Who of the schedule's people is away this week (core.absences; the leave app answers): the
    person himself, the unit's people, or the agency's leaders; in one call for all of them."""
    from qlvb.org.models import Position, Post

    if schedule.scope == Scope.PERSONAL:
        ids = [person.pk]
    elif schedule.scope == Scope.UNIT and schedule.unit is not None:
        ids = list(Post.objects.filter(unit=schedule.unit, end_date__isnull=True).values_list("person_id", flat=True))
    else:
        ids = list(Post.objects.filter(agency_id=schedule.agency_id, end_date__isnull=True, position__kind__in=[
            Position.Kind.AGENCY_HEAD, Position.Kind.AGENCY_DEPUTY]).values_list("person_id", flat=True))
    away = absences.absent(ids, start, end)
    if not away:
        return []
    names = dict(Person.objects.filter(pk__in=sorted(away)).values_list("pk", "full_name"))
    return sorted((names.get(pk, ""), label) for pk, label in away.items())


def _entry_kwargs(form: EntryForm) -> dict[str, Any]:
    data = form.cleaned_data
    return {key: data[key] for key in ("title", "starts_at", "ends_at", "place", "chair", "chair_text", "people",
                                       "units", "guests", "preparing_unit", "documents", "notes")}


@login_required
def entry_new(request: PersonRequest) -> HttpResponse:
    person = _person(request)
    schedule = _schedule(person, request.GET.get("s", ""))
    if person.agency is None or not _may_add(person, schedule):
        raise Http404()
    day = _day(request.GET.get("d"))
    initial = {"starts_at": timezone.make_aware(datetime.combine(day, datetime.min.time()).replace(hour=8)),
               "ends_at": timezone.make_aware(datetime.combine(day, datetime.min.time()).replace(hour=11))}
    form = EntryForm(request.POST or None, agency=person.agency, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            entry = services.save_entry(by=actor_from_request(request, SCOPE), agency=person.agency,
                                        scope=schedule.scope, unit=schedule.unit, **_entry_kwargs(form))
        except ValidationError as error:
            attach_errors(form, error)
        except NotAllowed:
            raise Http404() from None
        else:
            messages.success(request, _("Saved."))
            return redirect(selectors.week_url(schedule.key, entry.starts_at))
    return render(request, "schedules/entry_form.html", {"form": form, "schedule": schedule, "entry": None})


def _schedule_key(entry: Entry) -> str:
    if entry.scope == Scope.UNIT:
        return f"unit-{entry.unit_id}"
    return "me" if entry.scope == Scope.PERSONAL else entry.scope


@login_required
def entry_detail(request: PersonRequest, pk: int) -> HttpResponse:
    person = _person(request)
    entry = selectors.get_entry(person, pk)
    can_edit = selectors.can_edit(person, entry)
    form = None
    if can_edit:
        initial = {"title": entry.title, "starts_at": entry.starts_at, "ends_at": entry.ends_at,
                   "place": entry.place, "chair": entry.chair, "chair_text": entry.chair_text,
                   "people": [a.person for a in entry.attendees.all()], "units": list(entry.units.all()),
                   "guests": entry.guests, "preparing_unit": entry.preparing_unit, "documents": entry.documents,
                   "notes": entry.notes}
        form = EntryForm(request.POST or None, agency=entry.agency, initial=initial)
        if request.method == "POST" and form.is_valid():
            try:
                entry = services.save_entry(by=actor_from_request(request, SCOPE), agency=entry.agency,
                                            scope=entry.scope, entry=entry, **_entry_kwargs(form))
            except ValidationError as error:
                attach_errors(form, error)
            except NotAllowed:
                raise Http404() from None
            else:
                messages.success(request, _("Saved."))
                return redirect(selectors.week_url(_schedule_key(entry), entry.starts_at))
    elif request.method == "POST":
        raise Http404()
    attending = any(a.person_id == person.pk for a in entry.attendees.all())
    reports = selectors.reports_of(entry) if entry.source_incoming_id else []
    return render(request, "schedules/entry.html", {
        "reports": reports, "awaiting_report": selectors.awaiting_report(entry, reports),
        "report_form": ReportForm() if selectors.may_report(person, entry) else None,
        "entry": entry, "form": form, "can_edit": can_edit,
        "conflicts": selectors.conflicts([entry]).get(entry.pk) if can_edit or attending else None,
        "published": entry.period is not None and entry.period.is_published, "reason_form": ReasonForm(),
        "schedule_key": _schedule_key(entry),
    })


@login_required
@require_POST
def entry_remove(request: PersonRequest, pk: int) -> HttpResponse:
    person = _person(request)
    entry = selectors.get_entry(person, pk)
    key = _schedule_key(entry)
    try:
        kept = services.remove_entry(by=actor_from_request(request, SCOPE), entry=entry,
                                     reason=request.POST.get("reason", ""))
    except NotAllowed:
        raise Http404() from None
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect("schedules:entry", pk)
    messages.success(request, _("The entry is cancelled and marked in the published schedule.") if kept
                     else _("The entry is deleted."))
    return redirect(selectors.week_url(key, entry.starts_at))


@login_required
@require_POST
def entry_report(request: PersonRequest, pk: int) -> HttpResponse:
    """An attendee's report back after the meeting of an invitation (001 Đ16)."""
    person = _person(request)
    entry = selectors.get_entry(person, pk)
    if not selectors.may_report(person, entry):
        raise Http404()
    form = ReportForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.file_report(by=actor_from_request(request, SCOPE), entry=entry, text=form.cleaned_data["text"],
                                 uploads=form.cleaned_data["attachments"])
        except NotAllowed:
            raise Http404() from None
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("Report sent to the leaders who sent you."))
    else:
        for field_errors in form.errors.values():
            for text in field_errors:
                messages.error(request, str(text))
    return redirect("schedules:entry", pk)


@login_required
@require_POST
def entry_propose(request: PersonRequest, pk: int) -> HttpResponse:
    """Put one's personal or unit entry forward for the leaders' week."""
    entry = selectors.get_entry(_person(request), pk)
    try:
        services.propose_entry(by=actor_from_request(request, SCOPE), entry=entry)
    except NotAllowed:
        raise Http404() from None
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("Put forward: the office will see it when drafting the leaders' week."))
    return redirect("schedules:entry", pk)


@login_required
def report_file(request: PersonRequest, pk: int, file_pk: int, disposition: str) -> HttpResponseBase:
    entry = selectors.get_entry(_person(request), pk)
    item = selectors.report_file(entry, file_pk)
    return file_response(request, item.stored, filename=item.name, inline=disposition == "view")


@login_required
@require_POST
def entry_adopt(request: PersonRequest, pk: int) -> HttpResponse:
    """The office takes an entry put forward into the leaders' week."""
    person = _person(request)
    entry = Entry.objects.filter(pk=pk, proposed_at__isnull=False).first()
    if entry is None or not selectors.can_draft(person, entry.agency_id, Scope.AGENCY):
        raise Http404()
    try:
        services.adopt_proposal(by=actor_from_request(request, SCOPE), entry=entry)
    except NotAllowed:
        raise Http404() from None
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("Taken into the leaders' week."))
    return redirect(selectors.week_url(Scope.AGENCY, entry.starts_at))


@login_required
@require_POST
def period_action(request: PersonRequest, pk: int, verb: str) -> HttpResponse:
    person = _person(request)
    period = selectors.get_period(person, pk)
    by = actor_from_request(request, SCOPE)
    try:
        if verb == "submit":
            services.submit_period(by=by, period=period)
            messages.success(request, _("Sent to the agency head for approval."))
        elif verb == "publish":
            services.publish_period(by=by, period=period)
            messages.success(request, _("Approved and published to the whole agency."))
        elif verb == "return":
            services.return_period(by=by, period=period, note=request.POST.get("note", ""))
            messages.success(request, _("Returned to the office."))
        else:
            raise Http404()
    except NotAllowed:
        raise Http404() from None
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    return redirect(selectors.week_url(period.scope, period.starts))


@login_required
def week_pdf(request: PersonRequest) -> HttpResponse:
    """The week (a reception schedule: the month) in the usual printed layout."""
    person = _person(request)
    schedule = _schedule(person, request.GET.get("s", ""))
    day = _day(request.GET.get("d"))
    span = "month" if schedule.scope == Scope.RECEPTION else "week"
    start, end = _range(span, day)
    entries = _entries(person, schedule, start, end)
    periods = (selectors.periods_in(schedule.agency_id, schedule.scope, start, end)
               if schedule.scope in PUBLISHED_SCOPES else [])
    pdf = printing.week_pdf(schedule_label=schedule.label, scope=schedule.scope, agency=person.agency,
                            start=start, end=end, entries=entries, period=periods[0] if periods else None,
                            printed_by=request.user.full_name)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="lich-cong-tac-{start:%Y%m%d}.pdf"'
    return response


@login_required
def feeds(request: PersonRequest) -> HttpResponse:
    """The person's calendar subscriptions: a private address per feed, renewed at will."""
    person = request.user
    new_url = ""
    if request.method == "POST":
        feed = request.POST.get("feed", "")
        unit = None
        if feed == FeedToken.Feed.UNIT:
            unit = Unit.objects.filter(pk=int(request.POST.get("unit") or 0)
                                       if (request.POST.get("unit") or "").isdigit() else 0).first()
        try:
            token = services.reset_feed_token(by=actor_from_request(request), feed=feed, unit=unit)
        except NotAllowed:
            raise Http404() from None
        new_url = request.build_absolute_uri(reverse("schedules:feed", args=[token]))
        messages.success(request, _("A new subscription address is ready; the former one no longer works."))
    units = Unit.objects.filter(pk__in=sorted(roles_of(person).unit_ids)).order_by("order", "name")
    return render(request, "schedules/feeds.html", {
        "tokens": selectors.feed_tokens(person), "units": units, "new_url": new_url,
        "feed_choices": FeedToken.Feed,
    })


def feed(request: HttpRequest, token: str) -> HttpResponse:
    """The iCalendar feed (no session: the private token is the key). From 30 days back to 180
    ahead. A wrong, renewed or revoked token is a 404."""
    found = services.find_feed_token(token)
    if found is None:
        raise Http404()
    today = timezone.localdate()
    entries = selectors.feed_entries(found, today - timedelta(days=30), today + timedelta(days=180))
    names = {FeedToken.Feed.PERSONAL: found.person.full_name,
             FeedToken.Feed.UNIT: found.unit.name if found.unit else "",
             FeedToken.Feed.AGENCY: found.person.agency.name if found.person.agency else ""}
    response = HttpResponse(ical.calendar(f"Lịch công tác – {names[FeedToken.Feed(found.feed)]}", entries,
                                          selectors.feed_names(entries)),
                            content_type="text/calendar; charset=utf-8")
    response["Cache-Control"] = "private, max-age=300"
    return response


@login_required
def invitation(request: PersonRequest, incoming_id: int) -> HttpResponse:
    """One step from an invitation letter to an entry in the schedule of the people sent to it."""
    from qlvb.incoming import selectors as incoming

    person = _person(request)
    try:
        document = incoming.get_document(person, incoming_id)
    except Http404:
        raise
    form = InvitationForm(request.POST or None, initial={"title": document.summary})
    if request.method == "POST" and form.is_valid():
        scope = Scope.AGENCY if (request.POST.get("agency") and
                                 selectors.can_draft(person, document.agency_id, Scope.AGENCY)) else Scope.PERSONAL
        try:
            entry = services.entry_from_invitation(by=actor_from_request(request, SCOPE), incoming_id=document.pk,
                                                   scope=scope, **form.cleaned_data)
        except ValidationError as error:
            attach_errors(form, error)
        except NotAllowed:
            raise Http404() from None
        else:
            messages.success(request, _("The invitation is in the schedule of the people sent to it."))
            return redirect("schedules:entry", entry.pk)
    return render(request, "schedules/invitation.html", {
        "document": document, "form": form,
        "can_draft": selectors.can_draft(person, document.agency_id, Scope.AGENCY),
    })
