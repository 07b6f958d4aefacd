"""How passwords are stored."""

from __future__ import annotations

from django.contrib.auth.hashers import Argon2PasswordHasher


class Argon2idHasher(Argon2PasswordHasher):
    """Argon2id with the first setting of OWASP's Password Storage Cheat Sheet: 19 MiB of memory,
    2 passes, 1 lane. It costs an attacker's GPU more than PBKDF2 at Django's 1,000,000 rounds, and
    the server about 30 ms of CPU a sign-in instead of 400 ms: a hundred people signing in at
    8 a.m. no longer take a 2-core node's whole minute (make bench, burst). Hashes made with other
    settings, and the PBKDF2 hashes made before, are redone at the person's next sign-in."""

    time_cost = 2
    memory_cost = 19456
    parallelism = 1
