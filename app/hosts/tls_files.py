"""Checking a candidate's TLS files before connecting: present, readable, usable, key kept private."""

from __future__ import annotations

import os
import ssl
import stat
from dataclasses import dataclass, field

from app.hosts import tls_diagnoses
from app.hosts.candidate import Candidate
from app.hosts.diagnosis import Diagnosis


@dataclass(frozen=True)
class TLSFilesCheck:
    """The problem that stops a connection (if any) and warnings that do not."""

    problem: Diagnosis | None = None
    warnings: tuple[str, ...] = field(default=())


def _unreadable(path: str) -> str | None:
    """Why ``path`` cannot be read, or None if it can."""
    try:
        with open(path, "rb") as file:
            file.read(1)
    except FileNotFoundError:
        return "no such file"
    except IsADirectoryError:
        return "it is a folder, not a file"
    except PermissionError:
        return "this user may not read it"
    except OSError as error:
        return error.strerror or str(error)
    return None


def key_warning(key: str) -> str | None:
    """A warning when a private key can be read by group or others (POSIX only)."""
    if os.name != "posix" or not key:
        return None
    try:
        mode = stat.S_IMODE(os.stat(key).st_mode)
    except OSError:
        return None
    if mode & 0o077 == 0:
        return None
    return (
        f"The private key {key} can be read by other users of this computer (permissions {mode:04o}); "
        f"anyone who reads it can control this engine. Restrict it: chmod 600 {key}"
    )


def _ssl_reason(error: ssl.SSLError) -> str:
    reason = getattr(error, "reason", None) or ""
    return str(reason).replace("_", " ").lower() or str(error)


def check_tls_files(candidate: Candidate) -> TLSFilesCheck:
    """For a TLS candidate: each named file exists, can be read, and is what it claims to be.

    No CA file means the system's trusted CAs, which is allowed (an engine with a
    public certificate). A client certificate needs its key and the other way round.
    """
    if not candidate.tls:
        return TLSFilesCheck()
    context = ssl.create_default_context(ssl.Purpose.SERVER_AUTH)
    if candidate.ca:
        why = _unreadable(candidate.ca)
        if why:
            return TLSFilesCheck(tls_diagnoses.tls_file_missing(candidate, "CA certificate", candidate.ca, why))
        try:
            context.load_verify_locations(cafile=candidate.ca)
        except (ssl.SSLError, ValueError) as error:
            reason = (
                f"it holds no usable certificate ({_ssl_reason(error) if isinstance(error, ssl.SSLError) else error})"
            )
            return TLSFilesCheck(tls_diagnoses.tls_file_missing(candidate, "CA certificate", candidate.ca, reason))
    if not candidate.cert and not candidate.key:
        return TLSFilesCheck()
    for role, path in (("client certificate", candidate.cert), ("client key", candidate.key)):
        why = "not given" if not path else _unreadable(path)
        if why:
            return TLSFilesCheck(tls_diagnoses.tls_file_missing(candidate, role, path, why))
    try:
        context.load_cert_chain(candidate.cert, candidate.key)
    except ssl.SSLError as error:
        reason = _ssl_reason(error)
        if "mismatch" in reason:
            reason = f"it does not belong to the certificate {candidate.cert}"
        return TLSFilesCheck(tls_diagnoses.tls_file_missing(candidate, "client key", candidate.key, reason))
    warning = key_warning(candidate.key)
    return TLSFilesCheck(warnings=(warning,) if warning else ())
