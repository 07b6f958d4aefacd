from django.utils.translation import gettext_lazy as _

VERBS = {
    "backup.requested": _("Backup requested"),
    "backup.verified": _("Backup taken and verified"),
    "backup.failed": _("Backup failed"),
}
