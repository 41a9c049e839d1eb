"""Test set-up shared by the whole suite.

The suite runs Riskboard's real settings module with the development defaults (DEBUG=1 when
importing settings: a throwaway SECRET_KEY and plain HTTP, since the test client and the live
server speak no TLS). Django's test runner still runs every test with DEBUG off. The production
settings are checked separately, in subprocesses, by tests/web/test_settings.py.

Engine tests (tests/engine) import no Django and touch no database; configuring Django here
costs them nothing.
"""

import os

import django
import pytest

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "riskboard.settings")
os.environ.setdefault("DEBUG", "1")

# pytest-django finishes the set-up (database blocking, fixtures) in its own pytest_configure.
django.setup()


@pytest.fixture(scope="session")
def require():
    """require(condition, reason): skip when an outside part (Chromium, PostgreSQL, Redis) is
    missing, except under CI=true, where a missing part is a failure. Session-scoped, so that
    fixtures of any scope may use it."""

    def check(condition: bool, reason: str) -> None:
        if condition:
            return
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"{reason} (CI=true, so this is required)")
        pytest.skip(reason)

    return check


@pytest.fixture
def smtp_server(require, tmp_path, monkeypatch):
    """A real SMTP server (aiosmtpd) on loopback that requires STARTTLS and a log-in
    (riskboard / p@ss:word), with a certificate made here that clients are told to trust through
    SSL_CERT_FILE: the whole path an email takes. `.port`, `.cert`, `.received` (envelopes);
    set `.refuse` to answer that many DATA commands with a temporary failure (451) first.
    Skips when aiosmtpd is missing (requirements-dev.txt), except under CI=true."""
    import socket
    import ssl
    import subprocess
    import types

    try:
        from aiosmtpd.controller import Controller
        from aiosmtpd.smtp import AuthResult
    except ImportError:
        require(False, "aiosmtpd is not installed (pip install -r requirements-dev.txt)")
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    made = subprocess.run(
        [
            "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
            "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1",
            "-keyout", str(key), "-out", str(cert),
        ],
        capture_output=True,
        text=True,
    )  # fmt: skip
    require(made.returncode == 0, f"openssl could not make a certificate: {made.stderr}")
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = types.SimpleNamespace(port=port, cert=cert, received=[], refused=0, refuse=0)

    class Keep:
        async def handle_DATA(self, smtp, session, envelope):
            if server.refused < server.refuse:
                server.refused += 1
                return "451 4.3.0 Try again later"
            server.received.append(envelope)
            return "250 OK"

    def authenticate(smtp, session, envelope, mechanism, auth_data):
        ok = auth_data.login == b"riskboard" and auth_data.password == b"p@ss:word"
        return AuthResult(success=ok)

    controller = Controller(
        Keep(),
        hostname="127.0.0.1",
        port=port,
        tls_context=context,
        require_starttls=True,
        authenticator=authenticate,
        auth_require_tls=True,
    )
    controller.start()
    monkeypatch.setenv("SSL_CERT_FILE", str(cert))
    try:
        yield server
    finally:
        controller.stop()
