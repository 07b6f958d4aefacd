"""Counting requests per caller in the cache, for what anyone may ask without signing in (the public
verification page): at most `limit` requests of one kind from one caller per window.

The cache is the project's (Redis with REDIS_URL, shared by every node; each process's memory
otherwise, and in tests). A fixed window per caller: the first request starts it, the count
expires with it. Failed sign-ins are not counted here: they are kept in the database with their
growing blocks and events (accounts.services), since they must survive a restart of Redis.
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass

from django.core.cache import cache


@dataclass(frozen=True)
class Limit:
    scope: str  # "verify.lookup"
    limit: int
    window_seconds: int


class RateLimited(Exception):
    """Too many requests of this kind from this caller: try again in `retry_after` seconds."""

    def __init__(self, retry_after: int) -> None:
        super().__init__(retry_after)
        self.retry_after = max(1, retry_after)


def _key(limit: Limit, caller: str) -> str:
    digest = hashlib.sha256(caller.encode()).hexdigest()[:32]  # an address or id: no raw value in the keys
    return f"ratelimit:{limit.scope}:{digest}"


def hit(limit: Limit, caller: str) -> None:
    """Count one request of `caller` (an address, "person:12"…); raise RateLimited past the limit.
    A refused request counts too, so that hammering does not open the window sooner."""
    key = _key(limit, caller)
    now = int(time.time())
    # The window's start is kept beside the count, so the wait can be told (Retry-After).
    cache.add(f"{key}:start", now, limit.window_seconds)
    if cache.add(key, 1, limit.window_seconds):
        count = 1
    else:
        try:
            count = cache.incr(key)
        except ValueError:  # expired between the two calls: a new window
            cache.set(key, 1, limit.window_seconds)
            count = 1
    if count > limit.limit:
        started = cache.get(f"{key}:start") or now
        raise RateLimited(int(started) + limit.window_seconds - now)


def reset(limit: Limit, caller: str) -> None:
    key = _key(limit, caller)
    cache.delete_many([key, f"{key}:start"])
