"""VNPT SmartCA as a signing provider: the signer's key is at VNPT; QLVB sends the session's
digest (``v1/signatures/sign``), the signer confirms in the VNPT SmartCA app, the job worker polls
the status. The account is the signer's CCCD (SmartCA's ``user_id``), the key id the
certificate's ``serial_number`` at SmartCA. Settings: ``QLVB_SMARTCA``; absent → not offered.
The client: qlvb/signatures/remote/smartca.py; what is proven only against its double:
docs/signing-remote.md."""

from __future__ import annotations

from qlvb.signatures.providers.base import RemoteServiceProvider


class SmartCAProvider(RemoteServiceProvider):
    name = "smartca"
    label = "VNPT SmartCA"
