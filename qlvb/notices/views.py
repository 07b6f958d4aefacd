"""Notice pages: my notices (pinned on top, unread first), one notice (opening it writes the
reader's receipt), the form to publish one, and who has read it. Views are thin: selectors say what
the person may see (404 otherwise), services act."""

from __future__ import annotations

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
from qlvb.files.views import file_response
from qlvb.notices import forms, rules, selectors, services
from qlvb.notices.models import NoticeFile
from qlvb.org.http import PersonRequest
from qlvb.org.models import Person

SCOPE = "unit"
LIST_TITLES = {"mine": _lazy("My notices"), "unread": _lazy("Unread"), "sent": _lazy("Sent and kept")}


def _person(request: PersonRequest) -> Person:
    return effective_person(request, SCOPE)


@login_required
def notice_list(request: PersonRequest, name: str = "mine") -> HttpResponse:
    person = _person(request)
    if name not in LIST_TITLES:
        raise Http404()
    may_send = person.agency_id is not None and rules.may_send(person, person.agency_id)
    lists = {k: v for k, v in LIST_TITLES.items() if k != "sent" or may_send or rules.keeper_agency_ids(person)}
    if name not in lists:
        raise Http404()
    page = CappedPaginator(selectors.notice_list(person, name), 25,
                           count_rows=selectors.notice_rows(person, name)).get_page(request.GET.get("page"))
    return render(request, "notices/list.html", {
        "name": name, "title": LIST_TITLES[name], "page": page, "lists": lists,
        "unread": selectors.unread_count(person), "may_send": may_send, "today": timezone.localdate(),
    })


@login_required
def create(request: PersonRequest) -> HttpResponse:
    person = _person(request)
    agency = person.agency
    if agency is None or not rules.may_send(person, agency.pk):
        raise Http404()
    form = forms.NoticeForm(request.POST or None, request.FILES or None, person=person, agency=agency)
    if request.method == "POST" and form.is_valid():
        try:
            notice = services.publish(by=actor_from_request(request, SCOPE), agency=agency, **form.values())
        except ValidationError as error:
            attach_errors(form, error)
        except NotAllowed:
            raise Http404() from None
        else:
            messages.success(request, _("The notice is published."))
            return redirect("notices:detail", notice.pk)
    return render(request, "notices/form.html", {"form": form})


@login_required
def detail(request: PersonRequest, pk: int) -> HttpResponse:
    person = _person(request)
    notice = selectors.get_notice(person, pk)
    if person.pk == request.user.pk:  # acting for someone else is not reading for him
        services.mark_read(by=actor_from_request(request), notice=notice)
    return render(request, "notices/detail.html", {
        "d": selectors.detail(person, notice), "may_pin": rules.may_see_receipts(person, notice),
    })


@login_required
@require_POST
def pin(request: PersonRequest, pk: int) -> HttpResponse:
    person = _person(request)
    notice = selectors.get_notice(person, pk)
    try:
        services.set_pinned(by=actor_from_request(request, SCOPE), notice=notice,
                            pinned=request.POST.get("pinned") == "1")
    except NotAllowed:
        raise Http404() from None
    return redirect("notices:detail", notice.pk)


@login_required
def file_view(request: PersonRequest, pk: int, file_pk: int, disposition: str) -> HttpResponseBase:
    notice = selectors.get_notice(_person(request), pk)
    row = get_object_or_404(NoticeFile.objects.select_related("stored"), pk=file_pk, notice=notice)
    return file_response(request, row.stored, filename=row.name, inline=disposition == "view")
