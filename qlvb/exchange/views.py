"""Exchange pages: the reception queue and its items, the sender's recall/update/replacement,
and the administrators' peers page."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from qlvb.core.actor import actor_from_request, effective_person
from qlvb.core.paging import CappedPaginator
from qlvb.exchange import selectors, services
from qlvb.exchange.models import Peer, ReceptionFile, ReceptionItem
from qlvb.files.views import file_response
from qlvb.org.http import PersonRequest
from qlvb.org.models import Person

SCOPE = "incoming"


def _person(request: PersonRequest) -> Person:
    return effective_person(request, SCOPE)


def _messages_of(error: ValidationError) -> str:
    return " ".join(str(m) for m in error.messages)


@login_required
def queue(request: PersonRequest) -> HttpResponse:
    person = _person(request)
    if not selectors.clerk_agency_ids(person):
        raise Http404()
    state = request.GET.get("state", "waiting")
    if state not in {"", *ReceptionItem.State.values}:
        state = "waiting"
    source = request.GET.get("source", "")
    source = source if source in ReceptionItem.Source.values else ""
    kind = request.GET.get("kind", "")
    kind = kind if kind in ReceptionItem.Kind.values else ""
    q = request.GET.get("q", "").strip()[:200]
    items = selectors.queue(person, state=state, source=source, kind=kind, q=q).select_related("receiver")
    page = CappedPaginator(items, 25).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    return render(request, "exchange/queue.html", {
        "page": page, "state": state, "source": source, "kind": kind, "q": q, "query": params.urlencode(),
        "counts": selectors.state_counts(person), "states": ReceptionItem.State.choices,
        "sources": ReceptionItem.Source.choices, "kinds": ReceptionItem.Kind.choices,
    })


def _signature_reports(files: list[ReceptionFile]) -> dict[int, Any]:
    """Signatures of the package's PDFs, verified; cached by content, which never changes."""
    from django.core.cache import cache

    from qlvb.files.services import read_stored
    from qlvb.signatures.verification import verify_pdf

    reports: dict[int, Any] = {}
    for f in files:
        if f.stored.kind == "pdf":
            key = f"signature-report:{f.stored.sha256}"
            reports[f.pk] = cache.get_or_set(key, lambda s=f.stored: verify_pdf(read_stored(s)), 3600)
    return reports


