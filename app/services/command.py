"""``services …`` on the command line: the same core as the window, for scripts and servers.

Exit codes scripts can trust: 0 done, 1 the operation failed (engine unreachable, a
container refused, …), 2 a usage or definition error (unknown service, invalid file,
a missing confirmation).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from pathlib import Path

import docker

from app.engine.connection import Endpoint, open_client
from app.engine.errors import EngineError
from app.services import data, service_io
from app.services.errors import DefinitionError, UnknownService
from app.services.lifecycle import ServiceManager
from app.services.reports import inspect_report, status_table
from app.services.store import install_defaults
from app.services.validation import Catalog, load_all

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2

Handler = Callable[[argparse.Namespace, ServiceManager], int]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Add the ``services`` sub-subcommands to ``parser`` (the ``services`` subcommand's own parser)."""
    commands = parser.add_subparsers(dest="services_command", metavar="COMMAND", required=True)

    def command(name: str, handler: Handler, help_text: str, *, names: str = "") -> argparse.ArgumentParser:
        sub = commands.add_parser(name, help=help_text, description=help_text)
        sub.set_defaults(services_handler=handler)
        if names == "+":
            sub.add_argument("names", nargs="+", metavar="NAME", help="service name(s)")
        elif names == "1":
            sub.add_argument("name", metavar="NAME", help="service name")
        return sub

    listing = command("ls", _ls, "list every service with its state")
    listing.add_argument("--json", action="store_true", help="machine-readable output")
    command("start", _start, "start services, their dependencies first", names="+")
    stop = command("stop", _stop, "stop services", names="+")
    stop.add_argument("--timeout", type=int, default=None, metavar="SECONDS", help="wait before killing")
    restart = command("restart", _restart, "restart services", names="+")
    restart.add_argument("--timeout", type=int, default=None, metavar="SECONDS", help="wait before killing")
    update = command("update", _update, "recreate services from their changed definitions; data is kept", names="+")
    update.add_argument("--pull", action="store_true", help="pull the image first")
    remove = command("rm", _rm, "remove service containers; their data stays unless --data", names="+")
    remove.add_argument("--data", action="store_true", help="also delete the data container and its files")
    remove.add_argument("--yes", action="store_true", help="do not ask before deleting data")
    logs = command("logs", _logs, "show a service's log", names="1")
    logs.add_argument("--tail", type=int, default=None, metavar="N", help="only the last N lines")
    logs.add_argument("--follow", action="store_true", help="keep printing new output")
    importing = command("import", _import, "copy a file or folder into a service's data", names="1")
    importing.add_argument("source", metavar="SRC", type=Path, help="file or folder on this computer")
    importing.add_argument("destination", metavar="DEST", nargs="?", default=data.DATA_ROOT,
                           help=f"folder in the data container (default {data.DATA_ROOT})")
    exporting = command("export", _export, "copy a file or folder out of a service's data", names="1")
    exporting.add_argument("source", metavar="SRC", help=f"path in the data container (relative to {data.DATA_ROOT})")
    exporting.add_argument("destination", metavar="DEST", type=Path, help="folder on this computer")
    command("inspect", _inspect, "everything known about a service, as JSON", names="1")


def _error(message: str) -> None:
    print(f"error: {message}", file=sys.stderr)


def _each(args: argparse.Namespace, action: Callable[[str], str]) -> int:
    """Run ``action`` for every name given, reporting each; the worst exit code of all."""
    worst = EXIT_OK
    for name in args.names:
        try:
            print(action(name))
        except (DefinitionError, UnknownService) as error:
            _error(error.message)
            worst = max(worst, EXIT_USAGE)
        except EngineError as error:
            _error(error.message)
            worst = max(worst, EXIT_FAILED)
    return worst


def _ls(args: argparse.Namespace, manager: ServiceManager) -> int:
    statuses = manager.statuses()
    if args.json:
        print(json.dumps([status.to_json() for status in statuses], indent=2))
    else:
        print(status_table(statuses))
    return EXIT_OK


def _start(args: argparse.Namespace, manager: ServiceManager) -> int:
    def start(name: str) -> str:
        started = manager.start(name)
        return f"started {', '.join(started)}" if started else f"{name} is already running"

    return _each(args, start)


def _stop(args: argparse.Namespace, manager: ServiceManager) -> int:
    return _each(args, lambda name: f"stopped {name}" if manager.stop(name, args.timeout) else f"{name} is not running")


