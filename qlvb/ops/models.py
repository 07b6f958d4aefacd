from __future__ import annotations

from django.db import models


class Heartbeat(models.Model):
    """The last minute a job worker was seen alive, one row per host running a worker.

    In the database because every node reads it (the default cache is per process). Not an event:
    a beat a minute is telemetry, not a change anyone must be able to account for."""

    host = models.CharField(max_length=255, unique=True)
    at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.host} {self.at:%Y-%m-%d %H:%M:%S}"
