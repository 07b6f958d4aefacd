from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import BaseBackend

from qlvb.org.models import Person


class PersonBackend(BaseBackend):
    """Loads the signed-in person. Password checks go through accounts.services.check_credentials,
    which also counts failures and locks; this backend only serves sessions and the admin."""

    def authenticate(self, request: Any, username: str | None = None, password: str | None = None,
                     **kwargs: Any) -> Person | None:
        if not username or password is None:
            return None
        person = Person.objects.filter(username=username.lower()).first()
        if person and person.is_active and not person.is_locked and person.check_password(password):
            return person
        return None

    def get_user(self, user_id: int) -> Person | None:
        return Person.objects.filter(pk=user_id, is_active=True).select_related("agency").first()

    def has_perm(self, user_obj: Any, perm: str, obj: Any = None) -> bool:
        return bool(user_obj.is_active and user_obj.is_superuser)