def _restart(args: argparse.Namespace, manager: ServiceManager) -> int:
    def restart(name: str) -> str:
        manager.restart(name, args.timeout)
        return f"restarted {name}"

    return _each(args, restart)


def _update(args: argparse.Namespace, manager: ServiceManager) -> int:
    def update(name: str) -> str:
        manager.update(name, pull=args.pull)
        return f"updated {name}"

    return _each(args, update)


def _ask(prompt: str) -> str | None:
    """The person's answer, or None when nobody can answer (no terminal)."""
    if not sys.stdin or not sys.stdin.isatty():
        return None
    try:
        return input(prompt)
    except EOFError:
        return None


def _confirmed(manager: ServiceManager, names: list[str]) -> int | None:
    """None when deleting the data of ``names`` may go ahead, else the exit code to stop with."""
    losses = [(name, manager.data_loss(name)) for name in names]
    losses = [(name, loss) for name, loss in losses if loss]
    if not losses:
        return None
    described = "; ".join(f"{name}: {loss}" for name, loss in losses)
    answer = _ask(f"--data deletes {described}. This cannot be undone.\nType the service name(s) to confirm: ")
    if answer is None:
        _error(f"--data would delete {described}. Add --yes to confirm; nothing was removed.")
        return EXIT_USAGE
    if sorted(answer.replace(",", " ").split()) != sorted(name for name, _ in losses):
        _error("The names did not match; nothing was removed.")
        return EXIT_FAILED
    return None


def _rm(args: argparse.Namespace, manager: ServiceManager) -> int:
    if args.data and not args.yes:
        try:
            refused = _confirmed(manager, args.names)
        except EngineError as error:
            _error(error.message)
            return EXIT_FAILED
        if refused is not None:
            return refused

    def remove(name: str) -> str:
        removed = manager.remove(name, delete_data=args.data)
        text = f"removed {', '.join(removed)}" if removed else f"{name} had no containers"
        kept = "" if args.data else _data_name(manager, name)
        return text + (f"; its data stays in {kept}" if kept else "")

    return _each(args, remove)


def _data_name(manager: ServiceManager, name: str) -> str:
    container = manager.snapshot().data.get(name)
    return container.row.name if container else ""


def _logs(args: argparse.Namespace, manager: ServiceManager) -> int:
    if not args.follow:
        sys.stdout.write(service_io.logs(manager, args.name, args.tail))
        return EXIT_OK
    out = getattr(sys.stdout, "buffer", None)
    try:
        for chunk in service_io.follow_logs(manager, args.name, args.tail):
            if out is not None:
                out.write(chunk)
                out.flush()
            else:
                sys.stdout.write(chunk.decode("utf-8", "replace"))
    except KeyboardInterrupt:
        pass  # Ctrl-C ends following; that is how it is meant to end
    return EXIT_OK


def _import(args: argparse.Namespace, manager: ServiceManager) -> int:
    container = data.data_container_of(manager, args.name, create=True)
    target = data.import_path(manager.api, container, args.source, args.destination)
    print(f"imported {args.source} to {container}:{target}")
    return EXIT_OK


def _export(args: argparse.Namespace, manager: ServiceManager) -> int:
    container = data.data_container_of(manager, args.name)
    written = data.export_path(manager.api, container, args.source, args.destination)
    print(f"exported {container}:{data.container_path(args.source)} to {written}")
    return EXIT_OK


def _inspect(args: argparse.Namespace, manager: ServiceManager) -> int:
    print(json.dumps(inspect_report(manager, args.name), indent=2, default=str))
    return EXIT_OK


def _catalog() -> Catalog:
    try:
        install_defaults()
    except EngineError as error:  # the listing still works without the defaults
        _error(error.message)
    return load_all()


def run(args: argparse.Namespace, *, api: docker.APIClient | None = None) -> int:
    """Carry out a parsed ``services …`` command; the exit code. ``api`` replaces the connection (tests)."""
    handler: Handler = args.services_handler
    catalog = _catalog()
    try:
        client = api if api is not None else open_client(Endpoint.from_environment())
        return handler(args, ServiceManager(client, catalog))
    except (DefinitionError, UnknownService) as error:
        _error(error.message)
        return EXIT_USAGE
    except EngineError as error:
        _error(error.message)
        return EXIT_FAILED


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="services", description="eris services on Docker")
    add_arguments(parser)
    return run(parser.parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