class RejectForm(forms.Form):
    reason = forms.CharField(label=gettext_lazy("Reason"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


@login_required
def item(request: PersonRequest, pk: int) -> HttpResponse:
    person = _person(request)
    obj = selectors.get_item(person, pk)
    files = list(obj.files.select_related("stored"))
    from qlvb.core.doctypes import DOCUMENT_TYPE_NAMES
    from qlvb.core.selectors import timeline
    from qlvb.exchange.services import _parse_date

    fields = obj.fields or {}
    return render(request, "exchange/item.html", {
        "item": obj, "files": files, "signatures": _signature_reports(files), "reject_form": RejectForm(),
        "fields": fields, "events": timeline(obj), "doc_type_name": DOCUMENT_TYPE_NAMES.get(obj.doc_type, obj.doc_type),
        "document_date": _parse_date(fields.get("document_date")),
        "reply_deadline": _parse_date(fields.get("reply_deadline")),
    })


@login_required
def file_view(request: PersonRequest, pk: int, file_pk: int, disposition: str) -> HttpResponseBase:
    obj = selectors.get_item(_person(request), pk)
    f = obj.files.select_related("stored").filter(pk=file_pk).first()
    if f is None:
        raise Http404()
    return file_response(request, f.stored, filename=f.name, inline=disposition == "view")


@login_required
@require_POST
def action(request: PersonRequest, pk: int, verb: str) -> HttpResponse:
    person = _person(request)
    obj = selectors.get_item(person, pk)
    by = actor_from_request(request, SCOPE)
    try:
        if verb == "accept":
            document = services.accept(by=by, item=obj)
            messages.info(request, _("Check the details taken from the package, then register the document."))
            return redirect("incoming:register_draft", document.pk)
        if verb == "reject":
            services.reject(by=by, item=obj, reason=request.POST.get("reason", ""))
            messages.success(request, _("Rejected; the sender has been told why."))
        elif verb == "agree":
            services.agree_change(by=by, item=obj)
            messages.success(request, _("Agreed; the sender has been told."))
        else:
            raise Http404()
    except ValidationError as error:
        messages.error(request, _messages_of(error))
    return redirect("exchange:item", obj.pk)


class ChangeForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("What to send"), choices=[
        ("recall", gettext_lazy("Recall")), ("update", gettext_lazy("Update")),
        ("replace", gettext_lazy("Replacement"))])
    reason = forms.CharField(label=gettext_lazy("Reason"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))
    replacement = forms.IntegerField(label=gettext_lazy("Replacing document"), required=False)
    uploads = forms.FileField(label=gettext_lazy("Updated file"), required=False)


@login_required
@require_POST
def send_change(request: PersonRequest, pk: int) -> HttpResponse:
    from qlvb.outgoing import selectors as outgoing_selectors
    from qlvb.outgoing.models import OutgoingDocument

    person = effective_person(request, "outgoing")
    document = outgoing_selectors.get_document(person, pk)
    form = ChangeForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
        return redirect("outgoing:detail", pk)
    replacement = None
    if form.cleaned_data["replacement"]:
        replacement = OutgoingDocument.objects.filter(pk=form.cleaned_data["replacement"],
                                                      agency_id=document.agency_id).first()
    upload = form.cleaned_data.get("uploads")
    try:
        count = services.send_change(by=actor_from_request(request, "outgoing"), document=document,
                                     kind=form.cleaned_data["kind"], reason=form.cleaned_data["reason"],
                                     replacement=replacement, uploads=[upload] if upload else [])
        messages.success(request, _("Sent to %(n)d receivers.") % {"n": count})
    except ValidationError as error:
        messages.error(request, _messages_of(error))
    return redirect("outgoing:detail", pk)


class PeerForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Name"), max_length=200)
    base_url = forms.URLField(label=gettext_lazy("Exchange address"), max_length=300, assume_scheme="http")
    agency_codes = forms.CharField(label=gettext_lazy("Agency codes it serves"),
                                   widget=forms.Textarea(attrs={"rows": 3}))
    inbound_token = forms.CharField(label=gettext_lazy("Token the peer uses to send to us"), required=False,
                                    widget=forms.PasswordInput(render_value=False))
    outbound_token = forms.CharField(label=gettext_lazy("Token we use to send to the peer"), required=False,
                                     widget=forms.PasswordInput(render_value=False))
    is_active = forms.BooleanField(label=gettext_lazy("Active"), required=False, initial=True)
    require_signature = forms.BooleanField(
        label=gettext_lazy("Refuse packages without a valid signature from a trusted authority"), required=False,
        initial=True)


@login_required
def peers(request: PersonRequest, pk: int | None = None) -> HttpResponse:
    from qlvb.exchange import peers as peer_services
    from qlvb.exchange.models import OutboundMessage

    if not request.user.is_superuser:
        raise Http404()
    peers_qs = Peer.objects.filter(transport=Peer.Transport.QLVB)  # the axis's route: on the axis page
    peer = peers_qs.filter(pk=pk).first() if pk else None
    if pk and peer is None:
        raise Http404()
    initial = {"name": peer.name, "base_url": peer.base_url, "agency_codes": peer.agency_codes,
               "is_active": peer.is_active, "require_signature": peer.require_signature} if peer else {
        "is_active": True, "require_signature": True}
    form = PeerForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            saved = peer_services.save_peer(by=actor_from_request(request), peer=peer, **form.cleaned_data)
            messages.success(request, _("The peer %(name)s is saved.") % {"name": saved.name})
            return redirect("exchange:peer", saved.pk)
        except ValidationError as error:
            for field, errors in error.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
    return render(request, "exchange/peers.html", {
        "form": form, "peer": peer, "peers": list(peers_qs.order_by("name")),
        "outbound": list(OutboundMessage.objects.select_related("peer").order_by("-created_at")[:50]),
        "invalid": list(ReceptionItem.objects.filter(state=ReceptionItem.State.INVALID)
                        .select_related("receiver", "peer").order_by("-received_at")[:50]),
    })


@login_required
@require_POST
def peer_active(request: PersonRequest, pk: int) -> HttpResponse:
    from qlvb.exchange import peers as peer_services

    if not request.user.is_superuser:
        raise Http404()
    peer = get_object_or_404(Peer, pk=pk)
    active = request.POST.get("active") == "1"
    peer_services.set_peer_active(by=actor_from_request(request), peer=peer, active=active)
    messages.success(request, _("Exchange with %(name)s resumed.") % {"name": peer.name} if active else
                     _("Exchange with %(name)s stopped: its packages are refused and nothing is sent to it.")
                     % {"name": peer.name})
    return redirect("exchange:peers")


class MailboxForm(forms.Form):
    host = forms.CharField(label=gettext_lazy("IMAP server"), max_length=200)
    port = forms.IntegerField(label=gettext_lazy("Port"), min_value=1, max_value=65535, initial=993)
    use_ssl = forms.BooleanField(label=gettext_lazy("SSL"), required=False, initial=True)
    username = forms.CharField(label=gettext_lazy("User name"), max_length=200)
    password = forms.CharField(label=gettext_lazy("Password"), required=False,
                               widget=forms.PasswordInput(render_value=False),
                               help_text=gettext_lazy("Stored encrypted; leave empty to keep it."))
    folder = forms.CharField(label=gettext_lazy("Folder"), max_length=100, initial="INBOX")
    is_active = forms.BooleanField(label=gettext_lazy("Active"), required=False, initial=True)


@login_required
def mailbox(request: PersonRequest) -> HttpResponse:
    """The agency administrator's official mailbox (read over IMAP into the reception queue)."""
    from qlvb.exchange import peers as peer_services
    from qlvb.exchange.models import Mailbox

    agency = request.user.agency
    if agency is None or not (request.user.is_superuser or request.user.is_agency_admin):
        raise Http404()
    box = Mailbox.objects.filter(agency=agency).first()
    initial = {"host": box.host, "port": box.port, "use_ssl": box.use_ssl, "username": box.username,
               "folder": box.folder, "is_active": box.is_active} if box else None
    form = MailboxForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        peer_services.save_mailbox(by=actor_from_request(request), mailbox=box, agency=agency, **form.cleaned_data)
        messages.success(request, _("Saved."))
        return redirect("exchange:mailbox")
    return render(request, "exchange/mailbox.html", {"form": form, "box": box, "agency": agency})


class AxisForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Name"), max_length=200,
                           initial=gettext_lazy("National document-exchange axis"))
    endpoint = forms.CharField(label=gettext_lazy("Endpoint"), max_length=300,
                               help_text=gettext_lazy("e.g. http://host:8080/XrdAdapter/adapter"))
    system_id = forms.CharField(label=gettext_lazy("System id"), max_length=100)
    secret = forms.CharField(label=gettext_lazy("Secret"), required=False,
                             widget=forms.PasswordInput(render_value=False),
                             help_text=gettext_lazy("Stored encrypted; leave empty to keep it."))
    file_path = forms.CharField(label=gettext_lazy("Folder sent as filePath"), max_length=300, required=False)
    agency_codes = forms.CharField(
        label=gettext_lazy("Agencies reached through the axis"), required=False,
        widget=forms.Textarea(attrs={"rows": 4}), help_text=gettext_lazy("One code per line, e.g. 000.00.00.G12."))
    is_active = forms.BooleanField(label=gettext_lazy("Active"), required=False, initial=True)
    require_signature = forms.BooleanField(
        label=gettext_lazy("Refuse packages without a valid signature from a trusted authority"), required=False,
        initial=True)


