from django.utils.translation import gettext_lazy as _

VERBS = {
    "notifications.defaults_changed": _("Notification defaults of the agency changed"),
}
