"""`python -m app doctor [--json]`: every engine candidate found here, probed, and why each fails.

Exit status 0 when at least one engine is reachable, 1 otherwise, so scripts
can ask "is there a Docker here?" and people can read what to do.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from typing import TextIO

from app.hosts.candidates import find_candidates
from app.hosts.probe import MIN_API_VERSION, PROBE_TIMEOUT, ProbeResult, probe_all
from app.hosts.profiles import ProfileStore


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true", help="print a JSON list, one object per engine candidate")
    parser.add_argument(
        "--timeout",
        type=float,
        default=PROBE_TIMEOUT,
        metavar="SECONDS",
        help=f"how long each engine may take to answer one request (default {PROBE_TIMEOUT:g})",
    )


def _mark(result: ProbeResult) -> str:
    return "OK  " if result.reachable else "FAIL"


def format_text(results: Sequence[ProbeResult]) -> str:
    """The report for people: one block per candidate, in the order found."""
    reachable = sum(result.reachable for result in results)
    lines = [f"Docker engines found: {len(results)}, reachable: {reachable}", ""]
    for result in results:
        candidate = result.candidate
        tags = f"{candidate.kind}, current" if candidate.current else candidate.kind
        lines.append(f"{_mark(result)} {candidate.name}  [{tags}]")
        lines.append(f"     address: {candidate.address or '(unknown)'}")
        if candidate.tls:
            files = ", ".join(
                f"{role} {path}"
                for role, path in (("ca", candidate.ca), ("cert", candidate.cert), ("key", candidate.key))
                if path
            )
            lines.append(f"     TLS files: {files or 'none (the system CAs)'}")
        lines.append(f"     found in: {candidate.source}")
        if result.engine:
            lines.append(f"     engine: {result.engine.description}")
        if result.diagnosis:
            lines.append(f"     problem: {result.diagnosis.message}")
            lines.append(f"     what to do: {result.diagnosis.hint}")
        lines.extend(f"     warning: {warning}" for warning in result.warnings)
        lines.append("")
    if not reachable:
        lines.append("No Docker Engine is reachable. Fix one of the problems above, then run doctor again.")
    return "\n".join(lines).rstrip() + "\n"


def format_json(results: Sequence[ProbeResult]) -> str:
    return json.dumps([result.to_dict() for result in results], indent=2) + "\n"


def diagnose(
    timeout: float = PROBE_TIMEOUT, min_api_version: str = MIN_API_VERSION
) -> tuple[list[ProbeResult], str | None]:
    """Find and probe every candidate, saved profiles included; also the profile store's problem, if any."""
    store = ProfileStore()
    candidates = find_candidates(profiles=store.profiles)
    return probe_all(candidates, timeout=timeout, min_api_version=min_api_version), store.problem


def run(args: argparse.Namespace, out: TextIO | None = None, err: TextIO | None = None) -> int:
    out = out or sys.stdout
    err = err or sys.stderr
    results, problem = diagnose(timeout=args.timeout)
    if problem:
        # On stderr, so that --json output stays one JSON document.
        print(f"warning: {problem}", file=err)
    out.write(format_json(results) if args.json else format_text(results))
    return 0 if any(result.reachable for result in results) else 1


def main(argv: Sequence[str] | None = None) -> int:
    """Stand-alone entry for `python -m app.hosts.doctor`; the app's CLI wires run() itself."""
    parser = argparse.ArgumentParser(prog="doctor", description=__doc__.splitlines()[0] if __doc__ else None)
    add_arguments(parser)
    return run(parser.parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
