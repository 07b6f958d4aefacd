from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from qlvb.core.forms import VNDateField, model_choice
from qlvb.org.models import Agency, Position, Unit
from qlvb.org.selectors import flatten, unit_tree


class LoginForm(forms.Form):
    username = forms.CharField(label=_("Username"), max_length=150,
                               widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "username",
                                                             "autocapitalize": "none"}))
    password = forms.CharField(label=_("Password"), strip=False,
                               widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}))


class TotpForm(forms.Form):
    code = forms.CharField(label=_("Code from your authenticator app"), max_length=10,
                           widget=forms.TextInput(attrs={"autofocus": True, "inputmode": "numeric",
                                                         "autocomplete": "one-time-code"}))


class PasswordChangeForm(forms.Form):
    old_password = forms.CharField(label=_("Current password"), strip=False,
                                   widget=forms.PasswordInput(attrs={"autocomplete": "current-password",
                                                                     "autofocus": True}))
    new_password1 = forms.CharField(label=_("New password"), strip=False,
                                    widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))
    new_password2 = forms.CharField(label=_("New password again"), strip=False,
                                    widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        assert data is not None  # Form.clean returns the cleaned data
        if data.get("new_password1") and data.get("new_password1") != data.get("new_password2"):
            self.add_error("new_password2", _("The two new passwords do not match."))
        return data


class ApiTokenForm(forms.Form):
    name = forms.CharField(label=_("Token name"), max_length=100)
    expires_at = VNDateField(label=_("Expires on"), required=False)


class PersonCreateForm(forms.Form):
    full_name = forms.CharField(label=_("Full name"), max_length=150)
    username = forms.CharField(label=_("Username"), max_length=150,
                               help_text=_("Lower-case letters, digits and dots, e.g. stttt.nguyenvana"))
    email = forms.EmailField(label=_("E-mail"), required=False)
    phone = forms.CharField(label=_("Phone"), max_length=30, required=False)
    unit = forms.ModelChoiceField(label=_("Unit"), queryset=Unit.objects.none())
    position = forms.ModelChoiceField(label=_("Position"), queryset=Position.objects.none())
    is_agency_admin = forms.BooleanField(label=_("Agency administrator"), required=False)

    def __init__(self, *args: Any, agency: Agency, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_choice(self, "unit").queryset = Unit.objects.filter(agency=agency, is_active=True)
        model_choice(self, "unit").choices = [("", "—")] + [
            (n.unit.pk, "\u00a0\u00a0" * n.depth + n.unit.name) for n in flatten(unit_tree(agency))
            if n.unit.is_active
        ]
        model_choice(self, "position").queryset = Position.objects.filter(agency=agency)
