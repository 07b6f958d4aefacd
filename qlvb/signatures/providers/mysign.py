"""Viettel MySign as a signing provider: the signer's key is at Viettel; QLVB sends the
session's digest (``signHash``, polled mode), the signer confirms in the MySign app, the job
worker polls ``requests/status``. The account is the signer's MySign log-in, the key id the
``credential_id``. Settings: ``QLVB_MYSIGN``; absent → not offered. The client:
qlvb/signatures/remote/mysign.py; what is proven only against its double: docs/signing-remote.md."""

from __future__ import annotations

from qlvb.signatures.providers.base import RemoteServiceProvider


class MySignProvider(RemoteServiceProvider):
    name = "mysign"
    label = "Viettel MySign"
