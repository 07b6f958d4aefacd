from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class AccountsConfig(AppConfig):
    name = "qlvb.accounts"
    label = "accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        # accounts answers for people (it activates and deactivates their accounts): a person who
        # has acted (events, documents, delegations) is deactivated, never deleted; one created by
        # mistake goes to the bin with their posts and signing authority, which come back with them.
        from django.urls import reverse

        from qlvb.accounts import services
        from qlvb.core import bin
        from qlvb.org import permissions

        bin.register(bin.BinKind(
            model="org.Person", label=pgettext_lazy("bin", "Person"),
            retire=lambda by, person: services.set_active(by=by, person=person, active=False),
            retire_label=_("Deactivate the account"),
            parts=frozenset({"org.post.person", "org.signingauthority.person", "accounts.loginsession.person",
                             "accounts.totpdevice.person", "accounts.apitoken.person", "search.savedsearch.person",
                             "admin.logentry.user"}),
            may_manage=lambda manager, person: manager != person and permissions.can_manage_person(manager, person),
            url=lambda person: reverse("org:person", args=[person.pk]),
        ))
