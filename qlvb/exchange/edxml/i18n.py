"""Translations of the edXML library's messages.

The library is not a Django app, so its Vietnamese catalogue lives in its own folder
(``edxml/locale/vi/LC_MESSAGES/django.po``, compiled by ``make messages`` like every other):
a message is looked up in Django's catalogues first (so the exchange app's or the project's
catalogue may override it), then in this one.
"""

from __future__ import annotations

import functools
import gettext as pygettext
from pathlib import Path

from django.utils import translation
from django.utils.functional import lazy

LOCALE_DIR = Path(__file__).resolve().parent / "locale"


@functools.cache
def _catalogue(language: str) -> pygettext.NullTranslations:
    return pygettext.translation("django", localedir=LOCALE_DIR, languages=[language], fallback=True)


def gettext(message: str) -> str:
    text = translation.gettext(message)
    if text == message:
        language = (translation.get_language() or "").split("-")[0]
        if language and language != "en":
            text = _catalogue(language).gettext(message)
    return text


gettext_lazy = lazy(gettext, str)
