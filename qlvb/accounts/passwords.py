"""Password policy (R4), with messages in the interface language."""

from __future__ import annotations

import re

from django.contrib.auth.password_validation import CommonPasswordValidator
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from qlvb.core.text import fold


class LengthValidator:
    def __init__(self, min_length: int = 10) -> None:
        self.min_length = min_length

    def validate(self, password: str, user: object = None) -> None:
        if len(password) < self.min_length:
            raise ValidationError(
                ngettext(
                    "The password must have at least %(n)d character.",
                    "The password must have at least %(n)d characters.",
                    self.min_length,
                )
                % {"n": self.min_length},
                code="password_too_short",
            )

    def get_help_text(self) -> str:
        return _("At least %(n)d characters.") % {"n": self.min_length}


class CharacterClassValidator:
    def validate(self, password: str, user: object = None) -> None:
        missing = []
        if not re.search(r"[a-zà-ỹđ]", password):
            missing.append(_("a lower-case letter"))
        if not re.search(r"[A-ZÀ-ỸĐ]", password):
            missing.append(_("a capital letter"))
        if not re.search(r"\d", password):
            missing.append(_("a digit"))
        if not re.search(r"[^\w\s]|_", password):
            missing.append(_("a special character such as ! @ # $"))
        if missing:
            raise ValidationError(
                _("The password must also contain %(missing)s.") % {"missing": ", ".join(missing)},
                code="password_classes",
            )

    def get_help_text(self) -> str:
        return _("Lower-case and capital letters, digits and a special character.")


class NotPersonalValidator:
    """Refuses passwords built from the username or the person's name."""

    def validate(self, password: str, user: object = None) -> None:
        if user is None:
            return
        folded = fold(password)
        parts = [getattr(user, "username", "") or ""]
        parts += (getattr(user, "full_name", "") or "").split()
        for part in parts:
            part = fold(part)
            if len(part) >= 4 and part in folded:
                raise ValidationError(
                    _("The password must not contain your username or your name."), code="password_personal"
                )

    def get_help_text(self) -> str:
        return _("Not your username or your name.")


class NotCommonValidator(CommonPasswordValidator):
    def validate(self, password: str, user: object = None) -> None:
        lowered = password.lower().strip()
        if lowered in self.passwords or re.fullmatch(r"(.)\1+|0?123456789?0?|qwerty.*", lowered):
            raise ValidationError(_("This password is too common."), code="password_too_common")

    def get_help_text(self) -> str:
        return _("Not a common password.")
