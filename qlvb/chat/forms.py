from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from qlvb.chat.services import MAX_BODY
from qlvb.core.forms import MultipleFileField


class MessageForm(forms.Form):
    body = forms.CharField(label=_("Message"), required=False, max_length=MAX_BODY, widget=forms.Textarea(
        attrs={"rows": 2, "placeholder": _("Write a message… (@name to mention)")}))
    attachments = MultipleFileField(label=_("Files"), required=False)
