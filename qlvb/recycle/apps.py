from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RecycleConfig(AppConfig):
    name = "qlvb.recycle"
    label = "recycle"
    verbose_name = _("Bin")
