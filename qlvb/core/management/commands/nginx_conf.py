from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand

from qlvb.core.deploy import nginx_conf


class Command(BaseCommand):
    help = ("Print the nginx configuration (docs/deploy/nginx.conf) for the given application nodes: "
            "TLS, round robin, a node that fails is skipped, a POST is never sent twice.")

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--node", action="append", required=True, dest="nodes",
                            help="host:port of an application node (gunicorn); repeat for each")
        parser.add_argument("--chat-node", action="append", dest="chat_nodes",
                            help="host:port of a node's ASGI server for the chat's sockets (daphne, CHAT_PORT); "
                                 "repeat for each; default: each node's port + 1")
        parser.add_argument("--server-name", required=True)
        parser.add_argument("--certificate", required=True, help="certificate chain, PEM")
        parser.add_argument("--certificate-key", required=True, help="its private key, PEM")
        parser.add_argument("--prefix", default="/var/lib/qlvb-nginx", help="folder for pid, logs, temp files")
        parser.add_argument("--user", default="www-data")
        parser.add_argument("--http-listen", default="80")
        parser.add_argument("--https-listen", default="443")

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(nginx_conf(
            nodes=options["nodes"], prefix=options["prefix"], server_name=options["server_name"],
            certificate=options["certificate"], certificate_key=options["certificate_key"],
            http_listen=options["http_listen"], https_listen=options["https_listen"], user=options["user"],
            chat_nodes=options["chat_nodes"]),
            ending="")
