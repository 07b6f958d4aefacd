from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OpsConfig(AppConfig):
    name = "qlvb.ops"
    label = "ops"
    verbose_name = _("Operations (health and metrics)")

    def ready(self) -> None:
        # The generic checks (database, cache, job worker, storage, disk, job queue) join the
        # registry of core.health; apps register their own (a queue, the last backup) likewise.
        from qlvb.ops import checks  # noqa: F401
