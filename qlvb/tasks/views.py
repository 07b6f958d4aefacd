"""Task pages: my lists with counts, the units' overview, one task with its timeline, and the
forms to assign, report, ask for more time, decide, complete and evaluate. Views are thin:
selectors say what the person may see (404 otherwise), services act."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_POST

from qlvb.core import kinds
from qlvb.core.actor import actor_from_request, effective_person
from qlvb.core.errors import NotAllowed
from qlvb.core.forms import attach_errors
from qlvb.core.paging import CappedPaginator
from qlvb.core.selectors import timeline
from qlvb.files.views import file_response
from qlvb.org.http import PersonRequest
from qlvb.org.models import Agency, Person, Unit
from qlvb.tasks import forms, rules, selectors, services
from qlvb.tasks.models import Link, Task
from qlvb.tasks.services import Owner

SCOPE = "unit"  # a delegation of the unit's work lets the delegate act on its tasks

LIST_TITLES = {
    "to_do": _lazy("To do"), "overdue": _lazy("Overdue"), "due_soon": _lazy("Due soon"),
    "coordinating": _lazy("Coordinating"), "assigned": _lazy("Assigned by me"), "done": _lazy("Done"),
}
UNIT_LISTS = {"to_do": _lazy("Open"), "overdue": _lazy("Overdue"), "due_soon": _lazy("Due soon"),
              "done": _lazy("Done")}


def _person(request: PersonRequest) -> Person:
    return effective_person(request, SCOPE)


def _agency(person: Person) -> Agency:
    if person.agency is None:
        raise Http404()
    return person.agency


@login_required
def task_list(request: PersonRequest, name: str = "to_do") -> HttpResponse:
    person = _person(request)
    if name not in LIST_TITLES:
        raise Http404()
    page = CappedPaginator(selectors.task_list(person, name), 25).get_page(request.GET.get("page"))
    return render(request, "tasks/list.html", {
        "name": name, "title": LIST_TITLES[name], "page": page, "lists": LIST_TITLES,
        "counts": selectors.counts(person), "today": timezone.localdate(),
        "may_assign": bool(selectors.overview_units(person)),
    })


@login_required
def overview(request: PersonRequest) -> HttpResponse:
    """The unit head's (and the leader's) overview: each unit's open, overdue, due-soon and done
    tasks; one unit's list below."""
    person = _person(request)
    units = selectors.overview_units(person)
    if not units:
        raise Http404()
    rows = selectors.overview(person, units)
    unit: Unit | None = None
    page = None
    name = request.GET.get("list", "to_do")
    if name not in UNIT_LISTS:
        raise Http404()
    chosen = request.GET.get("unit", "")
    unit = next((u for u in units if str(u.pk) == chosen), units[0] if len(units) == 1 else None)
    if unit is not None:
        page = CappedPaginator(selectors.unit_tasks(person, unit, name), 25).get_page(request.GET.get("page"))
    return render(request, "tasks/overview.html", {
        "rows": rows, "unit": unit, "page": page, "name": name, "lists": UNIT_LISTS,
        "today": timezone.localdate(), "query": f"unit={unit.pk}&list={name}" if unit else "",
    })


@dataclass(frozen=True)
class Origin:
    kind: str
    pk: int
    label: str
    url: str
    reference: str  # its number and notation: what the task shows as its source, even to those who
    # may not open the document (a secret one's summary never goes there)

    @property
    def key(self) -> str:
        return f"{self.kind}:{self.pk}"


def _origin(person: Person, agency: Agency, value: str) -> Origin | None:
    """The document a task is assigned from ("incoming:123", the document page's "Assign a task"),
    if the person may see it; anything else is ignored."""
    kind_name, _colon, pk = value.partition(":")
    if not pk.isdigit() or kind_name == "task":
        return None
    try:
        kind = kinds.get(kind_name)
    except KeyError:
        return None
    document = kinds.visible(kind_name, person).filter(pk=int(pk), agency_id=agency.pk).first()
    if document is None:
        return None
    return Origin(kind_name, document.pk, str(document), kind.url(document.pk),
                  str(getattr(document, "reference", "") or ""))


@login_required
def assign(request: PersonRequest, parent: int | None = None) -> HttpResponse:
    person = _person(request)
    agency = _agency(person)
    parent_task = selectors.get_task(person, parent) if parent else None
    if parent_task is not None and not rules.may_split(person, parent_task):
        raise Http404()
    origin = _origin(person, agency, request.POST.get("origin") or request.GET.get("from") or "")
    initial = ({"source": Task.Source.DOCUMENT, "source_ref": origin.reference[:100]} if origin else {})
    form = forms.AssignForm(request.POST or None, person=person, agency=agency, initial=initial)
    if parent_task is None and not form.owner_people and not form.owner_units:
        raise Http404()
    if request.method == "POST" and form.is_valid():
        owner_person, owner_unit = form.owner_value()
        people, units = form.coordinator_values()
        data = form.cleaned_data
        try:
            task = services.assign(
                by=actor_from_request(request, SCOPE), agency=agency, title=data["title"],
                description=data["description"], owner=Owner(person=owner_person, unit=owner_unit),
                deadline=data["deadline"], working_days=None if data["deadline"] else data["working_days"],
                coordinators=people, coordinating_units=units, parent=parent_task,
                source=data["source"], source_ref=data["source_ref"],
                links=[(origin.kind, origin.pk, Link.Role.ORIGIN)] if origin else [])
        except ValidationError as error:
            attach_errors(form, error)
        except NotAllowed:
            form.add_error("owner", _("You may not assign a task to this owner."))
        else:
            messages.success(request, _("Task assigned."))
            return redirect("tasks:detail", task.pk)
    return render(request, "tasks/assign.html", {"form": form, "parent": parent_task, "origin": origin})


