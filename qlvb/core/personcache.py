"""What a person's pages show on every request (navigation counts, roles), kept between requests
until anything changes.

Every event but signing in and out and the log of secret documents' openings moves one stamp
(`on_event`, subscribed to all events in CoreConfig.ready: at once, for readers in the same
transaction, and again after commit, for every other worker). A value is
cached under the stamp it was computed with, so a worker never serves a value older than the
last event: the stamp is shared by every worker and node (Redis when configured, else a file in
VAR_DIR), while the values themselves may sit in a worker's own memory. Every state change is an
event (docs/architecture.md), so nothing a person is shown stays stale after one; values that
depend on the date carry it in their key.
"""

from __future__ import annotations

import os
import secrets
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from django.conf import settings
from django.core.cache import cache

if TYPE_CHECKING:
    from qlvb.core.models import Event

T = TypeVar("T")
_KEY = "qlvb:person-stamp"
# The working-day calendar has a stamp of its own, moved by calendar events only: every
# registration computes a deadline from it, and every registration is an event, so under the
# person stamp the calendar was read again for each one.
CALENDAR = "calendar"
# A transaction recording many events moves the stamp once, not once per event (on_event).
_moves = threading.local()
# A bound on what a change made outside the services (the Django admin, a shell) can leave stale.
TIMEOUT = 300


def _shared_cache() -> bool:
    return "redis" in settings.CACHES["default"]["BACKEND"].lower()


def _key(of: str) -> str:
    return _KEY if of == "person" else f"qlvb:{of}-stamp"


def _path(of: str = "person") -> Path:
    path = Path(settings.QLVB_PERSON_STAMP_FILE)
    return path if of == "person" else path.with_name(f"{path.name}.{of}")


def stamp(of: str = "person") -> str:
    """The stamp of everything (`of="person"`) or of the calendar only (CALENDAR)."""
    _moves.read = True  # something may be kept under it now (on_event)
    if _shared_cache():
        key = _key(of)
        value = cache.get(key)
        if value is None:
            value = secrets.token_hex(8)
            if not cache.add(key, value, None):
                value = cache.get(key) or value
        return str(value)
    try:
        return _path(of).read_text()
    except FileNotFoundError:
        bump(of)
        return _path(of).read_text()


# Signing in and out, and the log of each opening of a secret document, change nothing a page
# keeps here (the session checks are made on every request): at 8 a.m. a hundred sign-ins a
# minute, and every look at a secret document, would otherwise empty every person's values.
QUIET_PREFIXES = ("auth.",)
QUIET_SUFFIXES = (".secret_opened",)


# How many quiet events this thread has recorded: a page that recorded one (an opening of a secret
# document) must be made afresh each time, never kept (core.keptpages).
_quiet = threading.local()


def quiet_events() -> int:
    return getattr(_quiet, "count", 0)


# A transaction recording many events (a hand-over of 5,000 items) moves the stamp once, not once
# per event: inside it, again only when this thread has read a value since it last moved it (no
# value of its own can be kept under the stamp it moved); after the commit, once for all the
# events of the commit (the state does not change between their callbacks).
def _changes(event: Event) -> bool:
    return not event.verb.startswith(QUIET_PREFIXES) and not event.verb.endswith(QUIET_SUFFIXES)


def on_event(event: Event) -> None:
    if _changes(event):
        _moves.after_commit = True
        if getattr(_moves, "read", True):
            bump()
            _moves.read = False
        if event.verb.startswith("calendar."):
            bump(CALENDAR)
    else:
        _quiet.count = quiet_events() + 1


def on_event_committed(event: Event) -> None:
    # Readers in other workers may have cached the values of before the commit under the stamp
    # moved inside the transaction: move it again once the change is visible to them.
    if not _changes(event):
        _quiet.count = quiet_events() + 1
        return
    if getattr(_moves, "after_commit", True):
        bump()
        _moves.after_commit = False
        _moves.read = True  # another worker may have read since: the next event moves it again
    if event.verb.startswith("calendar."):
        bump(CALENDAR)


def bump(of: str = "person") -> None:
    value = secrets.token_hex(8)
    if _shared_cache():
        cache.set(_key(of), value, None)
        return
    # Written whole under a name of its own, then renamed over: a reader sees the old or the new.
    path = _path(of)
    partial = path.with_name(f".{path.name}.{os.getpid()}.{value}")
    partial.write_text(value)
    os.replace(partial, path)


def cached(name: str, owner_id: int, compute: Callable[[], T], *key: object, of: str = "person") -> T:
    """compute(), or what it gave since the last event for this name, owner (a person, or an
    agency for what is the same for all its people) and key; `of=CALENDAR`: since the last
    calendar event."""
    cache_key = f"qlvb:{of}:{name}:{owner_id}:{stamp(of)}:{':'.join(map(str, key))}"
    value = cache.get(cache_key)
    if value is None:
        value = compute()
        cache.set(cache_key, value, TIMEOUT)
    return value
