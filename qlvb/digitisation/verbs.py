from django.utils.translation import gettext_lazy as _

VERBS = {
    "digitisation.rerun": _("Text recognition run again"),
    "digitisation.text_read": _("Text of a file read"),
}
