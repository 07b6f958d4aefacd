from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OpsConfig(AppConfig):
    name = "qlvb.ops"
    label = "ops"
    verbose_name = _("Operations (health and metrics)")

    def ready(self) -> None:
        # The generic checks (database, cache, job worker, storage, disk, job queue) join the
        # registry of core.health; apps register their own (a queue, the last backup) likewise.
        from django.urls import reverse

        from qlvb.core.admin_pages import AdminPage, register
        from qlvb.ops import checks  # noqa: F401

        # On the administration hub (core.admin_pages: the hub beside it may not import it).
        register(AdminPage("health", _("System health"), _("Database, cache, job worker, storage, disk and queues."),
                           lambda person: reverse("ops:health_page"), scope="installation", group="data",
                           icon="heart-pulse", order=210))
