"""Who is away: a registry the document apps ask without importing the app that knows (the leave
app registers its provider in its AppConfig.ready()). One call answers for every person of a page:
`absent(person_ids, start, end) -> {person_id: label}`; the label says that and until when the
person is away, never why (the reason of a leave is private)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date

Provider = Callable[[list[int], date, date], dict[int, str]]

_providers: list[Provider] = []


def register(provider: Provider) -> Provider:
    if provider not in _providers:
        _providers.append(provider)
    return provider


def absent(person_ids: Iterable[int], start: date, end: date | None = None) -> dict[int, str]:
    """The people of `person_ids` away on some day of [start, end] (end = start if not given),
    with a short label each; {} when nobody is (or no provider is installed)."""
    ids = sorted({int(pk) for pk in person_ids if pk})
    if not ids:
        return {}
    found: dict[int, str] = {}
    for provider in _providers:
        for person_id, label in provider(ids, start, end or start).items():
            found.setdefault(person_id, label)
    return found
