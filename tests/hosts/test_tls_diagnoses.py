"""Each TLS outcome produced for real against the TLS engine and the loopback servers around it."""

from __future__ import annotations

import os

import docker
import pytest
from docker.tls import TLSConfig

from app.hosts.diagnosis import Code
from app.hosts.probe import probe
from tests.hosts.conftest import Lab


def test_reachable_over_verified_tls(lab: Lab) -> None:
    result = probe(lab.tls_candidate())
    assert result.reachable, result.diagnosis
    assert result.engine is not None
    assert result.engine.server_version[0].isdigit()
    assert result.engine.os == "linux"
    assert result.engine.operating_system
    assert result.diagnosis is None and result.warnings == ()


def test_reachable_when_requests_ca_bundle_names_another_ca(lab: Lab, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(lab.certs.other_ca.cert))
    # The plain SDK client fails here (docker-py issue 2433): proof that the test bites.
    folder = lab.certs.docker_folder
    tls = TLSConfig(
        client_cert=(str(folder / "cert.pem"), str(folder / "key.pem")), ca_cert=str(folder / "ca.pem"), verify=True
    )
    naive = docker.APIClient(base_url=f"https://127.0.0.1:{lab.engine.port}", version="1.24", timeout=3, tls=tls)
    try:
        with pytest.raises(Exception, match="certificate verify failed"):
            naive.ping()
    finally:
        naive.close()
    result = probe(lab.tls_candidate())
    assert result.reachable, result.diagnosis


def test_server_certificate_from_an_unknown_ca(lab: Lab) -> None:
    result = probe(lab.tls_candidate(lab.other_ca_port))
    assert result.diagnosis is not None
    assert result.diagnosis.code is Code.TLS_UNKNOWN_CA
    assert "signed by an unknown CA" in result.diagnosis.message
    assert str(lab.certs.docker_folder / "ca.pem") in result.diagnosis.hint


def test_trusting_the_wrong_ca(lab: Lab) -> None:
    result = probe(lab.tls_candidate(ca=str(lab.certs.other_ca.cert)))
    assert result.diagnosis is not None and result.diagnosis.code is Code.TLS_UNKNOWN_CA


def test_expired_server_certificate(lab: Lab) -> None:
    result = probe(lab.tls_candidate(lab.expired_port))
    assert result.diagnosis is not None
    assert result.diagnosis.code is Code.TLS_EXPIRED
    assert "certificate has expired" in result.diagnosis.message


def test_certificate_for_another_address(lab: Lab) -> None:
    result = probe(lab.tls_candidate(lab.wrong_san_port))
    assert result.diagnosis is not None
    assert result.diagnosis.code is Code.TLS_WRONG_HOST
    assert "not valid for this address" in result.diagnosis.message
    assert "127.0.0.1" in result.diagnosis.message


def test_missing_client_key(lab: Lab, tmp_path) -> None:  # type: ignore[no-untyped-def]
    missing = str(tmp_path / "gone" / "key.pem")
    result = probe(lab.tls_candidate(key=missing))
    assert result.diagnosis is not None
    assert result.diagnosis.code is Code.TLS_CLIENT_CERT_MISSING
    assert result.diagnosis.message == (f"The client key for TLS is missing or unreadable. {missing}: no such file.")


def test_missing_ca_file(lab: Lab, tmp_path) -> None:  # type: ignore[no-untyped-def]
    result = probe(lab.tls_candidate(ca=str(tmp_path / "ca.pem")))
    assert result.diagnosis is not None and result.diagnosis.code is Code.TLS_CA_MISSING
    assert "CA certificate for TLS is missing" in result.diagnosis.message


def test_client_key_of_another_certificate(lab: Lab) -> None:
    result = probe(lab.tls_candidate(key=str(lab.certs.other_ca_client.key)))
    assert result.diagnosis is not None
    assert result.diagnosis.code is Code.TLS_CLIENT_CERT_MISSING
    assert "does not belong to the certificate" in result.diagnosis.message


def test_engine_requires_a_client_certificate(lab: Lab) -> None:
    result = probe(lab.tls_candidate(cert="", key=""))
    assert result.diagnosis is not None
    assert result.diagnosis.code is Code.TLS_CLIENT_CERT_REJECTED
    assert "requires a client certificate, and none was given" in result.diagnosis.message


def test_client_certificate_from_another_ca(lab: Lab) -> None:
    other = lab.certs.other_ca_client
    result = probe(lab.tls_candidate(cert=str(other.cert), key=str(other.key)))
    assert result.diagnosis is not None
    assert result.diagnosis.code is Code.TLS_CLIENT_CERT_REJECTED
    assert "did not accept the client certificate" in result.diagnosis.message


def test_tls_spoken_to_a_plain_port(lab: Lab) -> None:
    result = probe(lab.tls_candidate(lab.plain_port))
    assert result.diagnosis is not None
    assert result.diagnosis.code is Code.TLS_TO_PLAIN_PORT
    assert "TLS was spoken to a port without TLS" in result.diagnosis.message


def test_plain_http_spoken_to_the_tls_port(lab: Lab) -> None:
    result = probe(lab.plain_candidate(lab.engine.port))
    assert result.diagnosis is not None
    assert result.diagnosis.code is Code.PLAIN_TO_TLS_PORT
    assert "Plain HTTP was spoken to a TLS port" in result.diagnosis.message


def test_plain_port_reaches_the_engine(lab: Lab) -> None:
    result = probe(lab.plain_candidate(lab.plain_port))
    assert result.reachable, result.diagnosis


def test_private_key_readable_by_others_is_a_warning(lab: Lab, tmp_path) -> None:  # type: ignore[no-untyped-def]
    key = tmp_path / "key.pem"
    key.write_bytes((lab.certs.docker_folder / "key.pem").read_bytes())
    os.chmod(key, 0o644)
    result = probe(lab.tls_candidate(key=str(key)))
    assert result.reachable, result.diagnosis
    assert len(result.warnings) == 1
    assert "can be read by other users" in result.warnings[0] and f"chmod 600 {key}" in result.warnings[0]
