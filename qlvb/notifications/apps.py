from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "qlvb.notifications"
    label = "notifications"
    verbose_name = _("Notifications")

    def ready(self) -> None:
        from django.urls import reverse

        from qlvb.core.admin_pages import AdminPage, register
        from qlvb.core.verbs import register_verbs
        from qlvb.notifications import routes
        from qlvb.notifications.verbs import VERBS

        routes.register()
        register_verbs(VERBS)
        register(AdminPage("notifications", _("Notifications"),
                           _("What the agency's people are told by e-mail, push and the morning digest, "
                             "unless they choose themselves."),
                           lambda person: reverse("notifications:defaults") if person.agency_id else None,
                           group="system", icon="bell", order=150))