@login_required
def detail(request: PersonRequest, pk: int) -> HttpResponse:
    person = _person(request)
    task = selectors.get_task(person, pk)
    return _detail_page(request, person, task)


def _detail_page(request: PersonRequest, person: Person, task: Any, **forms_given: Any) -> HttpResponse:
    can = selectors.actions(person, task)
    return render(request, "tasks/detail.html", {
        "task": task, "d": selectors.detail(person, task), "can": can, "events": timeline(task),
        "pending": selectors.pending_extension(task), "today": timezone.localdate(),
        "report_form": forms_given.get("report") or forms.ReportForm(initial={"progress": task.progress}),
        "extension_form": forms_given.get("extension") or forms.ExtensionForm(),
        "decide_form": forms_given.get("decide") or forms.DecideForm(),
        "complete_form": forms_given.get("complete") or forms.CompleteForm(),
        "link_form": forms_given.get("link") or forms.LinkForm(),
        "change_form": forms_given.get("change") or (forms.ChangeForm(person=person, task=task) if can["change"]
                                                    else None),
        "withdraw_form": forms_given.get("withdraw") or forms.WithdrawForm(),
        "evaluate_form": forms_given.get("evaluate") or forms.EvaluateForm(),
    }, status=400 if forms_given else 200)


FORMS = {"report": forms.ReportForm, "extension": forms.ExtensionForm, "decide": forms.DecideForm,
         "complete": forms.CompleteForm, "evaluate": forms.EvaluateForm, "link": forms.LinkForm,
         "change": forms.ChangeForm, "withdraw": forms.WithdrawForm}


@login_required
@require_POST
def action(request: PersonRequest, pk: int, verb: str) -> HttpResponse:
    person = _person(request)
    task = selectors.get_task(person, pk)
    if verb not in FORMS:
        raise Http404()
    form = (forms.ChangeForm(request.POST, person=person, task=task) if verb == "change"
            else FORMS[verb](request.POST, request.FILES))
    by = actor_from_request(request, SCOPE)
    if form.is_valid():
        data = form.cleaned_data
        try:
            if verb == "report":
                services.report(by=by, task=task, note=data["note"], progress=data["progress"],
                                uploads=data["attachments"])
                messages.success(request, _("Progress reported."))
            elif verb == "extension":
                services.request_extension(by=by, task=task, deadline=data["deadline"], reason=data["reason"])
                messages.success(request, _("Extension requested."))
            elif verb == "decide":
                pending = selectors.pending_extension(task)
                if pending is None:
                    raise ValidationError(_("No extension request is waiting."))
                services.decide_extension(by=by, request=pending, approve=data["approve"], note=data["note"])
                messages.success(request, _("Decision recorded."))
            elif verb == "complete":
                services.complete(by=by, task=task, result=data["result"], uploads=data["attachments"])
                messages.success(request, _("Task completed."))
            elif verb == "change":
                owner_person, owner_unit = form.owner_value()
                services.change(by=by, task=task, title=data["title"], description=data["description"],
                                deadline=data["deadline"], owner=Owner(person=owner_person, unit=owner_unit),
                                reason=data["reason"])
                messages.success(request, _("Task changed."))
            elif verb == "withdraw":
                services.withdraw(by=by, task=task, reason=data["reason"])
                messages.success(request, _("Task withdrawn."))
            elif verb == "link":
                found = selectors.find_document(person, task.agency_id, data["reference"])
                if found is None:
                    raise ValidationError({"reference": _("No such document among those you may see.")})
                services.link(by=by, task=task, kind=found[0], document_id=found[1], role=data["role"])
                messages.success(request, _("Document linked."))
            else:
                services.evaluate(by=by, task=task, evaluation=data["evaluation"], note=data["note"])
                messages.success(request, _("Evaluation recorded."))
        except NotAllowed:
            raise Http404() from None
        except ValidationError as error:
            attach_errors(form, error)
        else:
            return redirect("tasks:detail", task.pk)
    return _detail_page(request, person, task, **{verb: form})


@login_required
def file_view(request: PersonRequest, pk: int, file_pk: int, disposition: str) -> HttpResponseBase:
    task = selectors.get_task(_person(request), pk)
    item = selectors.file_of(task, file_pk)
    return file_response(request, item.stored, filename=item.name, inline=disposition == "view")



