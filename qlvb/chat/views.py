"""Chat pages: the rooms one may enter, one room (its latest messages, older ones page by page,
a search of its history, the form to write) and its files. The page's script (static
qlvb/chat.js) opens the room's socket and shows new messages without a reload. Views are thin:
selectors say what the person may see (404 otherwise), services act."""

from __future__ import annotations

from django.contrib import messages as flash
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from qlvb.chat import forms, selectors, services
from qlvb.chat.models import Room
from qlvb.core import kinds
from qlvb.core.actor import Actor, client_ip
from qlvb.core.errors import NotAllowed
from qlvb.core.forms import attach_errors
from qlvb.files.views import file_response
from qlvb.org.http import PersonRequest
from qlvb.org.models import Person, Unit
from qlvb.org.roles import roles_of


def _actor(request: PersonRequest) -> Actor:
    """A chat is one's own: never on someone's behalf."""
    return Actor(person=request.user, ip=client_ip(request))


def _number(value: str | None) -> int | None:
    try:
        return int(value) if value else None
    except ValueError:
        return None


@login_required
def home(request: PersonRequest) -> HttpResponse:
    person = request.user
    rooms = selectors.with_names(person, list(selectors.rooms(person)[:200]))
    open_units = {r.unit_id for r in rooms if r.kind == Room.Kind.UNIT and r.unit_id is not None}
    my_units = list(Unit.objects.filter(pk__in=sorted(roles_of(person).unit_ids), deleted_at__isnull=True)
                    .exclude(pk__in=open_units).order_by("name"))
    return render(request, "chat/home.html", {
        "rooms": rooms, "my_units": my_units, "colleagues": selectors.colleagues(person)[:1000],
    })


def _room_page(request: PersonRequest, room: Room, form: forms.MessageForm | None = None,
               status: int = 200) -> HttpResponse:
    query = (request.GET.get("q") or "").strip()[:200]
    before = _number(request.GET.get("before"))
    rows = selectors.messages(room, before=before, query=query)
    return render(request, "chat/room.html", {
        "room": room, "rows": rows, "query": query, "before": before,
        "older": rows[0].pk if rows and len(rows) >= selectors.PAGE else None,
        "form": form or forms.MessageForm(), "last_id": rows[-1].pk if rows else 0,
        # A document's room: its members are the document's readers, so the link opens it to them.
        "document_url": (kinds.get(room.subject_kind).url(room.subject_id)
                         if room.kind == Room.Kind.DOCUMENT and room.subject_id else ""),
    }, status=status)


@login_required
def room(request: PersonRequest, pk: int) -> HttpResponse:
    return _room_page(request, selectors.room_for(request.user, pk))


@login_required
@require_POST
def post(request: PersonRequest, pk: int) -> HttpResponse:
    found = selectors.room_for(request.user, pk)
    form = forms.MessageForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.post(by=_actor(request), room=found, body=form.cleaned_data["body"],
                          uploads=form.cleaned_data["attachments"])
        except ValidationError as error:
            attach_errors(form, error)
        except NotAllowed as error:
            raise Http404() from error
        else:
            return redirect("chat:room", found.pk)
    return _room_page(request, found, form, status=400)


@login_required
@require_POST
def open_unit(request: PersonRequest, unit_pk: int) -> HttpResponse:
    unit = Unit.objects.filter(pk=unit_pk).first()
    if unit is None:
        raise Http404()
    try:
        found = services.unit_room(by=_actor(request), unit=unit)
    except NotAllowed as error:
        raise Http404() from error
    return redirect("chat:room", found.pk)


@login_required
@require_POST
def open_document(request: PersonRequest, kind: str, document_pk: int) -> HttpResponse:
    try:
        found = services.document_room(by=_actor(request), kind=kind, document_id=document_pk)
    except (NotAllowed, KeyError) as error:
        raise Http404() from error
    return redirect("chat:room", found.pk)


@login_required
@require_POST
def open_direct(request: PersonRequest) -> HttpResponse:
    other = Person.objects.filter(pk=_number(request.POST.get("person")) or 0).first()
    try:
        if other is None:
            raise ValidationError(_("Choose a colleague of your agency to talk to."))
        found = services.direct_room(by=_actor(request), other=other)
    except ValidationError as error:
        flash.error(request, " ".join(error.messages))
        return redirect("chat:home")
    except NotAllowed as error:
        raise Http404() from error
    return redirect("chat:room", found.pk)


@login_required
def file_view(request: PersonRequest, pk: int, file_pk: int, disposition: str = "download") -> HttpResponseBase:
    found = selectors.room_for(request.user, pk)
    item = selectors.file_of(found, file_pk)
    return file_response(request, item.stored, filename=item.name, inline=disposition == "view")
