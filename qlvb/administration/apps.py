from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AdministrationConfig(AppConfig):
    name = "qlvb.administration"
    label = "administration"
    verbose_name = _("Administration")

    def ready(self) -> None:
        from qlvb.administration.pages import register_pages

        register_pages()
