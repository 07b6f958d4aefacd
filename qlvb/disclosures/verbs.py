from django.utils.translation import gettext_lazy as _

VERBS = {
    "disclosure.recorded": _("Disclosure recorded"),
    "disclosure.disclosed": _("Disclosed to the staff"),
}
