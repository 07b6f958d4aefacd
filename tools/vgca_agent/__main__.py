"""python -m tools.vgca_agent setup|serve|demo (docs/signing-vgca.md, "Running the agent").

  setup --dir D [--pin P] [--name "…"]   a SoftHSM2 token in D, its RSA-2048 key and certificate
  serve --dir D [--port 8987] [--pin P | --pin-file F] [--origin URL …]
  demo  --dir D [--port 8987]            setup when D holds no token yet, then serve with its PIN
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import sys
from pathlib import Path

from . import hsm


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.vgca_agent", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    setup = commands.add_parser("setup", help="make the token, its key and certificate")
    serve = commands.add_parser("serve", help="answer the VGCA plugin's protocol")
    demo = commands.add_parser("demo", help="setup if needed, then serve")
    for command in (setup, serve, demo):
        command.add_argument("--dir", type=Path, required=True, help="the token's folder")
    for command in (setup, demo):
        command.add_argument("--pin", default=hsm.DEFAULT_PIN, help="the token's user PIN")
        command.add_argument("--name", default="Lò Văn Hùng", help="the signer's name in the certificate")
    for command in (serve, demo):
        command.add_argument("--host", default="127.0.0.1")
        command.add_argument("--port", type=int, default=8987, help="0: any free port (printed)")
        command.add_argument("--origin", action="append", default=[],
                             help="accept calls only from this page origin (repeatable; default: any)")
    answers = serve.add_mutually_exclusive_group(required=True)
    answers.add_argument("--pin", help="the PIN the simulated person types at every prompt")
    answers.add_argument("--pin-file", type=Path,
                         help="read at every prompt: the PIN typed, or 'cancel' (or empty) for Cancel")
    args = parser.parse_args(argv)

    problem = hsm.missing()
    if problem:
        print(problem, file=sys.stderr)
        return 2
    folder = hsm.TokenFolder(args.dir.resolve())
    if args.command == "setup" or (args.command == "demo" and not folder.exists()):
        hsm.setup(folder.path, pin=args.pin, common_name=args.name)
        print(f"Token made in {folder.path}: PIN {args.pin}, certificate {folder.signer_pem}", flush=True)
        if args.command == "setup":
            return 0
    if not folder.exists():
        print(f"No token in {folder.path}: run `setup --dir {args.dir}` first", file=sys.stderr)
        return 2

    from .server import Agent, FixedPin, PinFile, PinPrompt
    from .server import serve as run

    prompt: PinPrompt
    if args.command == "serve" and args.pin_file is not None:
        prompt = PinFile(args.pin_file)
    else:
        prompt = FixedPin(args.pin if args.command == "serve" else folder.settings()["pin"])
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s", stream=sys.stderr)
    agent = Agent(hsm.Token(folder), prompt, origins=args.origin)
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(run(agent, host=args.host, port=args.port))
    return 0


if __name__ == "__main__":
    sys.exit(main())
