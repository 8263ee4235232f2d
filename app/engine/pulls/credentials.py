"""Registry logins from the docker CLI's config file, as ``docker login`` stored them.

Only inline ``auths`` entries (base64 "user:password" in ``auth``, or an
``identitytoken``) are read. Credential helpers (``credsStore``,
``credHelpers``) would mean running an external program; a registry that needs
one is pulled anonymously, and a refusal then says to log in.
"""

from __future__ import annotations

import base64
import binascii
import json
import logging
import os
from dataclasses import dataclass
from pathlib import Path

from app.engine.reference import DEFAULT_DOMAIN

log = logging.getLogger(__name__)

# Docker Hub's logins are stored under its old v1 address, among other spellings.
_DOCKER_HUB_KEYS = ("index.docker.io", "docker.io", "registry-1.docker.io", "registry.hub.docker.com")


@dataclass(frozen=True)
class Credentials:
    username: str = ""
    password: str = ""
    identity_token: str = ""
    server: str = ""

    def __repr__(self) -> str:  # never print secrets into a log
        return f"Credentials(username={self.username!r}, server={self.server!r})"

    def registry_auth_header(self) -> str:
        """The X-Registry-Auth header the engine expects: base64url of the JSON auth config."""
        config: dict[str, str] = {"serveraddress": self.server}
        if self.identity_token:
            config["identitytoken"] = self.identity_token
        else:
            config.update(username=self.username, password=self.password)
        return base64.urlsafe_b64encode(json.dumps(config).encode()).decode()


def config_path() -> Path:
    folder = os.environ.get("DOCKER_CONFIG") or os.path.join(os.path.expanduser("~"), ".docker")
    return Path(folder) / "config.json"


def _host_of(key: str) -> str:
    """The registry host of an ``auths`` key: "https://index.docker.io/v1/" → "index.docker.io"."""
    host = key.strip()
    for scheme in ("https://", "http://"):
        host = host.removeprefix(scheme)
    return host.split("/", 1)[0].lower()


def _wanted_hosts(domain: str) -> tuple[str, ...]:
    if domain == DEFAULT_DOMAIN:
        return _DOCKER_HUB_KEYS
    return (domain.lower(),)


def _decode(entry: dict[str, object], server: str) -> Credentials | None:
    token = str(entry.get("identitytoken") or "")
    username, password = str(entry.get("username") or ""), str(entry.get("password") or "")
    encoded = entry.get("auth")
    if isinstance(encoded, str) and encoded:
        try:
            username, _, password = base64.b64decode(encoded + "=" * (-len(encoded) % 4)).decode().partition(":")
        except (binascii.Error, UnicodeDecodeError):
            log.warning("the login for %s in %s cannot be decoded; ignoring it", server, config_path())
            return None
    if not token and not (username and password):
        return None
    return Credentials(username, password, token, server)


def credentials_for(domain: str, path: Path | None = None) -> Credentials | None:
    """The stored login for the registry ``domain`` (as in an ImageReference), if there is one."""
    path = path or config_path()
    try:
        config = json.loads(path.read_text())
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as error:
        log.warning("cannot read %s: %s", path, error)
        return None
    auths = config.get("auths") if isinstance(config, dict) else None
    if not isinstance(auths, dict):
        return None
    wanted = _wanted_hosts(domain)
    for key, entry in auths.items():
        if isinstance(entry, dict) and _host_of(str(key)) in wanted:
            found = _decode(entry, str(key))
            if found is not None:
                return found
    return None
