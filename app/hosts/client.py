"""A docker SDK client for one candidate, with its own TLS files and verification always on."""

from __future__ import annotations

from docker.tls import TLSConfig

from app.engine.connection import EngineAPIClient
from app.hosts.candidate import Candidate

# Any version the SDK accepts: the probe asks the engine before it relies on one,
# and a fixed version keeps the constructor from calling the engine itself.
PROBE_API_VERSION = "1.24"


# The engine layer's client: requests' environment (REQUESTS_CA_BUNDLE, proxies) never applies.
ProbeClient = EngineAPIClient


def tls_config(candidate: Candidate) -> TLSConfig | None:
    """Verified TLS with the candidate's CA (or the system's) and client certificate, if any."""
    if not candidate.tls:
        return None
    client_cert = (candidate.cert, candidate.key) if candidate.cert and candidate.key else None
    # With no CA file, verify=True checks against the default trusted CAs; never False.
    return TLSConfig(client_cert=client_cert, ca_cert=candidate.ca or None, verify=candidate.ca or True)


def base_url(candidate: Candidate) -> str:
    url = candidate.url.strip()
    if url.startswith("tcp://"):
        return ("https://" if candidate.tls else "http://") + url[len("tcp://") :]
    return url


def open_probe_client(candidate: Candidate, timeout: float) -> ProbeClient:
    """A client that has not talked to the engine yet; raises docker errors for bad parameters."""
    return ProbeClient(
        base_url=base_url(candidate), version=PROBE_API_VERSION, timeout=timeout, tls=tls_config(candidate) or False
    )
