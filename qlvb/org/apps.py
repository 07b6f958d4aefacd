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
