from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "qlvb.accounts"
    label = "accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
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
