from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MessagesConfig(AppConfig):
    name = "qlvb.messages"
    label = "internal_messages"
    verbose_name = _("Internal messages")
