"""The VGCA USB token at the signer's own computer (docs/signing-vgca.md): the page signs the
session's digest through the VGCA signing plugin (qlvb/static/signatures/vgca.js) and posts the
value to the session's complete endpoint. Nothing to configure on the server but whether it is
offered and where the plugin listens; the session waits for the person to come to the page."""

from __future__ import annotations

from django.conf import settings
from django.utils.translation import gettext_lazy

from qlvb.signatures.models import Certificate
from qlvb.signatures.providers.base import Provider

DEFAULT_URL = "wss://127.0.0.1:8987"
# The signer signs when she comes to her computer, not within minutes of the clerk's click.
DEFAULT_SESSION_HOURS = 24


def plugin_url() -> str:
    return str(getattr(settings, "QLVB_VGCA_URL", "") or DEFAULT_URL)


class VgcaProvider(Provider):
    name = "vgca"
    label = gettext_lazy("the USB token (VGCA) at your computer")
    client_side = True

    def configured(self) -> bool:
        return bool(getattr(settings, "QLVB_VGCA_ENABLED", True))

    def serves(self, certificate: Certificate) -> bool:
        return certificate.kind == Certificate.Kind.REMOTE and certificate.remote_provider == self.name

    def session_minutes(self) -> int:
        return int(getattr(settings, "QLVB_VGCA_SESSION_HOURS", DEFAULT_SESSION_HOURS)) * 60
