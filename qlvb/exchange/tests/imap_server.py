"""A tiny IMAP4rev1 server for tests: enough of LOGIN, SELECT, SEARCH, FETCH, STORE and LOGOUT
for imaplib, serving messages from a list, in a thread on a loopback port."""

from __future__ import annotations

import re
import socketserver
import threading


class Store:
    def __init__(self, username: str, password: str) -> None:
        self.username, self.password = username, password
        self.messages: list[dict] = []  # {"raw": bytes, "seen": bool}
        self.logins = 0

    def add(self, raw: bytes) -> None:
        self.messages.append({"raw": raw, "seen": False})


class _Handler(socketserver.StreamRequestHandler):
    store: Store

    def _send(self, line: str | bytes) -> None:
        self.wfile.write(line if isinstance(line, bytes) else line.encode())

    def handle(self) -> None:  # noqa: C901 - one IMAP session
        store = self.server.store  # type: ignore[attr-defined]
        self._send("* OK tiny IMAP ready\r\n")
        authenticated = False
        while True:
            line = self.rfile.readline()
            if not line:
                return
            parts = line.decode().strip().split(" ", 2)
            tag, command = parts[0], parts[1].upper() if len(parts) > 1 else ""
            args = parts[2] if len(parts) > 2 else ""
            if command == "CAPABILITY":
                self._send(f"* CAPABILITY IMAP4rev1 AUTH=PLAIN\r\n{tag} OK done\r\n")
            elif command == "LOGIN":
                user, password = [a.strip('"') for a in args.split(" ", 1)]
                if (user, password) == (store.username, store.password):
                    authenticated = True
                    store.logins += 1
                    self._send(f"{tag} OK LOGIN completed\r\n")
                else:
                    self._send(f"{tag} NO [AUTHENTICATIONFAILED] wrong\r\n")
            elif not authenticated and command not in ("LOGOUT", "NOOP"):
                self._send(f"{tag} BAD not authenticated\r\n")
            elif command == "SELECT":
                self._send(f"* {len(store.messages)} EXISTS\r\n* 0 RECENT\r\n* FLAGS (\\Seen)\r\n"
                           f"{tag} OK [READ-WRITE] SELECT completed\r\n")
            elif command == "SEARCH":
                numbers = [str(i + 1) for i, m in enumerate(store.messages)
                           if "UNSEEN" not in args.upper() or not m["seen"]]
                found = " ".join(numbers)
                self._send(f"* SEARCH{' ' if found else ''}{found}\r\n{tag} OK SEARCH completed\r\n")
            elif command == "FETCH":
                number = int(args.split(" ", 1)[0])
                raw = store.messages[number - 1]["raw"]
                self._send(f"* {number} FETCH (RFC822 {{{len(raw)}}}\r\n".encode() + raw + b")\r\n")
                self._send(f"{tag} OK FETCH completed\r\n")
            elif command == "STORE":
                number = int(args.split(" ", 1)[0])
                if re.search(r"\\Seen", args, re.IGNORECASE):
                    store.messages[number - 1]["seen"] = True
                self._send(f"* {number} FETCH (FLAGS (\\Seen))\r\n{tag} OK STORE completed\r\n")
            elif command == "NOOP":
                self._send(f"{tag} OK\r\n")
            elif command == "LOGOUT":
                self._send(f"* BYE\r\n{tag} OK LOGOUT completed\r\n")
                return
            else:
                self._send(f"{tag} BAD unknown command\r\n")


class _Server(socketserver.ThreadingTCPServer):
    allow_reuse_address = True
    daemon_threads = True


def serve(store: Store) -> tuple[_Server, int]:
    server = _Server(("127.0.0.1", 0), _Handler)
    server.store = store  # type: ignore[attr-defined]
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, server.server_address[1]
