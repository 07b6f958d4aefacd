"""Account reads."""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils import timezone

from qlvb.accounts.models import SignInThrottle
from qlvb.org.models import Person


def sign_in_blocks(person: Person) -> QuerySet[SignInThrottle]:
    """The source addresses blocked from signing in as this person now (the owner and the
    administrator see them; they expire by themselves)."""
    return SignInThrottle.objects.filter(username=person.username, blocked_until__gt=timezone.now()).order_by(
        "-blocked_until")
