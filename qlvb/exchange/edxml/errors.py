"""The one exception the edXML library raises for bad input.

Every failure of ``parse``, ``verify`` (and of ``build`` on a package that cannot be exported)
is an :class:`EdxmlError` with a short machine ``code`` and a ``reason`` for people (English
msgid, translated to Vietnamese by gettext in the exchange app's catalogue). Nothing else
escapes the parser: the fuzz test in ``tests/test_fuzz.py`` checks it.
"""

from __future__ import annotations

import contextlib

from .i18n import gettext_lazy as _

# code -> the message shown when no more specific reason is given.
CODES: dict[str, object] = {
    "malformed": _("The package is not well-formed XML."),
    "too_large": _("The package is too large."),
    "entity": _("The package declares a DTD or entities, which are refused (XML entity attack)."),
    "not_edxml": _("The file is not an edXML package (QCVN 102:2016)."),
    "unsigned": _("The package is not signed."),
    "bad_signature": _("The package's digital signature is not valid: the package was altered or the "
                       "signature is broken."),
    "untrusted": _("The package is signed by a certificate no trusted certification authority issued."),
    "unknown_agency": _("The sending agency's code is not known on this installation."),
    "bad_base64": _("An attachment is not valid base64 (truncated or altered)."),
    "missing_field": _("A required element is missing from the package."),
    "bad_date": _("A date in the package is not in the format yyyy/MM/dd (or yyyy/MM/dd HH:mm:ss)."),
    "unknown_code": _("A code in the package is not in the code list."),
    "too_deep": _("The package nests elements too deeply."),
    "secret": _("Secret documents are not sent through the document exchange."),
    "invalid": _("The package cannot be built from these values."),
    "no_key": _("The agency has no usable signing key (a PKCS#12 key file with its passphrase stored) to sign "
                "exchange packages."),
}


class EdxmlError(Exception):
    """A package refused, with ``code`` (see ``CODES``) and a ``reason`` for people."""

    def __init__(self, code: str, reason: object = None, /, *, detail: str = "", **params: object) -> None:
        if code not in CODES:
            raise ValueError(f"unknown edXML error code {code!r}")
        self.code = code
        self._reason = reason if reason is not None else CODES[code]
        self.params = params
        self.detail = detail  # technical detail (parser message, element path), not translated
        super().__init__(code)

    @property
    def reason(self) -> str:
        """The reason in the active language (Vietnamese in QLVB), with the detail appended."""
        text = str(self._reason)
        if self.params:
            with contextlib.suppress(KeyError, TypeError, ValueError):
                text = text % self.params
        return f"{text} ({self.detail})" if self.detail else text

    def __str__(self) -> str:
        return f"{self.code}: {self.reason}"
