from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DisclosuresConfig(AppConfig):
    name = "qlvb.disclosures"
    label = "disclosures"
    verbose_name = _("Disclosures")
