"""The national directory of agency codes, kept by the installation's administrator: list, search,
add, correct, and load the published list from a file (the same reading as the command)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from qlvb.core.actor import actor_from_request
from qlvb.core.forms import attach_errors
from qlvb.core.text import clean, fold
from qlvb.org import directory, permissions
from qlvb.org.http import PersonRequest
from qlvb.org.models import DirectoryAgency

MAX_FILE_BYTES = 10 * 1024 * 1024  # the whole national list is well under 2 MB


class EntryForm(forms.Form):
    code = forms.CharField(label=gettext_lazy("Agency code"), max_length=35,
                           help_text=gettext_lazy("e.g. 000.00.01.H51"))
    name = forms.CharField(label=gettext_lazy("Name"), max_length=200)
    parent_code = forms.CharField(label=gettext_lazy("Parent agency code"), max_length=35, required=False)
    is_current = forms.BooleanField(label=gettext_lazy("In the current list"), required=False, initial=True)


class ImportForm(forms.Form):
    upload = forms.FileField(label=gettext_lazy("Published list (CSV)"),
                             help_text=gettext_lazy("Columns code, name and optionally parent_code; "
                                                    "comma or semicolon; UTF-8."))
    partial = forms.BooleanField(label=gettext_lazy("The file is only part of the list: mark nothing as no "
                                                    "longer listed"), required=False)


def _require(request: PersonRequest) -> None:
    if not permissions.is_installation_admin(request.user):
        raise Http404()


@login_required
def agency_directory(request: PersonRequest) -> HttpResponse:
    _require(request)
    query = clean(request.GET.get("q", ""))[:100]
    entries = DirectoryAgency.objects.all()
    if query:
        words = fold(query).split()[:6]
        match = Q(code__startswith=query)
        name_match = Q()
        for word in words:
            name_match &= Q(name_folded__contains=word)
        entries = entries.filter(match | name_match)
    if request.GET.get("show") == "retired":
        entries = entries.filter(is_current=False)
    page = Paginator(entries.order_by("code"), 50).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    return render(request, "org/agency_directory.html", {
        "page": page, "q": query, "query": params.urlencode(), "show": request.GET.get("show", ""),
        "form": EntryForm(prefix="new"), "import_form": ImportForm(),
        "total": DirectoryAgency.objects.count(),
        "retired": DirectoryAgency.objects.filter(is_current=False).count(),
    })


@login_required
def agency_directory_entry(request: PersonRequest, pk: int | None = None) -> HttpResponse:
    _require(request)
    entry = get_object_or_404(DirectoryAgency, pk=pk) if pk else None
    initial = ({"code": entry.code, "name": entry.name, "parent_code": entry.parent_code,
                "is_current": entry.is_current} if entry else {"is_current": True})
    form = EntryForm(request.POST or None, initial=initial, prefix=None if entry else "new")
    if request.method == "POST" and form.is_valid():
        try:
            saved = directory.save_entry(by=actor_from_request(request), entry=entry, **form.cleaned_data)
        except ValidationError as error:
            attach_errors(form, error)
        else:
            messages.success(request, _("%(code)s is saved in the directory.") % {"code": saved.code})
            return redirect(f"{reverse('org:agency_directory')}?{urlencode({'q': saved.code})}")
    return render(request, "org/agency_directory_entry.html", {"form": form, "entry": entry})


@login_required
@require_POST
def agency_directory_import(request: PersonRequest) -> HttpResponse:
    _require(request)
    form = ImportForm(request.POST, request.FILES)
    if form.is_valid():
        upload = form.cleaned_data["upload"]
        try:
            if upload.size > MAX_FILE_BYTES:
                raise ValidationError(_("The file is larger than 10 MB: this is not the list of agency codes."))
            try:
                text = upload.read().decode("utf-8-sig")
            except UnicodeDecodeError:
                raise ValidationError(_("The file is not UTF-8 text: save it as CSV UTF-8 and try again.")) from None
            loaded = directory.import_file(by=actor_from_request(request), text=text,
                                           complete=not form.cleaned_data["partial"], filename=upload.name)
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("Directory loaded: %(added)s added, %(updated)s updated, %(retired)s no "
                                        "longer listed.") % {"added": loaded.added, "updated": loaded.updated,
                                                            "retired": loaded.retired})
    else:
        messages.error(request, _("Choose the CSV file to load."))
    return redirect("org:agency_directory")
