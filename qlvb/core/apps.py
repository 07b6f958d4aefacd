from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "qlvb.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        from qlvb.core import personcache
        from qlvb.core.events import subscribe

        subscribe()(personcache.on_event)
        subscribe(after_commit=True)(personcache.on_event_committed)
