from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy

from qlvb.core import parameters
from qlvb.core.forms import model_choice
from qlvb.org.models import Person
from qlvb.outgoing.models import OutgoingSettings


class FlowForm(forms.Form):
    review_days = forms.IntegerField(label=gettext_lazy("Working days for each review"), min_value=1, max_value=30,
                                     help_text=gettext_lazy("Each reviewer's deadline, counted in working days."))
    office_check = forms.BooleanField(label=gettext_lazy("The office checks the format before the signer"),
                                      required=False)
    office_checker = forms.ModelChoiceField(label=gettext_lazy("Who checks the format"),
                                            queryset=Person.objects.none(), required=False)
    place = forms.CharField(label=gettext_lazy("Place name in the date line"), max_length=100,
                            help_text=gettext_lazy("Written before the date: “Sơn La, ngày 05 tháng 01 năm 2026”."))
    verification_mark = forms.BooleanField(
        label=gettext_lazy("Print the verification code and QR code on issued documents"), required=False,
        help_text=gettext_lazy("In the bottom-left margin of the first page, before the signatures: anyone holding "
                               "the document can check it on the public verification page. The code is given to "
                               "every issued document either way."))

    initials = forms.ChoiceField(
        label=gettext_lazy("Initial signatures (ký nháy) of the unit head and the format checker"),
        choices=OutgoingSettings.Initials.choices, required=False,
        help_text=gettext_lazy("When approving, the reviewer signs the draft version with his own certificate; "
                               "the signer sees who initialled which version and whether it is still valid."))

    def __init__(self, *args: Any, people: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_choice(self, "office_checker").queryset = people

    def clean_initials(self) -> str | None:
        return self.cleaned_data.get("initials") or None  # not sent: kept as it is


class ParametersForm(forms.Form):
    """One whole-number field per declared parameter; left empty, the default applies."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for spec in parameters.specs():
            self.fields[spec.name] = forms.IntegerField(
                label=str(spec.label), min_value=spec.minimum, max_value=spec.maximum, required=False,
                help_text=f"{spec.help} ({spec.minimum}–{spec.maximum} {spec.unit}; "
                          f"{gettext_lazy('default')} {spec.default})")
