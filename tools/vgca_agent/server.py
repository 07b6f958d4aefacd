"""The agent's WebSocket server (aiohttp): wss://127.0.0.1:<port>/<endpoint>, TLS with a certificate
for 127.0.0.1 made at start in a temporary folder, one message and one answer per connection.

The PIN dialog of the real plugin is simulated: at each signing the agent "asks" its PinPrompt,
which answers the PIN typed or None for the person pressing Cancel. The PIN goes to the token,
which is what refuses a wrong one."""

from __future__ import annotations

import asyncio
import datetime as dt
import ipaddress
import logging
import signal
import ssl
import tempfile
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Protocol

from aiohttp import WSMsgType, web
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from . import protocol
from .hsm import Token, TokenError

log = logging.getLogger("vgca_agent")

VERSION = "QLVB VGCA test agent 1.0"
MAX_MESSAGE_BYTES = 64 * 1024
# How long a connection may stay open without its one message (the page sends it on open).
MESSAGE_WAIT_SECONDS = 30

TOKEN_ERRORS = {"wrong_pin": protocol.WRONG_PIN, "pin_locked": protocol.PIN_LOCKED,
                "no_token": protocol.NO_TOKEN, "no_key": protocol.NO_TOKEN}


class PinPrompt(Protocol):
    def ask(self) -> str | None:
        """The PIN the person types, or None when they press Cancel."""


class FixedPin:
    def __init__(self, pin: str) -> None:
        self.pin = pin

    def ask(self) -> str | None:
        return self.pin


class PinFile:
    """Reads the answer at each prompt, so a test can change it between calls: the PIN typed, or
    "cancel" (or an empty or missing file) for Cancel."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def ask(self) -> str | None:
        try:
            text = self.path.read_text(encoding="utf-8").strip()
        except FileNotFoundError:
            return None
        return None if text in ("", "cancel") else text


class Agent:
    def __init__(self, token: Token, prompt: PinPrompt, *, origins: Iterable[str] = ()) -> None:
        self.token = token
        self.prompt = prompt
        self.origins = frozenset(origins)  # empty: any page may call, as the real plugin lets it

    async def answer(self, endpoint: str, text: str) -> str:
        if endpoint == protocol.GET_VERSION:
            return protocol.answer(protocol.OK, Version=VERSION)
        if endpoint == protocol.GET_CERT_INFO:
            return await self._cert_info()
        if endpoint == protocol.SIGN_MSG:
            return await self._sign_msg(text)
        return protocol.answer(protocol.UNKNOWN_ENDPOINT)

    async def _cert_info(self) -> str:
        try:
            der = await asyncio.to_thread(self.token.certificate_der)
        except TokenError as error:
            return protocol.answer(TOKEN_ERRORS[error.code])
        cert = x509.load_der_x509_certificate(der)
        return protocol.answer(protocol.OK, CertInfo={
            "Base64Data": protocol.b64(der),
            "Subject": cert.subject.rfc4514_string(),
            "Issuer": cert.issuer.rfc4514_string(),
            "SerialNumber": format(cert.serial_number, "X"),
            "ValidFrom": cert.not_valid_before_utc.isoformat(),
            "ValidTo": cert.not_valid_after_utc.isoformat(),
        })

    async def _sign_msg(self, text: str) -> str:
        try:
            request = protocol.parse_sign_msg(text)
        except protocol.BadRequest as error:
            return protocol.answer(protocol.BAD_REQUEST, str(error))
        pin = await asyncio.to_thread(self.prompt.ask)
        if pin is None:
            return protocol.answer(protocol.CANCELLED)
        try:
            signature = await asyncio.to_thread(self.token.sign_digest, request.digest, request.hash_alg, pin)
            der = await asyncio.to_thread(self.token.certificate_der)
        except TokenError as error:
            return protocol.answer(TOKEN_ERRORS[error.code])
        return protocol.answer(protocol.OK, Signature=protocol.b64(signature), CertBase64=protocol.b64(der))

    async def handle(self, request: web.Request) -> web.StreamResponse:
        endpoint = request.match_info.get("endpoint", "")
        origin = request.headers.get("Origin", "")
        if self.origins and origin not in self.origins:
            log.warning("refused %s from %s", endpoint, origin or "(no origin)")
            raise web.HTTPForbidden(text="Origin not allowed\n")
        ws = web.WebSocketResponse(max_msg_size=MAX_MESSAGE_BYTES)
        if not ws.can_prepare(request).ok:
            # A plain HTTPS visit: lets a person accept the loopback certificate in the browser.
            return web.Response(text=f"{VERSION}: wss://{request.host}/<endpoint>\n")
        await ws.prepare(request)
        started = time.perf_counter()
        try:
            message = await ws.receive(timeout=MESSAGE_WAIT_SECONDS)
        except TimeoutError:
            await ws.close()
            return ws
        if message.type == WSMsgType.TEXT:
            reply = await self.answer(endpoint, message.data)
        elif message.type == WSMsgType.BINARY:
            reply = protocol.answer(protocol.BAD_REQUEST, "Yêu cầu phải là văn bản JSON.")
        else:  # closed (a page only checking that the plugin answers) or a frame too large
            if message.type == WSMsgType.ERROR:
                reply = protocol.answer(protocol.BAD_REQUEST, "Yêu cầu quá lớn hoặc không đọc được.")
            else:
                return ws
        if not ws.closed:
            await ws.send_str(reply)
            await ws.close()
        log.info("%s from %s: %s (%.0f ms)", endpoint, origin or "(no origin)", reply[:40],
                 (time.perf_counter() - started) * 1000)
        return ws

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_get("/", self.handle)
        app.router.add_get("/{endpoint}", self.handle)
        return app


def loopback_tls(folder: Path) -> tuple[ssl.SSLContext, Path]:
    """A TLS context for 127.0.0.1 with a self-signed certificate written into `folder`."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5)).not_valid_after(now + dt.timedelta(days=365))
        .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1")),
                                                    x509.DNSName("localhost")]), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = folder / "loopback.pem", folder / "loopback.key"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    key_path.chmod(0o600)
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert_path, key_path)
    return context, cert_path


async def serve(agent: Agent, *, host: str = "127.0.0.1", port: int = 8987) -> None:
    """Serve until SIGTERM or SIGINT (Ctrl+C); prints the address (with the port chosen when `port` is 0) and the
    loopback certificate's path, one line each, for whoever started the agent."""
    with tempfile.TemporaryDirectory(prefix="vgca-agent-tls-") as folder:
        context, cert_path = loopback_tls(Path(folder))
        runner = web.AppRunner(agent.app(), access_log=None)
        await runner.setup()
        site = web.TCPSite(runner, host, port, ssl_context=context)
        await site.start()
        bound = runner.addresses[0][1]
        print(f"VGCA agent listening on wss://{host}:{bound}", flush=True)
        print(f"TLS certificate: {cert_path}", flush=True)
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(signum, stop.set)
        try:
            await stop.wait()
        finally:
            await runner.cleanup()
