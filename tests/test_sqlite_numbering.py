"""Parallel clerks on SQLite (separate processes on one database file, as `make run` serves it)
get distinct, consecutive arrival numbers: IMMEDIATE transactions queue the writers."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

WORKER = Path(__file__).with_name("sqlite_numbering_worker.py")


def _run(env: dict, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(WORKER), *args], env=env, capture_output=True, text=True,
                          timeout=300, check=True)


@pytest.mark.slow
@pytest.mark.skipif(os.environ.get("DATABASE_URL", "sqlite").split(":")[0] != "sqlite", reason="SQLite only")
def test_parallel_clerks_on_a_sqlite_file(tmp_path):
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}", "QLVB_VAR_DIR": str(tmp_path),
           "MEDIA_ROOT": str(tmp_path / "files"), "TESTING": "1"}
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], env=env, check=True, timeout=300,
                   cwd=WORKER.parent.parent)
    _run(env, "setup")
    workers, each = 4, 5
    processes = [subprocess.Popen([sys.executable, str(WORKER), "register", str(i), str(each)], env=env,
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
                 for i in range(workers)]
    for process in processes:
        _out, err = process.communicate(timeout=300)
        assert process.returncode == 0, err[-2000:]
    numbers = [int(n) for n in _run(env, "numbers").stdout.strip().split(",")]
    assert numbers == list(range(1, workers * each + 1))
