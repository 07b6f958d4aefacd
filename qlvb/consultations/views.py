"""Consultation pages: the lists, preparing one and its questions, answering, the compiled results
(with their export and publication), and the requests to meet the director. Views are thin:
selectors say what the person may see (404 otherwise), services act."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_POST

from qlvb.consultations import forms, rules, selectors, services
from qlvb.consultations.models import Consultation, Question
from qlvb.core.actor import actor_from_request, effective_person
from qlvb.core.errors import NotAllowed
from qlvb.core.forms import attach_errors
from qlvb.core.paging import CappedPaginator
from qlvb.org.http import PersonRequest
from qlvb.org.models import Agency, Person

SCOPE = "unit"
LIST_TITLES = {"to_answer": _lazy("Waiting for my opinion"), "open": _lazy("Open for opinions"),
               "closed": _lazy("Closed"), "mine": _lazy("Opened by me")}


def _person(request: PersonRequest) -> Person:
    return effective_person(request, SCOPE)


def _agency(person: Person) -> Agency:
    if person.agency is None:
        raise Http404()
    return person.agency


@login_required
def consultation_list(request: PersonRequest, name: str = "to_answer") -> HttpResponse:
    person = _person(request)
    if name not in LIST_TITLES:
        raise Http404()
    page = CappedPaginator(selectors.consultation_list(person, name), 25).get_page(request.GET.get("page"))
    return render(request, "consultations/list.html", {
        "name": name, "title": LIST_TITLES[name], "page": page, "lists": LIST_TITLES,
        "to_answer": selectors.count_to_answer(person),
        "may_create": person.agency_id is not None and rules.may_create(person, person.agency_id),
    })


@login_required
def create(request: PersonRequest) -> HttpResponse:
    person = _person(request)
    agency = _agency(person)
    if not rules.may_create(person, agency.pk):
        raise Http404()
    whole = agency.pk in rules.organiser_agency_ids(person)
    form = forms.ConsultationForm(request.POST or None, agency=agency, person=person,
                                  initial={"everyone": whole, "subject": "draft"})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        kind, document_id = form.linked()
        try:
            consultation = services.create(
                by=actor_from_request(request, SCOPE), agency=agency, title=data["title"], subject=data["subject"],
                topic=data["topic"], description=data["description"], opens_on=data["opens_on"],
                closes_on=data["closes_on"], everyone=data["everyone"], units=list(data["units"]),
                anonymous=data["anonymous"], lets_choose=data["lets_choose"], document_kind=kind,
                document_id=document_id)
        except ValidationError as error:
            attach_errors(form, error)
        except NotAllowed:
            raise Http404() from None
        else:
            messages.success(request, _("Consultation prepared. Add its questions, then open it."))
            return redirect("consultations:detail", consultation.pk)
    return render(request, "consultations/form.html", {"form": form}, status=400 if form.errors else 200)


def _detail_page(request: PersonRequest, person: Person, consultation: Consultation, *,
                 question_form: Any = None, answer_errors: dict[str, list[str]] | None = None,
                 status: int = 200) -> HttpResponse:
    d = selectors.detail(person, consultation)
    can = selectors.actions(person, consultation, d)
    return render(request, "consultations/detail.html", {
        "c": consultation, "d": d, "can": can, "state": selectors.state_label(consultation),
        "question_form": question_form or (forms.QuestionForm() if can["add_question"] else None),
        "answer_rows": _answer_rows(d.questions, request.POST if answer_errors else None, answer_errors or {}),
        "answer_errors": (answer_errors or {}).get("__all__", []),
    }, status=status)


def _answer_rows(questions: list[Question], given: Any, errors: dict[str, list[str]]) -> list[dict[str, Any]]:
    """What the answers form shows of each question: its field names, what was typed and its errors."""
    rows = []
    for q in questions:
        name = f"q{q.pk}"
        rows.append({
            "q": q, "name": name, "errors": errors.get(name, []),
            "value": given.get(name, "") if given else "",
            "values": given.getlist(name) if given else [],
            "options": [(str(i), label) for i, label in enumerate(q.options)],
            "articles": [{"i": i, "label": label, "agree": given.get(f"{name}_a{i}", "") if given else "",
                          "comment": given.get(f"{name}_c{i}", "") if given else ""}
                         for i, label in enumerate(q.options)] if q.kind == Question.Kind.ARTICLES else [],
        })
    return rows


@login_required
def detail(request: PersonRequest, pk: int) -> HttpResponse:
    person = _person(request)
    return _detail_page(request, person, selectors.get_consultation(person, pk))


@login_required
@require_POST
def action(request: PersonRequest, pk: int, verb: str) -> HttpResponse:
    person = _person(request)
    consultation = selectors.get_consultation(person, pk)
    d = selectors.detail(person, consultation)
    can = selectors.actions(person, consultation, d)
    allowed = {"question": can["add_question"], "remove_question": can["add_question"], "open": can["open"],
               "answer": d.participant, "close": can["close"], "publish": can["publish"]}
    if not allowed.get(verb):
        raise Http404()
    by = actor_from_request(request, SCOPE)
    try:
        if verb == "question":
            form = forms.QuestionForm(request.POST)
            if not form.is_valid():
                return _detail_page(request, person, consultation, question_form=form, status=400)
            try:
                services.add_question(by=by, consultation=consultation, kind=form.cleaned_data["kind"],
                                      text=form.cleaned_data["text"], options=form.lines(),
                                      required=form.cleaned_data["required"])
            except ValidationError as error:
                attach_errors(form, error)
                return _detail_page(request, person, consultation, question_form=form, status=400)
            messages.success(request, _("Question added."))
        elif verb == "remove_question":
            question = Question.objects.filter(consultation=consultation, pk=request.POST.get("question") or 0).first()
            if question is None:
                raise Http404()
            services.remove_question(by=by, question=question)
            messages.success(request, _("Question removed."))
        elif verb == "open":
            services.open_consultation(by=by, consultation=consultation)
            messages.success(request, _("Consultation opened: the people consulted are told."))
        elif verb == "answer":
            # One's own opinion: the person signed in, never on another's behalf.
            answers = forms.answers_from_post(request.POST, d.questions)
            try:
                services.answer(by=actor_from_request(request), consultation=consultation, answers=answers,
                                anonymously=request.POST.get("anonymously") == "1")
            except ValidationError as error:
                errors = error.message_dict if hasattr(error, "error_dict") else {"__all__": error.messages}
                return _detail_page(request, person, consultation, answer_errors=errors, status=400)
            anonymous = consultation.anonymous or (consultation.lets_choose and request.POST.get("anonymously") == "1")
            messages.success(request, _("Thank you: your answer is recorded anonymously.") if anonymous else
                             _("Thank you: your answer is recorded."))
        elif verb == "close":
            services.close(by=by, consultation=consultation)
            messages.success(request, _("Consultation closed."))
        elif verb == "publish":
            services.publish_results(by=by, consultation=consultation)
            messages.success(request, _("Results published to the people consulted."))
            return redirect("consultations:results", consultation.pk)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    except NotAllowed:
        raise Http404() from None
    return redirect("consultations:detail", consultation.pk)


def _results(request: PersonRequest, pk: int) -> tuple[Person, Consultation]:
    person = _person(request)
    consultation = selectors.get_consultation(person, pk)
    if not rules.may_see_results(person, consultation):
        raise Http404()
    return person, consultation


@login_required
def results(request: PersonRequest, pk: int) -> HttpResponse:
    person, consultation = _results(request, pk)
    d = selectors.detail(person, consultation)
    return render(request, "consultations/results.html", {
        "c": consultation, "r": selectors.results(consultation), "state": selectors.state_label(consultation),
        "can": selectors.actions(person, consultation, d)})


@login_required
def export(request: PersonRequest, pk: int, fmt: str) -> HttpResponse:
    _person_, consultation = _results(request, pk)
    compiled = selectors.results(consultation)
    if fmt == "xlsx":
        response = HttpResponse(selectors.export_xlsx(compiled), content_type=(
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))
    elif fmt == "csv":
        response = HttpResponse(selectors.export_csv(compiled), content_type="text/csv; charset=utf-8")
    else:
        raise Http404()
    response["Content-Disposition"] = f'attachment; filename="ket-qua-lay-y-kien-{consultation.pk}.{fmt}"'
    return response


# --- Requests to meet the director (002 Đ7) -------------------------------------------------------

@login_required
def meeting_requests(request: PersonRequest) -> HttpResponse:
    person = _person(request)
    agency = _agency(person)
    form = forms.MeetingRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.request_meeting(by=actor_from_request(request), agency=agency,
                                     subject=form.cleaned_data["subject"], reason=form.cleaned_data["reason"])
        except ValidationError as error:
            attach_errors(form, error)
        else:
            messages.success(request, _("Request sent to the director."))
            return redirect("consultations:meeting_requests")
    answering = rules.may_answer_requests(person, agency.pk)
    return render(request, "consultations/meeting_requests.html", {
        "form": form, "mine": list(selectors.my_requests(person)[:100]),
        "to_answer": list(selectors.requests_to_answer(person)[:200]) if answering else None,
    }, status=400 if form.errors else 200)


@login_required
def meeting_request(request: PersonRequest, pk: int) -> HttpResponse:
    person = _person(request)
    found = selectors.get_request(person, pk)
    may_answer = rules.may_answer_requests(person, found.agency_id) and found.status == "pending"
    form = forms.MeetingAnswerForm(request.POST or None) if may_answer else None
    if request.method == "POST":
        if form is None:
            raise Http404()
        if form.is_valid():
            try:
                services.answer_meeting_request(
                    by=actor_from_request(request, SCOPE), request=found, meets_at=form.cleaned_data["meets_at"],
                    place=form.cleaned_data["place"], note=form.cleaned_data["note"],
                    decline=request.POST.get("decline") == "1")
            except ValidationError as error:
                attach_errors(form, error)
            except NotAllowed:
                raise Http404() from None
            else:
                messages.success(request, _("Answer sent to the requester."))
                return redirect("consultations:meeting_request", found.pk)
    return render(request, "consultations/meeting_request.html", {"req": found, "form": form},
                  status=400 if form is not None and form.errors else 200)
