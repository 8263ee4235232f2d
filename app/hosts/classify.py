"""From the exception a failed connection raised to the one Diagnosis a person needs.

The docker SDK wraps what happened several levels deep (requests → urllib3 →
ssl/socket), sometimes in ``args`` or ``reason`` rather than ``__cause__``, so
the whole chain is searched for the telling exception.
"""

from __future__ import annotations

import http.client
import socket
import ssl

import requests.exceptions

from app.engine.errors import exception_chain
from app.hosts import diagnosis, tls_diagnoses
from app.hosts.candidate import Candidate
from app.hosts.diagnosis import Diagnosis

# OpenSSL X509_V_ERR_* codes, as ssl.SSLCertVerificationError.verify_code.
_EXPIRED = {10}
_NOT_YET_VALID = {9}
_WRONG_HOST = {62, 63, 64}  # hostname, e-mail, IP address mismatch
_UNKNOWN_ISSUER = {2, 18, 19, 20, 21}  # issuer unknown, self-signed (leaf or in chain), first cert unverifiable

# TLS client hello met a plain-HTTP answer; the wording changed across OpenSSL versions.
_PLAIN_PORT_SIGNS = ("wrong version number", "record layer failure", "packet length too long", "http request")
# The engine's alerts when it does not accept our client certificate (or misses one).
_CLIENT_CERT_SIGNS = ("bad certificate", "certificate required", "unknown ca", "certificate unknown")


def _first(
    chain: list[BaseException], kind: type[BaseException] | tuple[type[BaseException], ...]
) -> BaseException | None:
    return next((error for error in chain if isinstance(error, kind)), None)


def _verification(error: ssl.SSLCertVerificationError, candidate: Candidate) -> Diagnosis:
    code = error.verify_code
    message = str(error.verify_message or error)
    lowered = message.lower()
    if code in _EXPIRED or "expired" in lowered:
        return tls_diagnoses.tls_expired(candidate, not_yet_valid=False)
    if code in _NOT_YET_VALID or "not yet valid" in lowered:
        return tls_diagnoses.tls_expired(candidate, not_yet_valid=True)
    if code in _WRONG_HOST or "mismatch" in lowered:
        return tls_diagnoses.tls_wrong_host(candidate, message)
    if code in _UNKNOWN_ISSUER or "issuer" in lowered or "self-signed" in lowered or "self signed" in lowered:
        return tls_diagnoses.tls_unknown_ca(candidate, message)
    return tls_diagnoses.tls_failed(candidate, f"the certificate was not accepted: {message}")


def _ssl_failure(error: ssl.SSLError, candidate: Candidate) -> Diagnosis:
    reason = str(getattr(error, "reason", "") or "").replace("_", " ").lower()
    text = f"{reason} {error}".lower()
    if any(sign in text for sign in _PLAIN_PORT_SIGNS):
        return tls_diagnoses.tls_to_plain_port(candidate)
    if any(sign in text for sign in _CLIENT_CERT_SIGNS):
        return tls_diagnoses.tls_client_cert_rejected(candidate, reason or str(error))
    if isinstance(error, ssl.SSLEOFError) or "eof" in text:
        closed = "the engine closed the connection during the TLS handshake"
        if candidate.cert:
            # With TLS 1.3, an engine that distrusts the client certificate just hangs up.
            return tls_diagnoses.tls_client_cert_rejected(candidate, closed)
        return tls_diagnoses.tls_failed(candidate, closed)
    return tls_diagnoses.tls_failed(candidate, reason or str(error))


def _closed_without_answer(chain: list[BaseException]) -> bool:
    return _first(chain, (http.client.RemoteDisconnected, ConnectionResetError, ConnectionAbortedError)) is not None


def classify(error: BaseException, candidate: Candidate, timeout: float) -> Diagnosis:
    """The Diagnosis for ``error``, raised while talking to ``candidate``."""
    chain = exception_chain(error)
    verification = _first(chain, ssl.SSLCertVerificationError)
    if isinstance(verification, ssl.SSLCertVerificationError):
        return _verification(verification, candidate)
    # Timeouts first: a handshake that timed out is a silent peer, not a TLS problem.
    if _first(chain, (requests.exceptions.Timeout, socket.timeout, TimeoutError)):
        return diagnosis.timeout(candidate, timeout)
    ssl_error = _first(chain, ssl.SSLError)
    if isinstance(ssl_error, ssl.SSLError):
        return _ssl_failure(ssl_error, candidate)
    if _first(chain, PermissionError):
        return diagnosis.permission_denied(candidate)
    if _first(chain, FileNotFoundError):
        return diagnosis.daemon_not_running(candidate, socket_missing=True)
    if _first(chain, ConnectionRefusedError):
        return diagnosis.daemon_not_running(candidate, socket_missing=False)
    if _first(chain, socket.gaierror):
        return diagnosis.host_not_found(candidate)
    if _closed_without_answer(chain):
        detail = "the connection was closed without an answer."
        if candidate.scheme == "tcp" and not candidate.tls:
            detail += " A TLS port closes plain-HTTP connections like this: try turning TLS on."
        return diagnosis.unreachable(candidate, detail)
    innermost = chain[-1]
    return diagnosis.unreachable(candidate, f"{type(innermost).__name__}: {innermost}")
