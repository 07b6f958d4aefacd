"""The reverse proxy's configuration (docs/deploy/nginx.conf) with its {{…}} values filled in: what
`manage.py nginx_conf` prints and what the two-node test runs nginx with."""

from __future__ import annotations

import re
from pathlib import Path

TEMPLATE = Path(__file__).resolve().parents[2] / "docs" / "deploy" / "nginx.conf"
_PLACEHOLDER = re.compile(r"\{\{(\w+)\}\}")


def nginx_conf(*, nodes: list[str], prefix: str, server_name: str, certificate: str, certificate_key: str,
               http_listen: str = "80", https_listen: str = "443", user: str = "www-data",
               fail_timeout: int = 10, chat_nodes: list[str] | None = None) -> str:
    """The configuration for application nodes ``nodes`` ("host:port" each); the chat's sockets
    (/ws/) go to ``chat_nodes``, by default the port after each node's (`make serve` runs the
    ASGI server there, CHAT_PORT)."""
    if not nodes:
        raise ValueError("At least one application node (host:port) is needed.")
    if not chat_nodes:
        chat_nodes = [f"{host}:{int(port) + 1}" for host, _sep, port in (node.rpartition(":") for node in nodes)]
    values = {
        "user": user, "prefix": prefix.rstrip("/"), "http_listen": http_listen, "https_listen": https_listen,
        "server_name": server_name, "certificate": certificate, "certificate_key": certificate_key,
        "upstreams": "\n        ".join(f"server {node} max_fails=1 fail_timeout={fail_timeout}s;" for node in nodes),
        "chat_upstreams": "\n        ".join(f"server {node} max_fails=1 fail_timeout={fail_timeout}s;"
                                          for node in chat_nodes),
    }
    # The comment block at the top names every placeholder; only the directives get values.
    text = TEMPLATE.read_text(encoding="utf-8")
    head, _sep, body = text.partition("\nuser ")
    missing = set(_PLACEHOLDER.findall(body)) - set(values)
    if missing:
        raise ValueError(f"No value for {sorted(missing)} in {TEMPLATE}")
    return head + _sep + _PLACEHOLDER.sub(lambda match: values[match.group(1)], body)
