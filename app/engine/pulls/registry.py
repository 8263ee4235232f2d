"""Reading from a registry's v2 API directly (for previews), with Docker Hub's token dance.

A registry answers an anonymous request with 401 and a challenge:
``WWW-Authenticate: Bearer realm="…",service="…",scope="…"``; the client gets a
token from the realm (anonymously, or with the stored login) and asks again.
Registries with plain ``Basic`` challenges get the login directly.
"""

from __future__ import annotations

import base64
import ipaddress
import re
from typing import Any

import requests

from app.engine.pulls.credentials import Credentials
from app.engine.pulls.errors import AccessDenied, ImageNotFound, PullError, PullFailed, RegistryUnreachable
from app.engine.reference import DEFAULT_DOMAIN

DOCKER_HUB_API = "https://registry-1.docker.io"
TIMEOUT = 10.0

_CHALLENGE_PARAMETER = re.compile(r'(\w+)="([^"]*)"')


def _host_of(domain: str) -> str:
    if domain.startswith("["):
        return domain[1 : domain.index("]")]
    return domain.rsplit(":", 1)[0]


def is_loopback(domain: str) -> bool:
    host = _host_of(domain)
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def base_url(domain: str) -> str:
    """Where the v2 API of ``domain`` lives; loopback registries speak plain HTTP, as the engine allows."""
    if domain == DEFAULT_DOMAIN:
        return DOCKER_HUB_API
    return f"{'http' if is_loopback(domain) else 'https'}://{domain}"


def parse_challenge(header: str) -> tuple[str, dict[str, str]]:
    """``Bearer realm="x",service="y"`` → ("bearer", {"realm": "x", "service": "y"})."""
    scheme, _, rest = header.strip().partition(" ")
    return scheme.lower(), dict(_CHALLENGE_PARAMETER.findall(rest))


class RegistryClient:
    """GET requests to one registry, authenticating as it asks. One per thread (requests sessions are not shared)."""

    def __init__(self, domain: str, credentials: Credentials | None = None, timeout: float = TIMEOUT) -> None:
        self.domain = domain
        self._credentials = credentials
        self._timeout = timeout
        self._session = requests.Session()
        # Registry traffic goes where the engine's would; a loopback registry must not be sent to a proxy.
        self._session.trust_env = not is_loopback(domain)
        self._authorization: str | None = None

    def close(self) -> None:
        self._session.close()

    def _basic(self) -> tuple[str, str] | None:
        if self._credentials and self._credentials.username:
            return (self._credentials.username, self._credentials.password)
        return None

    def _fetch_token(self, challenge: dict[str, str]) -> str:
        realm = challenge.get("realm")
        if not realm:
            raise PullFailed(f"Could not read from {self.domain}", "Its login challenge names no token service.")
        params = {key: value for key, value in challenge.items() if key in ("service", "scope")}
        answer = self._session.get(realm, params=params, auth=self._basic(), timeout=self._timeout)
        if answer.status_code in (401, 403):
            raise AccessDenied(
                f"Could not log in to {self.domain}",
                "Its token service refused the login." if self._basic() else "It allows no anonymous access.",
                f"Log in (docker login {self.domain}) and try again.",
            )
        answer.raise_for_status()
        body: dict[str, Any] = answer.json()
        token = body.get("token") or body.get("access_token")
        if not token:
            raise PullFailed(f"Could not log in to {self.domain}", "Its token service sent no token.")
        return f"Bearer {token}"

    def _authorize(self, response: requests.Response) -> bool:
        """Answer a 401's challenge; False when there is nothing more to try."""
        scheme, challenge = parse_challenge(response.headers.get("WWW-Authenticate", ""))
        if scheme == "bearer":
            self._authorization = self._fetch_token(challenge)
            return True
        basic = self._basic()
        if scheme == "basic" and basic is not None and self._authorization is None:
            user_password = f"{basic[0]}:{basic[1]}".encode()
            self._authorization = "Basic " + base64.b64encode(user_password).decode()
            return True
        return False

    def get(self, path: str, accept: str = "") -> requests.Response:
        url = f"{base_url(self.domain)}/v2/{path}"
        try:
            for _attempt in range(3):  # anonymous, then with a token (a new scope may need a second one)
                headers = {"Accept": accept} if accept else {}
                if self._authorization:
                    headers["Authorization"] = self._authorization
                response = self._session.get(url, headers=headers, timeout=self._timeout)
                if response.status_code != 401 or not self._authorize(response):
                    break
        except requests.RequestException as error:
            raise RegistryUnreachable(
                f"Could not reach the registry {self.domain}",
                f"{type(error).__name__}: {error}",
                "Check that the registry runs and that this computer can reach it.",
                str(error),
            ) from error
        return response

    def get_json(self, path: str, what: str, accept: str = "") -> tuple[dict[str, Any], requests.Response]:
        response = self.get(path, accept)
        if response.status_code == 200:
            try:
                return response.json(), response
            except ValueError as error:
                raise PullFailed(f"Could not read {what}", f"{self.domain} sent something that is not JSON.") from error
        raise _http_error(response, what, self.domain)


def _http_error(response: requests.Response, what: str, domain: str) -> PullError:
    try:
        errors = response.json().get("errors") or []
        detail = "; ".join(str(error.get("message", "")) for error in errors) or response.reason
    except (ValueError, AttributeError):
        detail = response.reason or str(response.status_code)
    if response.status_code == 404:
        return ImageNotFound(
            f"Could not find {what}", f"{domain} has no such image ({detail}).", "Check the name and the tag."
        )
    if response.status_code in (401, 403):
        return AccessDenied(
            f"Could not read {what}",
            f"{domain} refused access ({detail}).",
            f"Log in (docker login {domain}) with an account that may pull it.",
        )
    return PullFailed(f"Could not read {what}", f"{domain} answered HTTP {response.status_code}: {detail}.")


def probe(domain: str, timeout: float = 2.0) -> str | None:
    """None if the registry answers at all (any HTTP status will do); else why it does not."""
    session = requests.Session()
    session.trust_env = not is_loopback(domain)
    try:
        session.get(f"{base_url(domain)}/v2/", timeout=timeout)
    except requests.Timeout:
        return f"no answer within {timeout:g} s"
    except requests.RequestException as error:
        return "connection refused" if "refused" in str(error).lower() else f"{type(error).__name__}: {error}"
    finally:
        session.close()
    return None
