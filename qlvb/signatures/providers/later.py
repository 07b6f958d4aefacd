"""Providers named now and built later (issue 21): the VGCA token at the user's computer (the
page signs through the VGCA plugin, qlvb/static/signatures/vgca.js, and posts the value to the
session's complete endpoint). Registered so that its name is reserved; not offered yet."""

from __future__ import annotations

from django.utils.translation import gettext_lazy

from qlvb.signatures.models import Certificate
from qlvb.signatures.providers.base import Provider


class VgcaProvider(Provider):
    name = "vgca"
    label = gettext_lazy("the VGCA token at your computer")
    client_side = True

    def configured(self) -> bool:
        return False  # offered once the page's VGCA client is in (vgca-agent)

    def serves(self, certificate: Certificate) -> bool:
        return certificate.kind == Certificate.Kind.REMOTE and certificate.remote_provider == self.name


def providers() -> list[Provider]:
    return [VgcaProvider()]
