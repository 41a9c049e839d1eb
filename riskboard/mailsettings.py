"""EMAIL_URL and SITE_URL, read into Django's email settings; a bad value stops start-up with a
message that names the variable and shows a good one (the README's Configuration lists both).

    console:                             print each email to the console (the default)
    locmem:                              keep emails in memory (tests)
    smtp://user:password@host:587        SMTP with STARTTLS (port 587 when none is given)
    smtps://user:password@host:465       SMTP over TLS from the first byte (port 465)

User and password are optional and percent-decoded, so a password may hold any character.
"""

from __future__ import annotations

from urllib.parse import unquote, urlsplit

from django.core.exceptions import ImproperlyConfigured

EXAMPLE = "smtp://user:password@mail.example.com:587, smtps://…:465, console: or locmem:"
BACKENDS = {
    "console": "django.core.mail.backends.console.EmailBackend",
    "locmem": "django.core.mail.backends.locmem.EmailBackend",
}
SMTP = "django.core.mail.backends.smtp.EmailBackend"
DEFAULT_PORTS = {"smtp": 587, "smtps": 465}


def email_settings(url: str) -> dict:
    """Django's EMAIL_* settings for `url`; ImproperlyConfigured names what is wrong."""
    scheme, colon, rest = url.partition(":")
    scheme = scheme.lower()
    if not colon:
        raise ImproperlyConfigured(f"EMAIL_URL must look like {EXAMPLE}; got {url!r}.")
    if scheme in BACKENDS:
        if rest.strip("/"):
            raise ImproperlyConfigured(
                f"EMAIL_URL {scheme}: takes nothing after the colon; got {url!r}."
            )
        return {"EMAIL_BACKEND": BACKENDS[scheme]}
    if scheme not in DEFAULT_PORTS:
        raise ImproperlyConfigured(
            f"EMAIL_URL must start with smtp://, smtps://, console: or locmem:; got "
            f"{scheme + ':'!r}. For example {EXAMPLE}."
        )
    parts = urlsplit(url)
    try:
        port = parts.port or DEFAULT_PORTS[scheme]
    except ValueError:
        raise ImproperlyConfigured(
            f"EMAIL_URL has a port that is not a number from 1 to 65535: {parts.netloc!r}."
        ) from None
    if not parts.hostname:
        raise ImproperlyConfigured(
            f"EMAIL_URL names no mail server; write it like {EXAMPLE.split(',')[0]}."
        )
    if parts.path.strip("/") or parts.query or parts.fragment:
        raise ImproperlyConfigured(
            "EMAIL_URL takes no path or query after the server and port; got "
            f"{parts.path + ('?' + parts.query if parts.query else '')!r}."
        )
    return {
        "EMAIL_BACKEND": SMTP,
        "EMAIL_HOST": parts.hostname,
        "EMAIL_PORT": port,
        "EMAIL_HOST_USER": unquote(parts.username or ""),
        "EMAIL_HOST_PASSWORD": unquote(parts.password or ""),
        "EMAIL_USE_TLS": scheme == "smtp",
        "EMAIL_USE_SSL": scheme == "smtps",
    }


def site_url(url: str) -> str:
    """SITE_URL without its trailing slash, checked: http(s), a host, nothing after it."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ImproperlyConfigured(
            "SITE_URL must be the address people open Riskboard at, such as "
            f"https://riskboard.example.com; got {url!r}."
        )
    if parts.query or parts.fragment:
        raise ImproperlyConfigured(f"SITE_URL takes no ?query or #fragment; got {url!r}.")
    return url.rstrip("/")


def from_address(value: str) -> str:
    """DEFAULT_FROM_EMAIL, checked: an address, with or without a name ("Riskboard <r@x.org>")."""
    from email.utils import parseaddr

    from django.core.exceptions import ValidationError
    from django.core.validators import validate_email

    _name, address = parseaddr(value)
    try:
        # localhost has no dot, which the validator wants in a domain: development only.
        validate_email(address.replace("@localhost", "@localhost.localdomain"))
    except ValidationError:
        raise ImproperlyConfigured(
            "DEFAULT_FROM_EMAIL must be an email address, such as riskboard@example.com or "
            f'"Riskboard <riskboard@example.com>"; got {value!r}.'
        ) from None
    if "\n" in value or "\r" in value:
        raise ImproperlyConfigured("DEFAULT_FROM_EMAIL must be one line.")
    return value


def deploy_checks(app_configs=None, **kwargs) -> list:
    """`manage.py check --deploy`: a production site whose emails would link to localhost, or
    still print them to the console, is told so."""
    from django.conf import settings
    from django.core.checks import Warning

    found = []
    if urlsplit(settings.SITE_URL).hostname in ("localhost", "127.0.0.1", "::1"):
        found.append(
            Warning(
                "SITE_URL is a local address, so links in emails would not work for anyone else.",
                hint="Set SITE_URL to the address people open Riskboard at, e.g. "
                "https://riskboard.example.com.",
                id="riskboard.W001",
            )
        )
    if settings.EMAIL_BACKEND != SMTP:
        found.append(
            Warning(
                "EMAIL_URL does not send email: invitations, password resets, alerts and digests "
                "would only be printed or kept in memory.",
                hint="Set EMAIL_URL to smtp://user:password@mail.example.com:587.",
                id="riskboard.W002",
            )
        )
    return found
