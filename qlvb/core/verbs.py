"""Human names for event verbs, shown in the audit log and timelines."""

from __future__ import annotations

from collections.abc import Mapping

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

VERBS: dict[str, str | Promise] = {
    "auth.login": _("Signed in"),
    "auth.logout": _("Signed out"),
    "auth.login_failed": _("Failed sign-in"),
    "auth.sessions_ended": _("Ended other sessions"),
    "auth.login_throttled": _("Sign-ins blocked for a while"),
    "account.created": _("Account created"),
    "account.password_changed": _("Password changed"),
    "account.password_reset": _("Password reset by administrator"),
    "account.locked": _("Account locked"),
    "account.unlocked": _("Account unlocked"),
    "account.activated": _("Account activated"),
    "account.deactivated": _("Account deactivated"),
    "account.totp_enabled": _("Two-step sign-in turned on"),
    "account.totp_disabled": _("Two-step sign-in turned off"),
    "account.token_created": _("API token created"),
    "account.token_revoked": _("API token revoked"),
    "org.agency_created": _("Agency created"),
    "org.agency_updated": _("Agency updated"),
    "org.unit_created": _("Unit created"),
    "org.unit_updated": _("Unit updated"),
    "org.position_created": _("Position created"),
    "org.position_updated": _("Position updated"),
    "org.person_updated": _("Person updated"),
    "org.post_assigned": _("Post assigned"),
    "org.post_ended": _("Post ended"),
    "org.field_created": _("Field of work created"),
    "org.field_updated": _("Field of work updated"),
    "org.signing_authority_saved": _("Signing authority saved"),
    "org.signing_authority_removed": _("Signing authority removed"),
    "org.directory_entry_added": _("Agency added to the directory"),
    "org.directory_entry_changed": _("Directory entry changed"),
    "org.directory_loaded": _("Directory of agencies loaded from a file"),
    "delegation.requested": _("Delegation requested"),
    "delegation.approved": _("Delegation approved and announced"),
    "delegation.rejected": _("Delegation rejected"),
    "delegation.revoked": _("Delegation revoked"),
    "delegation.ended": _("Delegation ended"),
    "delegation.acting_started": _("Started acting on behalf"),
    "calendar.day_saved": _("Calendar day saved"),
    "calendar.day_removed": _("Calendar day removed"),
    "bin.moved": _("Moved to the bin"),
    "bin.restored": _("Restored from the bin"),
    "bin.purged": _("Deleted for good from the bin"),
    "parameter.changed": _("System parameter changed"),
}


def register_verbs(verbs: Mapping[str, str | Promise]) -> None:
    """Apps built on the core name their own verbs (called from their AppConfig.ready)."""
    VERBS.update(verbs)


def verb_label(verb: str) -> str:
    return str(VERBS.get(verb, verb))
