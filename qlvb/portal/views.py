"""The pages that gather every app: the home page, the working-day calendar and the audit log."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable
from datetime import date, datetime
from typing import Any, TypeVar

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from qlvb.core import personcache, selectors, services, workdays
from qlvb.core.actor import actor_from_request
from qlvb.core.errors import NotAllowed
from qlvb.core.forms import attach_errors
from qlvb.core.keptpages import kept_page
from qlvb.core.models import CalendarDay
from qlvb.core.text import as_id
from qlvb.core.verbs import VERBS, verb_label
from qlvb.exchange import selectors as exchange_selectors
from qlvb.notices import selectors as notice_selectors
from qlvb.org import permissions
from qlvb.org.http import PersonRequest
from qlvb.org.models import Person
from qlvb.org.roles import roles_of
from qlvb.org.selectors import delegations_in_force
from qlvb.outgoing import selectors as outgoing_selectors
from qlvb.portal import selectors as portal_selectors
from qlvb.portal.forms import CalendarDayForm

T = TypeVar("T")


@login_required
@kept_page(extra=lambda request: selectors.last_own_event(request.user))
def home(request: PersonRequest) -> HttpResponse:
    person = request.user
    effective = getattr(request, "acting_for", None) or person
    roles = roles_of(effective)
    today = timezone.localdate()

    def kept(name: str, owner: Person, compute: Callable[[], T]) -> T:
        # Until the next event, and for the day (lateness): core.personcache.
        return personcache.cached(name, owner.pk, compute, today)

    # The menu's counts, read once here under the menu's own key (the context processor's lazy copy
    # is then never read), and the lists behind them only when something waits.
    counts = kept("outgoing-counts", effective, lambda: outgoing_selectors.counts(effective))
    context = {
        "role": roles.primary,
        "effective": effective,
        "posts": kept("home-posts", effective, lambda: list(effective.posts.filter(end_date__isnull=True)
                                                              .select_related("unit", "position", "agency"))),
        "announcements": delegations_in_force(person.agency_id) if person.agency_id else [],
        "today_is_working": workdays.is_working_day(today, person.agency_id),
        "in_five": workdays.add_working_days(today, 5, person.agency_id),
        "activity": selectors.recent_activity(person),  # shows openings of secret documents: not kept
        "today": today,
        "outgoing_counts": counts,
        "waiting": kept("home-waiting", effective, lambda: outgoing_selectors.waiting_for(effective, names=[
            name for name in ("to_sign", "to_review") if counts.get(name)])),
        "reception_waiting": (kept("home-reception", effective, lambda: exchange_selectors.waiting_count(effective))
                              if roles.clerk_agency_ids else 0),
        "refusals": kept("home-refusals", effective, lambda: exchange_selectors.refusals_for(effective)),
        "late_reviews": kept("home-late-reviews", effective,
                             lambda: outgoing_selectors.late_reviews_for_signer(effective)),
        # Two queries, kept until the next event (a notice published or read is one).
        "notices": kept("home-notices", effective, lambda: notice_selectors.home_box(effective)),
    }
    return render(request, "portal/home.html", context)


@login_required
def calendar(request: PersonRequest) -> HttpResponse:
    person = request.user
    try:
        year = int(request.GET.get("year") or timezone.localdate().year)
    except ValueError:
        year = timezone.localdate().year
    year = min(max(year, 2000), 2100)
    can_edit = permissions.can_manage_agency(person, person.agency_id)
    picked = request.GET.get("date", "")[:10]
    form = CalendarDayForm(request.POST or None, initial={"date": picked} if picked else None) if can_edit else None
    if request.method == "POST":
        if not can_edit or form is None:
            raise Http404()
        if form.is_valid():
            data = form.cleaned_data
            agency_id = None if data["whole_installation"] else person.agency_id
            try:
                services.save_calendar_day(by=actor_from_request(request), agency_id=agency_id, day=data["date"],
                                           kind=data["kind"], name=data["name"])
            except ValidationError as error:
                attach_errors(form, error)
            except NotAllowed:
                form.add_error("whole_installation", _("Only the installation administrator may do this."))
            else:
                return redirect(f"{request.path}?year={data['date'].year}")
    rows = CalendarDay.objects.filter(date__year=year).filter(agency__isnull=True) | CalendarDay.objects.filter(
        date__year=year, agency=person.agency_id)
    return render(request, "portal/calendar.html", {
        "year": year, "holidays": sorted(workdays.national_holidays(year).items()),
        "rows": (days := list(rows.select_related("agency").order_by("date"))), "form": form, "can_edit": can_edit,
        "today": timezone.localdate(), "months": portal_selectors.year_grid(year, person.agency_id, days),
        "weekdays": [_("Mo"), _("Tu"), _("We"), _("Th"), _("Fr"), _("Sa"), _("Su")],
    })


@login_required
@require_POST
def calendar_remove(request: PersonRequest, pk: int) -> HttpResponse:
    row = get_object_or_404(CalendarDay, pk=pk)
    services.remove_calendar_day(by=actor_from_request(request), row=row)
    return redirect(f"{reverse('portal:calendar')}?year={row.date.year}")


def _filters(request: HttpRequest) -> selectors.EventFilter:
    def parse(value: str | None) -> date | None:
        for fmt in ("%d/%m/%Y", "%Y-%m-%d"):
            try:
                return datetime.strptime(value or "", fmt).date()
            except ValueError:
                continue
        return None

    actor = request.GET.get("actor")
    return selectors.EventFilter(
        verb=request.GET.get("verb", "")[:64],
        actor_id=as_id(actor),
        target=request.GET.get("target", "")[:100],
        since=parse(request.GET.get("since")),
        until=parse(request.GET.get("until")),
    )


@login_required
def audit(request: PersonRequest) -> HttpResponse:
    person = request.user
    agency_id = person.agency_id
    if request.GET.get("scope") == "system" and person.is_superuser:
        agency_id = None
    elif not permissions.can_view_audit_log(person, agency_id):
        raise Http404()
    filters = _filters(request)
    events = portal_selectors.audit_log(person, agency_id=agency_id, filters=filters)
    fmt = request.GET.get("format")
    if fmt in {"csv", "xlsx"}:
        return _export(portal_selectors.describe(person, events[:100_000].iterator(chunk_size=2000)), fmt)
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    page.object_list = list(portal_selectors.describe(person, page.object_list))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "portal/audit.html", {
        "page": page, "filters": filters, "verbs": sorted(VERBS.items()), "query": query.urlencode(),
        "people": Person.objects.filter(agency=person.agency_id, deleted_at__isnull=True)
                                .only("pk", "full_name").order_by("full_name"),
    })


def _export(events: Iterable[Any], fmt: str) -> HttpResponse:  # events as describe() gives them
    header = [_("Time"), _("Person"), _("On behalf of"), _("Action"), _("Object"), _("Details"), _("Address"),
              _("Chain"), _("Sequence"), _("Hash")]

    def rows():  # noqa: ANN202
        for e in events:
            yield [timezone.localtime(e.at).strftime("%d/%m/%Y %H:%M:%S"), str(e.actor or ""),
                   str(e.on_behalf_of or ""), verb_label(e.verb), e.shown_label, str(e.shown_data or ""), e.ip or "",
                   e.chain, e.seq, e.hash]

    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    if fmt == "csv":
        buffer = io.StringIO()
        buffer.write("\ufeff")  # Excel opens UTF-8 Vietnamese correctly only with a BOM.
        writer = csv.writer(buffer)
        writer.writerow(header)
        writer.writerows(rows())
        response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="nhat-ky-{stamp}.csv"'
        return response
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Audit log"))
    sheet.append(header)
    for row in rows():
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    response = HttpResponse(out.getvalue(),
                            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="nhat-ky-{stamp}.xlsx"'
    return response