@login_required
def axis(request: PersonRequest) -> HttpResponse:
    """The installation administrator's page of the national axis: the connection, the last poll,
    what waits to be sent, what failed, what was received. 404 for anyone else."""
    from qlvb.exchange import selectors as exchange_selectors
    from qlvb.exchange.axis import sync
    from qlvb.exchange.models import AxisConnection

    if not request.user.is_superuser:
        raise Http404()
    connection = AxisConnection.objects.order_by("id").first()
    route = connection.routes.order_by("id").first() if connection is not None else None
    initial = {"name": connection.name, "endpoint": connection.endpoint, "system_id": connection.system_id,
               "file_path": connection.file_path, "is_active": connection.is_active,
               "agency_codes": route.agency_codes if route else "",
               "require_signature": route.require_signature if route else True} if connection else None
    form = AxisForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            sync.save_connection(by=actor_from_request(request), connection=connection, **form.cleaned_data)
            messages.success(request, _("The connection to the axis is saved."))
            return redirect("exchange:axis")
        except ValidationError as error:
            for field, errors in error.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
    return render(request, "exchange/axis.html", {
        "form": form, "connection": connection, **exchange_selectors.axis_overview(connection)})


@login_required
@require_POST
def axis_action(request: PersonRequest, verb: str) -> HttpResponse:
    from qlvb.exchange.axis import sync
    from qlvb.exchange.axis.client import AxisError
    from qlvb.exchange.models import AxisConnection

    if not request.user.is_superuser:
        raise Http404()
    connection = get_object_or_404(AxisConnection.objects.order_by("id")[:1])
    try:
        if verb == "poll":
            counts = sync.poll(connection)
            messages.success(request, _("Polled: %(stored)s stored, %(refused)s refused, %(errors)s errors.") % counts)
        elif verb == "directory":
            from qlvb.exchange.tasks import sync_axis_directory

            sync_axis_directory()  # a background job: 111,000 agencies take a while
            messages.success(request, _("The directory is being synchronised in the background."))
        elif verb == "register":
            codes = sync.register_agencies(by=actor_from_request(request), connection=connection,
                                           agencies=sync.local_agencies())
            messages.success(request, _("Registered on the axis: %(codes)s.") % {"codes": ", ".join(codes)})
        else:
            raise Http404()
    except AxisError as error:
        messages.error(request, str(error))
    return redirect("exchange:axis")
