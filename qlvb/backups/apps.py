from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BackupsConfig(AppConfig):
    name = "qlvb.backups"
    label = "backups"
    verbose_name = _("Backups")

    def ready(self) -> None:
        from django.urls import reverse

        from qlvb.backups import checks  # noqa: F401  (registers the health check)
        from qlvb.backups.verbs import VERBS
        from qlvb.core.admin_pages import AdminPage, register
        from qlvb.core.verbs import register_verbs

        register_verbs(VERBS)

        # On the administration hub (core.admin_pages: the hub beside it may not import it).
        register(AdminPage("backups", _("Backups"), _("Nightly and weekly backups, their size and verification."),
                           lambda person: reverse("backups:list"), scope="installation", group="data",
                           icon="archive", order=205))
