"""Stored logins become the engine's X-Registry-Auth header; engine messages become typed errors."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import pytest

from app.engine.pulls.credentials import Credentials, credentials_for
from app.engine.pulls.errors import (
    AccessDenied,
    DiskFull,
    ImageNotFound,
    PullError,
    PullFailed,
    RegistryUnreachable,
    classify,
)


def _config(tmp_path: Path, auths: dict) -> Path:  # type: ignore[type-arg]
    path = tmp_path / "config.json"
    path.write_text(json.dumps({"auths": auths, "credsStore": "desktop"}))
    return path


def _auth(user: str, password: str) -> str:
    return base64.b64encode(f"{user}:{password}".encode()).decode()


def test_logins_are_found_under_any_spelling_of_the_registry(tmp_path: Path) -> None:
    path = _config(tmp_path, {
        "https://index.docker.io/v1/": {"auth": _auth("hubber", "p")},
        "http://127.0.0.1:5000": {"auth": _auth("local", "pw:with:colons")},
        "registry.example.com": {"username": "plain", "password": "text"},
        "tokens.example.com": {"identitytoken": "abc"},
        "empty.example.com": {},
    })
    assert credentials_for("docker.io", path) == Credentials("hubber", "p", "", "https://index.docker.io/v1/")
    local = credentials_for("127.0.0.1:5000", path)
    assert local is not None and (local.username, local.password) == ("local", "pw:with:colons")
    assert credentials_for("registry.example.com", path) == Credentials("plain", "text", "", "registry.example.com")
    assert credentials_for("tokens.example.com", path) == Credentials("", "", "abc", "tokens.example.com")
    assert credentials_for("empty.example.com", path) is None
    assert credentials_for("other.example.com", path) is None
    assert "pw" not in repr(local)


def test_the_header_is_what_the_engine_decodes(tmp_path: Path) -> None:
    header = Credentials("eris", "s3cret", "", "127.0.0.1:5000").registry_auth_header()
    decoded = json.loads(base64.urlsafe_b64decode(header))
    assert decoded == {"serveraddress": "127.0.0.1:5000", "username": "eris", "password": "s3cret"}
    token = json.loads(base64.urlsafe_b64decode(Credentials(identity_token="t", server="x").registry_auth_header()))
    assert token == {"serveraddress": "x", "identitytoken": "t"}


def test_a_missing_or_broken_config_means_no_login(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert credentials_for("docker.io", tmp_path / "absent.json") is None
    broken = tmp_path / "broken.json"
    broken.write_text("{not json")
    assert credentials_for("docker.io", broken) is None
    assert credentials_for("x.io", _config(tmp_path, {"x.io": {"auth": "%%%not base64"}})) is None
    monkeypatch.setenv("DOCKER_CONFIG", str(tmp_path))
    _config(tmp_path, {"x.io": {"auth": _auth("a", "b")}})
    assert credentials_for("x.io") == Credentials("a", "b", "", "x.io")


ENGINE_MESSAGES = [
    ("manifest for 127.0.0.1:5000/eris/ipfs:nope not found: manifest unknown: manifest unknown", ImageNotFound),
    ("failed to register layer: write /x/y: no space left on device", DiskFull),
    ("pull access denied for nosuch/image, repository does not exist or may require 'docker login': denied: "
     "requested access to the resource is denied", AccessDenied),
    ("Head \"https://r.example.com/v2/a/manifests/latest\": no basic auth credentials", AccessDenied),
    ("unauthorized: authentication required", AccessDenied),
    ("denied: access forbidden", AccessDenied),
    ("failed to register layer: open /var/lib/docker/overlay2/x/link: permission denied", PullFailed),
    ("Get \"http://127.0.0.1:1/v2/\": dial tcp 127.0.0.1:1: connect: connection refused", RegistryUnreachable),
    ("Get \"https://nosuch.invalid/v2/\": dial tcp: lookup nosuch.invalid: no such host", RegistryUnreachable),
    ("Get \"https://10.0.0.1/v2/\": net/http: request canceled while waiting for connection "
     "(Client.Timeout exceeded while awaiting headers)", RegistryUnreachable),
    ("Get \"https://r:5000/v2/\": http: server gave HTTP response to HTTPS client", RegistryUnreachable),
    ("Get \"https://r/v2/\": x509: certificate signed by unknown authority", RegistryUnreachable),
    ("something nobody expected", PullFailed),
]


@pytest.mark.parametrize(("message", "kind"), ENGINE_MESSAGES)
def test_engine_messages_become_typed_readable_errors(message: str, kind: type[PullError]) -> None:
    error = classify(message, "eris/ipfs:latest", "r.example.com")
    assert type(error) is kind
    assert error.what == "Could not pull eris/ipfs:latest"
    assert error.why and error.hint and error.engine_message == message
    assert error.message.count(".") >= 3  # three sentences: what, why, what to do


def test_insecure_and_certificate_problems_say_what_to_change() -> None:
    assert "insecure-registries" in classify("http: server gave HTTP response to HTTPS client", "x", "r").hint
    assert "CA certificate" in classify("x509: certificate signed by unknown authority", "x", "r").hint
