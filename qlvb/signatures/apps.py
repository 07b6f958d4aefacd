from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SignaturesConfig(AppConfig):
    name = "qlvb.signatures"
    label = "signatures"
    verbose_name = _("Digital signatures")

    def ready(self) -> None:
        from qlvb.core.verbs import register_verbs
        from qlvb.signatures.verbs import VERBS

        register_verbs(VERBS)

    def load_demo(self) -> str:
        """Called by `manage.py load_demo` after the organisation is in place."""
        from qlvb.signatures.demo import create_demo_pki

        result = create_demo_pki()
        return f"demo PKI: {result.certificates} certificates, {result.images} signature and seal images"
