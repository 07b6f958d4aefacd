from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RecycleConfig(AppConfig):
    name = "qlvb.recycle"
    label = "recycle"
    verbose_name = _("Bin")

    def ready(self) -> None:
        # On the administration hub (core.admin_pages: the hub beside it may not import it).
        from django.urls import reverse

        from qlvb.core.admin_pages import AdminPage, register

        register(AdminPage("bin", _("Bin"), _("What administrators deleted, restorable for a while."),
                           lambda person: reverse("recycle:list"), group="data", icon="trash", order=200))
