"""The agency's registers: list and add (administrators)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from qlvb.core.actor import actor_from_request
from qlvb.core.forms import attach_errors
from qlvb.org.http import PersonRequest
from qlvb.org.scope import managed_agency
from qlvb.registers import selectors
from qlvb.registers.models import Register
from qlvb.registers.services import create_register, ensure_default_registers


class RegisterForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Name"), max_length=200)
    direction = forms.ChoiceField(label=gettext_lazy("Direction"), choices=Register.Direction.choices)
    category = forms.ChoiceField(label=gettext_lazy("Category"), choices=Register.Category.choices)


@login_required
def register_list(request: PersonRequest) -> HttpResponse:
    agency = managed_agency(request)  # the installation's administrator chooses it (?agency=)
    ensure_default_registers(agency)
    form = RegisterForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            create_register(by=actor_from_request(request), agency=agency, **form.cleaned_data)
        except ValidationError as error:
            attach_errors(form, error)
        else:
            messages.success(request, _("Saved."))
            return redirect("registers:list")
    year = timezone.localdate().year
    registers = selectors.registers_with_counts(request.user, agency, year)
    return render(request, "registers/list.html", {"registers": registers, "form": form, "year": year,
                                                   "agency": agency, "units": selectors.notation_units(agency)})
