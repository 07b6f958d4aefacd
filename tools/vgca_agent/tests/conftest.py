"""The agent under test: a SoftHSM2 token made once per test process in a temporary folder, and the
agent serving it from a process of its own (SoftHSM2 and python-pkcs11 load once per process), on
a free loopback port, its PIN prompt answered from a file the tests write."""

from __future__ import annotations

import asyncio
import concurrent.futures
import json
import os
import signal
import ssl
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tools.vgca_agent import hsm

ROOT = Path(__file__).resolve().parents[3]

def _run(*args: str) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-m", "tools.vgca_agent", *args], cwd=ROOT, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)


@dataclass
class RunningAgent:
    folder: hsm.TokenFolder
    process: subprocess.Popen[str]
    port: int
    tls_certificate: Path
    pin_file: Path

    @property
    def base(self) -> str:
        return f"wss://127.0.0.1:{self.port}"

    @property
    def pin(self) -> str:
        return str(self.folder.settings()["pin"])

    def person_types(self, answer: str) -> None:
        """What the simulated person does at the next PIN prompts: a PIN, or "cancel"."""
        self.pin_file.write_text(answer, encoding="utf-8")

    def call(self, endpoint: str, message: str | bytes, *, origin: str | None = None) -> dict[str, Any]:
        """One call as the page makes it: connect, send one message, read one JSON answer."""
        return json.loads(self.exchange(endpoint, message, origin=origin))

    def exchange(self, endpoint: str, message: str | bytes, *, origin: str | None = None) -> str:
        # In a thread of its own: the browser tests' Playwright keeps an event loop in this one.
        with concurrent.futures.ThreadPoolExecutor(1) as pool:
            return pool.submit(asyncio.run, self._exchange(endpoint, message, origin)).result(timeout=30)

    async def _exchange(self, endpoint: str, message: str | bytes, origin: str | None) -> str:
        import aiohttp

        context = ssl.create_default_context(cafile=str(self.tls_certificate))  # verified, not ignored
        async with aiohttp.ClientSession() as client, client.ws_connect(
                f"{self.base}/{endpoint}", ssl=context, origin=origin) as socket:
            if isinstance(message, bytes):
                await socket.send_bytes(message)
            else:
                await socket.send_str(message)
            answer = await socket.receive(timeout=20)
            assert answer.type == aiohttp.WSMsgType.TEXT, answer
            closing = await socket.receive(timeout=5)  # one answer per connection, then the agent closes
            assert closing.type in (aiohttp.WSMsgType.CLOSE, aiohttp.WSMsgType.CLOSED), closing
            return str(answer.data)


@pytest.fixture(scope="session")
def token_folder(tmp_path_factory: pytest.TempPathFactory) -> hsm.TokenFolder:
    folder = tmp_path_factory.mktemp("vgca-token")
    setup = _run("setup", "--dir", str(folder))
    _out, err = setup.communicate(timeout=60)
    assert setup.returncode == 0, err
    return hsm.TokenFolder(folder)


def start_agent(folder: hsm.TokenFolder, pin_file: Path, *extra: str) -> RunningAgent:
    process = _run("serve", "--dir", str(folder.path), "--port", "0", "--pin-file", str(pin_file), *extra)
    assert process.stdout is not None
    port, certificate = None, None
    while port is None or certificate is None:
        line = process.stdout.readline()
        if not line:
            raise AssertionError(f"the agent did not start: {process.communicate(timeout=5)[1]}")
        if line.startswith("VGCA agent listening on wss://127.0.0.1:"):
            port = int(line.rsplit(":", 1)[1])
        elif line.startswith("TLS certificate: "):
            certificate = Path(line.split(": ", 1)[1].strip())
    return RunningAgent(folder, process, port, certificate, pin_file)


def stop_agent(agent: RunningAgent) -> None:
    os.killpg(agent.process.pid, signal.SIGTERM)
    agent.process.communicate(timeout=10)


@pytest.fixture(scope="session")
def running_agent(token_folder: hsm.TokenFolder, tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningAgent]:
    pin_file = tmp_path_factory.mktemp("vgca-person") / "answer"
    agent = start_agent(token_folder, pin_file)
    yield agent
    stop_agent(agent)


@pytest.fixture
def agent(running_agent: RunningAgent) -> RunningAgent:
    """The agent, its simulated person typing the right PIN unless the test says otherwise."""
    running_agent.person_types(running_agent.pin)
    return running_agent
