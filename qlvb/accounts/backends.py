from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import BaseBackend

from qlvb.accounts import services
from qlvb.core.actor import client_ip
from qlvb.org.models import Person


class PersonBackend(BaseBackend):
    """Loads the signed-in person. Password checks go through accounts.services.check_credentials,
    which also throttles failures; this backend only serves sessions and the admin."""

    def authenticate(self, request: Any, username: str | None = None, password: str | None = None,
                     **kwargs: Any) -> Person | None:
        # The Django admin's own sign-in form: the same throttle as the sign-in page, and no way
        # around two-step sign-in (a person with a code signs in on the sign-in page first).
        if not username or password is None:
            return None
        try:
            result, person = services.check_credentials(username=username, password=password,
                                                        ip=client_ip(request) if request is not None else None)
        except services.SignInThrottled:
            return None
        return person if result == services.LoginResult.OK else None

    def get_user(self, user_id: int) -> Person | None:
        return Person.objects.filter(pk=user_id, is_active=True).select_related("agency").first()

    def has_perm(self, user_obj: Any, perm: str, obj: Any = None) -> bool:
        return bool(user_obj.is_active and user_obj.is_superuser)
