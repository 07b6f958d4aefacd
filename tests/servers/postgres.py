"""A PostgreSQL cluster of the test's own (initdb + pg_ctl from Debian's packages) on a free loopback
port, trust authentication, in a folder that goes away with it. As root, the cluster runs as the
postgres account (PostgreSQL refuses root), as `.ci/run` does.

    with postgres() as pg:
        pg.url("qlvb")  # postgres://postgres@127.0.0.1:PORT/qlvb
"""

from __future__ import annotations

import contextlib
import glob
import os
import pwd
import shlex
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from tests.servers.seaweedfs import free_port


def pg_bin() -> Path | None:
    folders = sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=lambda p: [int(x) for x in p.split("/")[-2:-1]])
    return Path(folders[-1]) if folders else None


@dataclass
class PostgresServer:
    port: int
    folder: Path

    def url(self, database: str = "postgres") -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{database}"

    def create_database(self, name: str) -> str:
        import psycopg

        with psycopg.connect(self.url(), autocommit=True) as connection:
            connection.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)


def _run(args: list[str]) -> None:
    if os.geteuid() == 0:
        args = ["su", "postgres", "-s", "/bin/sh", "-c", shlex.join(args)]
    result = subprocess.run(args, capture_output=True, text=True)
    if result.returncode:
        raise RuntimeError(f"{args[-1][:200]} failed: {result.stdout[-1000:]} {result.stderr[-1000:]}")


@contextlib.contextmanager
def postgres(*, settings: dict[str, str] | None = None) -> Iterator[PostgresServer]:
    """Start a fresh cluster (``settings``: extra -c options, e.g. max_connections). Its folder is
    made under /tmp, not pytest's (which only root may enter when run as root), and removed after."""
    binaries = pg_bin()
    if binaries is None:
        raise RuntimeError("PostgreSQL is not installed (apt-get install postgresql)")
    folder = Path(tempfile.mkdtemp(prefix="qlvb-pg."))
    if os.geteuid() == 0:
        account = pwd.getpwnam("postgres")
        os.chown(folder, account.pw_uid, account.pw_gid)
    data, port = folder / "data", free_port()
    _run([str(binaries / "initdb"), "-D", str(data), "-U", "postgres", "--auth=trust", "-E", "UTF8",
          "--no-sync"])
    options = f"-p {port} -k {folder} -c listen_addresses=127.0.0.1 -c fsync=off"
    for name, value in (settings or {}).items():
        options += f" -c {name}={value}"
    _run([str(binaries / "pg_ctl"), "-D", str(data), "-o", options, "-l", str(folder / "log"), "-w", "start"])
    try:
        yield PostgresServer(port=port, folder=folder)
    finally:
        with contextlib.suppress(RuntimeError):
            _run([str(binaries / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"])
        shutil.rmtree(folder, ignore_errors=True)
