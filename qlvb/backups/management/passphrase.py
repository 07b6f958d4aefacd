"""The backup passphrase for the commands: QLVB_BACKUP_PASSPHRASE, else asked at the terminal."""

from __future__ import annotations

import getpass
import sys

from django.conf import settings
from django.core.management.base import CommandError


def passphrase(*, confirm: bool, interactive: bool = True) -> str:
    if settings.QLVB_BACKUP_PASSPHRASE:
        return str(settings.QLVB_BACKUP_PASSPHRASE)
    if not interactive or not sys.stdin.isatty():
        raise CommandError("Set QLVB_BACKUP_PASSPHRASE (the passphrase that encrypts the backup's keys) "
                           "or run the command at a terminal to type it.")
    first = getpass.getpass("Backup passphrase: ")
    if confirm and getpass.getpass("The same passphrase again: ") != first:
        raise CommandError("The two passphrases differ.")
    return first
