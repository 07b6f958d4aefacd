"""The registry of signing providers (docs/signing.md). ``provider(name)``; ``for_certificate``
picks the one that signs with a registered certificate."""

from __future__ import annotations

from typing import TYPE_CHECKING

from qlvb.signatures.providers.base import Pending, Provider, Refused, Signed

if TYPE_CHECKING:
    from qlvb.signatures.models import Certificate

__all__ = ["Pending", "Provider", "Refused", "Signed", "for_certificate", "provider", "register", "registered"]

_registry: dict[str, Provider] = {}


def register(instance: Provider) -> Provider:
    _registry[instance.name] = instance
    return instance


def registered() -> dict[str, Provider]:
    _load()
    return dict(_registry)


def provider(name: str) -> Provider:
    _load()
    try:
        return _registry[name]
    except KeyError:
        raise LookupError(f"no signing provider named {name!r}") from None


def for_certificate(certificate: Certificate) -> Provider:
    _load()
    for candidate in _registry.values():
        if candidate.serves(certificate):
            return candidate
    raise LookupError(f"no signing provider for certificate {certificate.pk}")


def _load() -> None:
    if _registry:
        return
    from qlvb.signatures.providers import csc, mysign, server, smartca, vgca

    register(server.ServerProvider())
    register(csc.CscProvider())
    register(smartca.SmartCAProvider())
    register(mysign.MySignProvider())
    register(vgca.VgcaProvider())
