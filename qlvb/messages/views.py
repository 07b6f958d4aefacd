"""Internal message pages: the folders (inbox, sent, archived, trash) sorted and filtered, writing
a message, one message with the original it forwards, and the actions on one's own copy. Views are
thin: selectors say what the person may see (404 otherwise), services act. Messages are personal:
a delegate does not read the delegator's messages (no delegation scope here)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages as flash
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from qlvb.core.actor import Actor, client_ip
from qlvb.core.errors import NotAllowed
from qlvb.core.forms import VNDateField, attach_errors
from qlvb.dossiers import selectors as dossier_selectors
from qlvb.files.views import file_response
from qlvb.messages import forms, rules, selectors, services
from qlvb.org.http import PersonRequest
from qlvb.org.models import Agency, Person

FOLDER_TITLES = {"inbox": gettext_lazy("Inbox"), "sent": gettext_lazy("Sent"), "archived": gettext_lazy("Archived"),
                 "trash": gettext_lazy("Trash")}
SORT_TITLES = {"date": gettext_lazy("By date"), "sender": gettext_lazy("By sender"),
               "subject": gettext_lazy("By subject")}


def _by(request: PersonRequest) -> Actor:
    return Actor(person=request.user, ip=client_ip(request))


def _agency(person: Person) -> Agency:
    if person.agency is None:
        raise Http404()
    return person.agency


def _filters(request: PersonRequest) -> selectors.Filters:
    get = request.GET
    dates = {}
    for name in ("date_from", "date_to"):
        try:
            dates[name] = VNDateField(required=False).clean(get.get(name, ""))
        except ValidationError:
            dates[name] = None
    sender = get.get("sender", "")
    return selectors.Filters(unread=get.get("unread") == "1", files=get.get("files") == "1",
                             sender=int(sender) if sender.isdigit() and len(sender) < 18 else None,
                             q=get.get("q", "")[:200], **dates)


@login_required
def folder(request: PersonRequest, name: str = "inbox") -> HttpResponse:
    person = request.user
    if name not in FOLDER_TITLES:
        raise Http404()
    sort = request.GET.get("sort", "date")
    sort = sort if sort in selectors.SORTS else "date"
    descending = request.GET.get("dir", "desc" if sort == "date" else "asc") != "asc"
    filters = _filters(request)
    page = selectors.folder_page(person, name, sort=sort, descending=descending,
                                 cursor=request.GET.get("cursor", ""), filters=filters)
    params = request.GET.copy()
    params.pop("cursor", None)
    next_params = params.copy()
    next_params["cursor"] = page.next_cursor
    return render(request, "messages/folder.html", {
        "name": name, "title": FOLDER_TITLES[name], "folders": FOLDER_TITLES, "sorts": SORT_TITLES, "page": page,
        "sort": sort, "descending": descending, "filters": filters, "unread": selectors.unread_counts(person),
        "first_url": f"?{params.urlencode()}" if request.GET.get("cursor") else "",
        "next_url": f"?{next_params.urlencode()}" if page.next_cursor else "",
        "filter_query": params.urlencode(),
    })


def _recipients(data: dict[str, Any]) -> services.Recipients:
    return services.Recipients(people=list(data.get("people") or []), units=list(data.get("units") or []),
                               whole_units=list(data.get("whole_units") or []), leaders=bool(data.get("leaders")))


@login_required
def compose(request: PersonRequest) -> HttpResponse:
    person = request.user
    agency = _agency(person)
    initial: dict[str, Any] = {}
    if request.GET.get("to", "").isdigit():
        initial["people"] = [int(request.GET["to"])]
    form = forms.ComposeForm(request.POST or None, request.FILES or None, person=person, agency=agency,
                             initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            message = services.send(by=_by(request), agency=agency, subject=data["subject"], body=data["body"],
                                    to=_recipients(data), uploads=data["attachments"], links=form.links())
        except ValidationError as error:
            attach_errors(form, error)
        except NotAllowed:
            raise Http404() from None
        else:
            flash.success(request, _("Message sent."))
            return redirect("messages:detail", message.pk)
    return render(request, "messages/compose.html", {"form": form, "unread": selectors.unread_counts(person),
                                                     "folders": FOLDER_TITLES},
                  status=400 if form.errors else 200)


def _page(request: PersonRequest, person: Person, pk: int, **given: Any) -> HttpResponse:
    message, copy = selectors.get_message(person, pk)
    if copy.read_at is None and not given:
        copy = services.mark_read(by=_by(request), message=message)
    d = selectors.detail(person, message, copy)
    agency = message.agency
    may_task = rules.may_make_task(person, message)
    fileable = dossier_selectors.fileable_dossiers(person).filter(agency_id=agency.pk)
    return render(request, "messages/detail.html", {
        "m": message, "copy": copy, "d": d, "folders": FOLDER_TITLES, "unread": selectors.unread_counts(person),
        "folder_title": FOLDER_TITLES.get(copy.folder, ""),
        "reply_form": given.get("reply") or forms.ReplyForm(prefix="r"),
        "forward_form": given.get("forward") or forms.ForwardForm(agency=agency, prefix="f"),
        "task_form": given.get("task") or (forms.TaskForm(agency=agency, prefix="t") if may_task else None),
        "file_form": given.get("file") or (forms.FileForm(dossiers=fileable, prefix="d") if fileable.exists()
                                           else None),
        "open": next(iter(given), ""),
    }, status=400 if given else 200)


@login_required
def detail(request: PersonRequest, pk: int) -> HttpResponse:
    return _page(request, request.user, pk)


MOVES = {"archive": gettext_lazy("Moved to Archived."), "trash": gettext_lazy("Moved to Trash."),
         "restore": gettext_lazy("Moved back."),
         "delete": gettext_lazy("Deleted from your folders. The others keep their copies.")}


@login_required
@require_POST
def action(request: PersonRequest, pk: int, verb: str) -> HttpResponse:
    person = request.user
    message, copy = selectors.get_message(person, pk)
    by = _by(request)
    agency = message.agency
    form: Any = None
    try:
        if verb in MOVES:
            services.move(by=by, message=message, to=verb)
            flash.success(request, str(MOVES[verb]))
            back = copy.home if verb == "restore" else copy.folder
            return redirect("messages:folder", back if back in FOLDER_TITLES else "inbox")
        if verb in ("read", "unread"):
            services.mark_read(by=by, message=message, read=verb == "read")
            return redirect("messages:folder", copy.folder if copy.folder in FOLDER_TITLES else "inbox")
        if verb == "reply":
            form = forms.ReplyForm(request.POST, request.FILES, prefix="r")
            if form.is_valid():
                made = services.reply(by=by, message=message, body=form.cleaned_data["body"],
                                      reply_all=form.cleaned_data["reply_all"],
                                      uploads=form.cleaned_data["attachments"])
                flash.success(request, _("Reply sent."))
                return redirect("messages:detail", made.pk)
        elif verb == "forward":
            form = forms.ForwardForm(request.POST, request.FILES, agency=agency, prefix="f")
            if form.is_valid():
                made = services.forward(by=by, message=message, to=_recipients(form.cleaned_data),
                                        instruction=form.cleaned_data["instruction"],
                                        uploads=form.cleaned_data["attachments"])
                flash.success(request, _("Message forwarded."))
                return redirect("messages:detail", made.pk)
        elif verb == "task":
            if not rules.may_make_task(person, message):
                raise Http404()
            form = forms.TaskForm(request.POST, agency=agency, prefix="t")
            if form.is_valid():
                owner_person, owner_unit = form.owner_value()
                data = form.cleaned_data
                task = services.make_task(by=by, message=message, owner_person=owner_person, owner_unit=owner_unit,
                                          deadline=data["deadline"], title=data["title"],
                                          working_days=None if data["deadline"] else data["working_days"])
                flash.success(request, _("Task assigned from the message."))
                return redirect(reverse("tasks:detail", args=[task.pk]))
        elif verb == "file":
            form = forms.FileForm(request.POST, prefix="d",
                                  dossiers=dossier_selectors.fileable_dossiers(person).filter(agency_id=agency.pk))
            if form.is_valid():
                services.file_into(by=by, message=message, dossier=form.cleaned_data["dossier"])
                flash.success(request, _("Message filed into the dossier."))
                return redirect("messages:detail", message.pk)
        else:
            raise Http404()
    except NotAllowed:
        raise Http404() from None
    except ValidationError as error:
        if form is None:
            for text in error.messages:
                flash.error(request, text)
            return redirect("messages:detail", message.pk)
        attach_errors(form, error)
    return _page(request, person, pk, **{verb: form})


@login_required
@require_POST
def bulk(request: PersonRequest, name: str) -> HttpResponse:
    """The list's checkboxes: archive, trash, restore or delete several of one's messages."""
    verb = request.POST.get("verb", "")
    if name not in FOLDER_TITLES or verb not in MOVES:
        raise Http404()
    ids = [int(v) for v in request.POST.getlist("ids") if v.isdigit() and len(v) < 18]
    done = services.move_many(by=_by(request), message_ids=ids, to=verb)
    flash.success(request, _("%(n)s messages moved.") % {"n": done})
    return redirect("messages:folder", name)


@login_required
def file_view(request: PersonRequest, pk: int, file_pk: int, disposition: str) -> HttpResponseBase:
    message, _copy = selectors.get_message(request.user, pk)
    item = selectors.file_of(message, file_pk)
    return file_response(request, item.stored, filename=item.name, inline=disposition == "view")
