"""Entry point: the window by default; `doctor` and `services …` for people and scripts without a screen."""

from __future__ import annotations

import argparse
import logging
import sys

from app import APP_NAME, __version__


def _parser() -> argparse.ArgumentParser:
    from app.hosts import doctor
    from app.services import command as services_command

    parser = argparse.ArgumentParser(prog="eris-desktop", description=f"{APP_NAME}: eris services on Docker.")
    parser.add_argument("--version", action="version", version=f"{APP_NAME} {__version__}")
    parser.add_argument("--host", metavar="NAME_OR_URL",
                        help="the engine to use: a saved profile's name or an address (unix://, tcp://, ssh://)")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    doctor.add_arguments(commands.add_parser("doctor", help="find every Docker Engine and say why each does "
                                                            "or does not work"))
    services_command.add_arguments(commands.add_parser("services", help="eris services: ls, start, stop, update…"))
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(sys.argv[1:] if argv is None else argv)
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    if args.command == "doctor":
        from app.hosts import doctor

        return doctor.run(args)
    if args.command == "services":
        from app.services import command as services_command

        return services_command.run(args)
    from app.ui.application import run

    return run(host=args.host)
