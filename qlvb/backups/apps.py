from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BackupsConfig(AppConfig):
    name = "qlvb.backups"
    label = "backups"
    verbose_name = _("Backups")

    def ready(self) -> None:
        from qlvb.backups import checks  # noqa: F401  (registers the health check)
        from qlvb.backups.verbs import VERBS
        from qlvb.core.verbs import register_verbs

        register_verbs(VERBS)
