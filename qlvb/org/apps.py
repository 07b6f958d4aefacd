from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrgConfig(AppConfig):
    name = "qlvb.org"
    label = "org"
    verbose_name = _("Organisation")

    def ready(self) -> None:
        # core decides nothing about people: it asks the policy org gives it here.
        from qlvb.core import policy
        from qlvb.org import permissions

        policy.register(policy.Policy(is_installation_admin=permissions.is_installation_admin,
                                      can_manage_agency=permissions.can_manage_agency))
        self._register_bin()

    def _register_bin(self) -> None:
        # A unit with people, sub-units or documents is deactivated, never deleted; an unused one
        # goes to the bin. (People are accounts' kind: it deactivates them.)
        from django.urls import reverse

        from qlvb.core import bin
        from qlvb.org import services

        bin.register(bin.BinKind(
            model="org.Unit", label=_("Unit"),
            retire=lambda by, unit: services.update_unit(by=by, unit=unit, is_active=False),
            retire_label=_("Deactivate the unit"),
            url=lambda unit: reverse("org:unit_edit", args=[unit.pk]),
        ))
