from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy

from qlvb.outgoing import codes


class CodeForm(forms.Form):
    code = forms.CharField(label=gettext_lazy("Verification code"), max_length=40,
                           help_text=gettext_lazy("The 12 characters printed beside the QR code in the bottom-left "
                                                  "margin of the document's first page, e.g. K7QM-3XPA-9DRT."))

    def clean_code(self) -> str:
        code = codes.normalise(self.cleaned_data["code"])
        if code is None:
            raise forms.ValidationError(gettext_lazy("This is not a verification code: it has 12 letters and "
                                                     "digits, e.g. K7QM-3XPA-9DRT."))
        return codes.formatted(code)
