from django.utils.translation import gettext_lazy as _

VERBS = {"handover.done": _("Open work handed over")}
