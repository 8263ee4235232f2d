"""Why a TLS connection to an engine failed: certificates, keys, and the wrong protocol on a port.

Where a docker-machine VM is involved, the fix is usually
`docker-machine regenerate-certs`, which the UI may offer to run.
"""

from __future__ import annotations

from app.hosts.candidate import Candidate
from app.hosts.diagnosis import Code, Diagnosis, vm_name, where


def tls_unknown_ca(candidate: Candidate, detail: str) -> Diagnosis:
    name = vm_name(candidate)
    hint = f"Use the ca.pem of the CA that signed the engine's certificate (now: {candidate.ca or 'none chosen'})."
    fix: tuple[str, ...] = ()
    if name:
        hint = f"Make new certificates for the VM: docker-machine regenerate-certs {name}"
        fix = ("docker-machine", "regenerate-certs", "-f", name)
    return Diagnosis(
        Code.TLS_UNKNOWN_CA,
        "The engine's certificate is signed by an unknown CA",
        f"{where(candidate)} presented a certificate that the chosen CA does not vouch for ({detail}).",
        hint,
        fix,
    )


def tls_expired(candidate: Candidate, *, not_yet_valid: bool) -> Diagnosis:
    name = vm_name(candidate)
    fix: tuple[str, ...] = ("docker-machine", "regenerate-certs", "-f", name) if name else ()
    renew = f"docker-machine regenerate-certs {name}" if name else "make a new server certificate for the engine"
    if not_yet_valid:
        return Diagnosis(
            Code.TLS_NOT_YET_VALID,
            "The engine's certificate is not valid yet",
            f"The certificate of {where(candidate)} starts later than this computer's clock says it is now.",
            f"Check the date and time of this computer (and of the VM); otherwise {renew}.",
            fix,
        )
    return Diagnosis(
        Code.TLS_EXPIRED,
        "The engine's certificate has expired",
        f"The certificate that {where(candidate)} presented is past its end date.",
        f"Renew it: {renew}. Check this computer's clock too.",
        fix,
    )


def tls_wrong_host(candidate: Candidate, detail: str) -> Diagnosis:
    name = vm_name(candidate)
    if name:
        return Diagnosis(
            Code.TLS_WRONG_HOST,
            "The engine's certificate is not valid for this address",
            f"VM {name!r} now has the address {where(candidate)}, but its certificate was made for another "
            f"({detail}). VMs often get a new IP address after a restart.",
            f"Make new certificates for the current address: docker-machine regenerate-certs {name}",
            ("docker-machine", "regenerate-certs", "-f", name),
        )
    return Diagnosis(
        Code.TLS_WRONG_HOST,
        "The engine's certificate is not valid for this address",
        f"The certificate of {where(candidate)} names other hosts or IP addresses ({detail}).",
        "Connect with the name or IP address the certificate was made for, or make a new server certificate "
        "that includes this one.",
    )


def tls_file_missing(candidate: Candidate, role: str, path: str, reason: str) -> Diagnosis:
    """``role`` is "CA certificate", "client certificate" or "client key"."""
    code = Code.TLS_CA_MISSING if role == "CA certificate" else Code.TLS_CLIENT_CERT_MISSING
    shown = path or "(none chosen)"
    return Diagnosis(
        code,
        f"The {role} for TLS is missing or unreadable",
        f"{shown}: {reason}.",
        "Choose the certificate folder that holds ca.pem, cert.pem and key.pem for this engine"
        + (f" (docker-machine keeps them in its folder for VM {candidate.machine!r})" if vm_name(candidate) else "")
        + ".",
    )


def tls_client_cert_rejected(candidate: Candidate, detail: str) -> Diagnosis:
    if not candidate.cert:
        why = f"{where(candidate)} requires a client certificate, and none was given ({detail})."
    else:
        why = f"{where(candidate)} did not accept the client certificate {candidate.cert} ({detail})."
    return Diagnosis(
        Code.TLS_CLIENT_CERT_REJECTED,
        "The engine refused this computer's client certificate",
        why,
        "Use the cert.pem and key.pem made by the same CA as the engine's certificate.",
    )


def tls_to_plain_port(candidate: Candidate) -> Diagnosis:
    return Diagnosis(
        Code.TLS_TO_PLAIN_PORT,
        "TLS was spoken to a port without TLS",
        f"{where(candidate)} answers in plain HTTP, not TLS.",
        "Turn TLS off for this engine (unset DOCKER_TLS_VERIFY), or use the engine's TLS port (usually 2376).",
    )


def plain_to_tls_port(candidate: Candidate) -> Diagnosis:
    return Diagnosis(
        Code.PLAIN_TO_TLS_PORT,
        "Plain HTTP was spoken to a TLS port",
        f"{where(candidate)} expects TLS (it said: Client sent an HTTP request to an HTTPS server).",
        "Turn TLS on for this engine (DOCKER_TLS_VERIFY=1 and DOCKER_CERT_PATH, or a certificate folder).",
    )


def tls_failed(candidate: Candidate, detail: str) -> Diagnosis:
    return Diagnosis(
        Code.TLS_FAILED,
        "The TLS connection to the engine failed",
        f"{where(candidate)}: {detail}. An engine that closes the handshake usually rejected the client certificate.",
        "Check that ca.pem, cert.pem and key.pem all belong to this engine.",
    )
