from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DossiersConfig(AppConfig):
    name = "qlvb.dossiers"
    label = "dossiers"
    verbose_name = _("Dossiers")

    def ready(self) -> None:
        from django.urls import reverse

        from qlvb.core import bin, handover, kinds
        from qlvb.core.verbs import register_verbs
        from qlvb.dossiers import services
        from qlvb.dossiers.handover import PROVIDER, VERBS
        from qlvb.dossiers.kind import KIND

        # Who may open a dossier, and what search finds of it (core.kinds).
        kinds.register(KIND)
        register_verbs(VERBS)
        handover.register(PROVIDER)
        # A dossier holding documents is closed, never deleted; an empty one goes to the bin.
        bin.register(bin.BinKind(
            model="dossiers.Dossier", label=_("Dossier"),
            retire=lambda by, dossier: services.retire_dossier(by=by, dossier=dossier),
            retire_label=_("Close the dossier"),
            is_retired=lambda dossier: dossier.status == "closed",
            url=lambda dossier: reverse("dossiers:detail", args=[dossier.pk]),
        ))
