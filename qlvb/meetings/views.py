"""Meeting pages: the lists (upcoming, past, waiting for my answer), one meeting with its
invitees, agenda, documents, attendance, minutes and conclusions (with their tasks), the forms that
act on it, and the conclusions notice. Views are thin: selectors say what the person may see (404
otherwise), services act."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_POST

from qlvb.core.actor import actor_from_request, effective_person
from qlvb.core.errors import NotAllowed
from qlvb.core.forms import attach_errors
from qlvb.core.paging import CappedPaginator
from qlvb.core.selectors import timeline
from qlvb.files.views import file_response
from qlvb.meetings import forms, rules, selectors, services
from qlvb.meetings.models import AgendaItem, Conclusion, Invitee, Meeting
from qlvb.org.http import PersonRequest
from qlvb.org.models import Agency, Person

SCOPE = "unit"

LIST_TITLES = {"upcoming": _lazy("Upcoming"), "past": _lazy("Past"), "to_answer": _lazy("Waiting for my answer")}


def _person(request: PersonRequest) -> Person:
    return effective_person(request, SCOPE)


def _agency(person: Person) -> Agency:
    if person.agency is None:
        raise Http404()
    return person.agency


@login_required
def meeting_list(request: PersonRequest, name: str = "upcoming") -> HttpResponse:
    person = _person(request)
    if name not in LIST_TITLES:
        raise Http404()
    page = CappedPaginator(selectors.meeting_list(person, name), 25).get_page(request.GET.get("page"))
    return render(request, "meetings/list.html", {
        "name": name, "title": LIST_TITLES[name], "page": page, "lists": LIST_TITLES,
        "to_answer": selectors.count_to_answer(person),
        "may_create": person.agency_id is not None and rules.may_create(person, person.agency_id),
    })


def _form_values(form: forms.MeetingForm) -> dict[str, Any]:
    data = form.cleaned_data
    return {"kind": data["kind"], "title": data["title"], "starts_at": data["starts_at"], "ends_at": data["ends_at"],
            "chair": data["chair"], "secretary": data["secretary"], "organising_unit": data["organising_unit"],
            "place": data["place"], "people": list(data["people"]), "units": list(data["units"])}


@login_required
def create(request: PersonRequest) -> HttpResponse:
    person = _person(request)
    agency = _agency(person)
    if not rules.may_create(person, agency.pk):
        raise Http404()
    form = forms.MeetingForm(request.POST or None, agency=agency, initial={"kind": request.GET.get("kind", "")})
    if request.method == "POST" and form.is_valid():
        try:
            meeting = services.create(by=actor_from_request(request, SCOPE), agency=agency, **_form_values(form))
        except ValidationError as error:
            attach_errors(form, error)
        except NotAllowed:
            raise Http404() from None
        else:
            messages.success(request, _("Meeting prepared. Add the agenda and documents, then send the invitations."))
            return redirect("meetings:detail", meeting.pk)
    return render(request, "meetings/form.html", {"form": form, "meeting": None},
                  status=400 if form.errors else 200)


@login_required
def edit(request: PersonRequest, pk: int) -> HttpResponse:
    person = _person(request)
    meeting = selectors.get_meeting(person, pk)
    if not (rules.may_manage(person, meeting) and meeting.is_editable):
        raise Http404()
    initial = {"kind": meeting.kind, "title": meeting.title, "starts_at": timezone.localtime(meeting.starts_at),
               "ends_at": timezone.localtime(meeting.ends_at), "place": meeting.place, "chair": meeting.chair,
               "secretary": meeting.secretary, "organising_unit": meeting.organising_unit,
               "people": [i.person_id for i in meeting.invitees.all() if i.person_id],
               "units": [i.unit_id for i in meeting.invitees.all() if i.unit_id]}
    form = forms.MeetingForm(request.POST or None, agency=meeting.agency, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.update(by=actor_from_request(request, SCOPE), meeting=meeting, **_form_values(form))
        except ValidationError as error:
            attach_errors(form, error)
        except NotAllowed:
            raise Http404() from None
        else:
            messages.success(request, _("Meeting changed."))
            return redirect("meetings:detail", meeting.pk)
    return render(request, "meetings/form.html", {"form": form, "meeting": meeting},
                  status=400 if form.errors else 200)


@login_required
def detail(request: PersonRequest, pk: int) -> HttpResponse:
    person = _person(request)
    return _detail_page(request, person, selectors.get_meeting(person, pk))


def _detail_page(request: PersonRequest, person: Person, meeting: Meeting, **given: Any) -> HttpResponse:
    d = selectors.detail(person, meeting)
    can = selectors.actions(person, meeting, d)
    agency = meeting.agency
    answer_forms = [(invitee, given.get("answer") if given.get("answer_for") == invitee.pk else
                     forms.AnswerForm(agency=agency, initial={"invitee": invitee.pk, "answer": invitee.answer
                                                              if invitee.answer != Invitee.Answer.PENDING else
                                                              Invitee.Answer.ACCEPTED, "note": invitee.note,
                                                              "substitute": invitee.substitute_id},
                                      prefix=f"a{invitee.pk}"))
                    for invitee in can["answer"]]
    minutes_body = d.minutes.body if d.minutes else ""
    return render(request, "meetings/detail.html", {
        "meeting": meeting, "d": d, "can": can, "events": timeline(meeting), "now": timezone.now(),
        "answer_forms": answer_forms,
        "agenda_form": given.get("agenda") or forms.AgendaForm(agency=agency),
        "document_form": given.get("document") or (forms.DocumentForm(person=person, meeting=meeting)
                                                   if can["attach"] else None),
        "attendance_form": given.get("attendance") or forms.AttendanceForm(people=d.expected, current=d.attendance),
        "minutes_form": given.get("minutes") or forms.MinutesForm(initial={"body": minutes_body}),
        "decide_form": given.get("decide") or forms.DecideMinutesForm(),
        "conclusion_form": given.get("conclusion") or forms.ConclusionForm(agency=agency),
        "cancel_form": given.get("cancel") or forms.CancelForm(),
        "repeat_form": given.get("repeat") or forms.RepeatForm(initial={
            "frequency": meeting.series.frequency if meeting.series else
            ("monthly" if meeting.kind == Meeting.Kind.UNIT_MONTHLY else "weekly")}),
    }, status=400 if given else 200)


VERBS = ("answer", "agenda", "agenda_remove", "document", "attendance", "minutes", "decide", "conclusion",
         "conclusion_remove", "publish", "tasks", "invite", "cancel", "repeat")


RIGHTS: dict[str, Any] = {
    "answer": lambda person, meeting: True,  # the invitation answered must be one of his (below)
    **dict.fromkeys(("agenda", "agenda_remove", "document", "cancel", "repeat", "invite"), rules.may_manage),
    **dict.fromkeys(("attendance", "minutes"), rules.may_record),
    **dict.fromkeys(("decide", "publish", "tasks"), rules.may_direct),
    "conclusion": rules.may_conclude,
    "conclusion_remove": rules.may_conclude,
}


def _posted_id(request: PersonRequest) -> int:
    value = request.POST.get("item", "")
    return int(value) if value.isdigit() and len(value) < 12 else 0


@login_required
@require_POST
def action(request: PersonRequest, pk: int, verb: str) -> HttpResponse:
    person = _person(request)
    meeting = selectors.get_meeting(person, pk)
    if verb not in VERBS or not RIGHTS[verb](person, meeting):
        raise Http404()  # without the right, as for a meeting he may not see: before reading the form
    by = actor_from_request(request, SCOPE)
    agency = meeting.agency
    form: Any = None
    given: dict[str, Any] = {}
    try:
        if verb == "answer":
            invitee_id = request.POST.get("invitee_id", "")
            invitee = next((i for i in rules.invitees_to_answer(person, meeting) if str(i.pk) == invitee_id), None)
            if invitee is None:
                raise Http404()
            form = forms.AnswerForm(request.POST, agency=agency, prefix=f"a{invitee.pk}")
            given = {"answer_for": invitee.pk}
            if form.is_valid():
                services.answer(by=by, invitee=invitee, answer=form.cleaned_data["answer"],
                                note=form.cleaned_data["note"], substitute=form.cleaned_data["substitute"])
                messages.success(request, _("Answer sent."))
        elif verb == "agenda":
            form = forms.AgendaForm(request.POST, agency=agency)
            if form.is_valid():
                services.add_agenda_item(by=by, meeting=meeting, title=form.cleaned_data["title"],
                                         presenter=form.cleaned_data["presenter"])
                messages.success(request, _("Agenda item added."))
        elif verb == "agenda_remove":
            services.remove_agenda_item(by=by, meeting=meeting, item=get_object_or_404(
                AgendaItem, meeting=meeting, pk=_posted_id(request)))
            messages.success(request, _("Agenda item removed."))
        elif verb == "conclusion_remove":
            conclusion = get_object_or_404(Conclusion, meeting=meeting, pk=_posted_id(request))
            services.remove_conclusion(by=by, meeting=meeting, conclusion=conclusion)
            messages.success(request, _("Conclusion removed."))
        elif verb == "document":
            form = forms.DocumentForm(request.POST, request.FILES, person=person, meeting=meeting)
            if form.is_valid():
                name, document_id = form.linked()
                item = meeting.agenda.filter(pk=form.cleaned_data["agenda_item"] or 0).first()
                services.attach(by=by, meeting=meeting, kind=name, document_id=document_id,
                                uploads=form.cleaned_data["attachments"], agenda_item=item)
                messages.success(request, _("Document attached."))
        elif verb == "attendance":
            d = selectors.detail(person, meeting)
            form = forms.AttendanceForm(request.POST, people=d.expected, current=d.attendance)
            if form.is_valid():
                services.record_attendance(by=by, meeting=meeting, statuses=form.statuses())
                messages.success(request, _("Attendance recorded."))
        elif verb == "minutes":
            form = forms.MinutesForm(request.POST)
            if form.is_valid():
                submit = request.POST.get("submit") == "submit"
                services.save_minutes(by=by, meeting=meeting, body=form.cleaned_data["body"], submit=submit)
                messages.success(request, _("Minutes sent to the chair.") if submit else _("Minutes saved."))
        elif verb == "decide":
            form = forms.DecideMinutesForm(request.POST)
            if form.is_valid():
                services.decide_minutes(by=by, meeting=meeting, approve=form.cleaned_data["approve"],
                                        note=form.cleaned_data["note"])
                messages.success(request, _("Minutes approved.") if form.cleaned_data["approve"]
                                 else _("Minutes returned to the secretary."))
        elif verb == "conclusion":
            form = forms.ConclusionForm(request.POST, agency=agency)
            if form.is_valid():
                owner_person, owner_unit = form.owner_value()
                data = form.cleaned_data
                services.add_conclusion(by=by, meeting=meeting, text=data["text"], owner_person=owner_person,
                                        owner_unit=owner_unit, deadline=data["deadline"],
                                        working_days=None if data["deadline"] else data["working_days"])
                messages.success(request, _("Conclusion added."))
        elif verb == "cancel":
            form = forms.CancelForm(request.POST)
            if form.is_valid():
                services.cancel(by=by, meeting=meeting, reason=form.cleaned_data["reason"])
                messages.success(request, _("Meeting cancelled."))
        elif verb == "repeat":
            form = forms.RepeatForm(request.POST)
            if form.is_valid():
                made = services.repeat(by=by, meeting=meeting, frequency=form.cleaned_data["frequency"],
                                       count=form.cleaned_data["count"])
                messages.success(request, _("%(n)s next meetings prepared.") % {"n": len(made)})
        elif verb == "invite":
            services.invite(by=by, meeting=meeting)
            messages.success(request, _("Invitations sent; the meeting is on the invitees' schedules."))
        elif verb == "publish":
            services.publish_conclusions(by=by, meeting=meeting)
            messages.success(request, _("Conclusions notice published."))
        else:
            made_tasks = services.make_tasks(by=by, meeting=meeting)
            messages.success(request, _("%(n)s tasks assigned from the conclusions.") % {"n": len(made_tasks)})
    except NotAllowed:
        raise Http404() from None
    except ValidationError as error:
        if form is None:
            for message in error.messages:
                messages.error(request, message)
            return redirect("meetings:detail", meeting.pk)
        attach_errors(form, error)
    if form is None or not form.errors:
        return redirect("meetings:detail", meeting.pk)
    key = {"answer": "answer"}.get(verb, verb)
    return _detail_page(request, person, selectors.get_meeting(person, pk), **{key: form, **given})


@login_required
def notice(request: PersonRequest, pk: int) -> HttpResponse:
    """The conclusions notice (thông báo kết luận): the published conclusions, printable."""
    person = _person(request)
    meeting = selectors.get_meeting(person, pk)
    if not meeting.conclusions_published:
        raise Http404()
    return render(request, "meetings/notice.html", {
        "meeting": meeting, "conclusions": selectors.conclusions(meeting),
        "minutes": meeting.minutes if hasattr(meeting, "minutes") else None,
    })


@login_required
def file_view(request: PersonRequest, pk: int, file_pk: int, disposition: str) -> HttpResponseBase:
    meeting = selectors.get_meeting(_person(request), pk)
    item = selectors.file_of(meeting, file_pk)
    assert item.stored is not None
    return file_response(request, item.stored, filename=item.name, inline=disposition == "view")
