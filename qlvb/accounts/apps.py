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

        from qlvb.core.parameters import Spec, declare

        # The sign-in throttle's limits: the administrator tunes them while the system runs (the
        # environment gives the defaults, README "Configuration").
        declare(
            Spec("login.max_failed", _("Failed sign-ins before an account is blocked"),
                 _("Failures of one user name from one address before a block."),
                 "QLVB_MAX_FAILED_LOGINS", 3, 20, _("times")),
            Spec("login.lock_minutes", _("First block after failed sign-ins"),
                 _("Each new block doubles, up to a day."), "QLVB_LOGIN_LOCK_MINUTES", 1, 1440, _("minutes")),
            Spec("login.address_cap", _("Failed sign-ins from one address before it is refused"),
                 _("Whatever user names are tried."), "QLVB_LOGIN_ADDRESS_CAP", 5, 1000, _("times")),
            Spec("login.address_window_minutes", _("Window for counting an address's failures"),
                 _("Also how long the address is refused."), "QLVB_LOGIN_ADDRESS_WINDOW_MINUTES", 1, 1440,
                 _("minutes")),
            Spec("session.minutes", _("Length of a signed-in session"),
                 _("After it the person signs in again; applies from their next sign-in."), "SESSION_COOKIE_AGE",
                 15, 24 * 60, _("minutes"), divisor=60),
        )
