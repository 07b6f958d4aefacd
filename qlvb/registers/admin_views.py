"""Editing one register (name, category, order), retiring and reopening it, and the notation
settings of the agency: kept apart from the list (views.py) so the register pages can grow
without touching each other."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from qlvb.core.actor import actor_from_request
from qlvb.core.forms import attach_errors
from qlvb.org import permissions
from qlvb.org.http import PersonRequest
from qlvb.registers.models import Register
from qlvb.registers.services import set_register_active, update_register


class RegisterEditForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Name"), max_length=200)
    category = forms.ChoiceField(label=gettext_lazy("Category"), choices=Register.Category.choices)
    order = forms.IntegerField(label=gettext_lazy("Position in the lists"), min_value=0, max_value=1000,
                               help_text=gettext_lazy("Smaller comes first; the first open register of a kind "
                                                      "is the one chosen by default."))


def _managed_register(request: PersonRequest, pk: int) -> Register:
    register = get_object_or_404(Register.objects.select_related("agency"), pk=pk)
    if not permissions.can_manage_agency(request.user, register.agency_id):
        raise Http404()
    return register


@login_required
def edit(request: PersonRequest, pk: int) -> HttpResponse:
    register = _managed_register(request, pk)
    form = RegisterEditForm(request.POST or None, initial={
        "name": register.name, "category": register.category, "order": register.order})
    if request.method == "POST" and form.is_valid():
        try:
            saved = update_register(by=actor_from_request(request), register=register, **form.cleaned_data)
        except ValidationError as error:
            attach_errors(form, error)
        else:
            messages.success(request, _("The register “%(name)s” is saved.") % {"name": saved.name})
            return redirect("registers:list")
    return render(request, "registers/edit.html", {"register": register, "form": form})


@login_required
@require_POST
def set_active(request: PersonRequest, pk: int) -> HttpResponse:
    register = _managed_register(request, pk)
    active = request.POST.get("active") == "1"
    try:
        set_register_active(by=actor_from_request(request), register=register, active=active)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The register is open again.") if active else
                         _("The register is retired: it gives no new number; its documents and books stay."))
    return redirect("registers:list")
