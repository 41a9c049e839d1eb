"""Security headers on every response, templates free of inline code, and log-in rate limits."""

from __future__ import annotations

import base64
import hashlib
import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.cache import cache
from django.urls import reverse

from projects.models import ShareLink
from riskboard import security

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
LOGIN = "/accounts/login/"
ADMIN_LOGIN = "/admin/login/"


@pytest.fixture(autouse=True)
def fresh_counts():
    """Failed log-ins are counted in the cache, which outlives a test."""
    cache.clear()
    yield
    cache.clear()


def policy(response) -> dict[str, list[str]]:
    directives = {}
    for part in response["Content-Security-Policy"].split(";"):
        name, *sources = part.split()
        directives[name] = sources
    return directives


def assert_secure_headers(response) -> None:
    directives = policy(response)
    for name in ("default-src", "script-src", "style-src", "font-src", "connect-src"):
        assert directives[name] == ["'self'"], name
    assert directives["img-src"] == ["'self'", "data:"]
    assert directives["frame-ancestors"] == ["'none'"]
    assert directives["object-src"] == ["'none'"]
    assert directives["base-uri"] == directives["form-action"] == ["'self'"]
    # Nothing from another origin, no inline code, no eval; one exact style attribute of Plotly's.
    assert directives.pop("style-src-attr") == ["'unsafe-hashes'", security.PLOTLY_LINK_STYLE_HASH]
    assert base64.b64decode(security.PLOTLY_LINK_STYLE_HASH[8:-1]) == (
        hashlib.sha256(b"cursor:pointer").digest()
    )
    every_source = {source for sources in directives.values() for source in sources}
    assert every_source <= {"'self'", "'none'", "data:"}
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert response["Permissions-Policy"] == "camera=(), microphone=(), geolocation=()"


def test_it_sets_the_headers_on_pages(client, owner, project):
    assert_secure_headers(client.get(LOGIN))
    client.force_login(owner)
    for url in (reverse("portfolio"), project.get_absolute_url()):
        response = client.get(url)
        assert response.status_code == 200
        assert_secure_headers(response)


def test_it_sets_the_headers_on_error_pages(client, owner):
    client.force_login(owner)
    response = client.get("/projects/999999/")
    assert response.status_code == 404
    assert_secure_headers(response)
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert_secure_headers(response)


def test_it_sets_the_headers_on_the_shared_page(client, owner, project):
    link = ShareLink.objects.create(
        project=project, token=secrets.token_urlsafe(32), created_by=owner
    )
    response = client.get(reverse("shared_report", args=[link.token]))
    assert response.status_code == 200
    assert_secure_headers(response)


INLINE_SCRIPT = re.compile(r"<script\b(?P<attributes>[^>]*)>(?P<code>.*?)</script>", re.S | re.I)
EVENT_HANDLER = re.compile(r"\son[a-z]+\s*=", re.I)
STYLE = re.compile(r"\sstyle\s*=|<style\b", re.I)
TEMPLATE_COMMENT = re.compile(r"\{#.*?#\}|\{% comment %\}.*?\{% endcomment %\}", re.S)


def template_files() -> list[Path]:
    files = sorted(TEMPLATES.rglob("*.html"))
    assert len(files) > 20
    return files


# Emails are no pages: mail clients drop stylesheets, so their HTML parts style inline, and no
# Content-Security-Policy applies to them. They carry no code: tests/web/test_outbox.py and
# test_email_browser.py check that they load and run nothing.
EMAIL_TEMPLATES = TEMPLATES / "email"


def test_no_template_has_inline_code_handlers_or_styles():
    found = []
    for path in template_files():
        text = TEMPLATE_COMMENT.sub("", path.read_text())
        name = path.relative_to(TEMPLATES)
        if path.is_relative_to(EMAIL_TEMPLATES):
            found += [f"{name}: inline <script>" for _ in INLINE_SCRIPT.finditer(text)]
            found += [f"{name}: on…= handler" for _ in EVENT_HANDLER.finditer(text)]
            continue
        for script in INLINE_SCRIPT.finditer(text):
            if script["code"].strip() or "src=" not in script["attributes"]:
                found.append(f"{name}: inline <script>")
        found += [f"{name}: on…= handler" for _ in EVENT_HANDLER.finditer(text)]
        found += [f"{name}: inline style" for _ in STYLE.finditer(text)]
    assert found == []


def test_the_scan_finds_what_it_looks_for():
    text = '<script>alert(1)</script><a onclick="x()" style="color: red">'
    assert INLINE_SCRIPT.search(text)["code"] == "alert(1)"
    assert EVENT_HANDLER.search(text) and STYLE.search(text)
    assert (
        TEMPLATE_COMMENT.sub("", "a{# <style> #}b{% comment %}<script>{% endcomment %}c") == "abc"
    )


def fail_login(client, username="olivia", address="10.0.0.1", page=LOGIN):
    return client.post(page, {"username": username, "password": "wrong-guess"}, REMOTE_ADDR=address)


def login(client, username="olivia", address="10.0.0.1", page=LOGIN):
    return client.post(
        page, {"username": username, "password": "s3cret-pass-word"}, REMOTE_ADDR=address
    )


def test_it_refuses_log_ins_after_too_many_failures(client, owner):
    for _ in range(security.LOGIN_FAILURES_PER_USERNAME):
        assert fail_login(client).status_code == 200
    response = fail_login(client)
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 14 * 60
    assert "Too many failed attempts to log in. Please wait 15 minutes" in response.text
    # Even the right password is refused while locked.
    response = login(client)
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
    assert_secure_headers(response)


def test_it_does_not_check_the_password_while_locked(client, owner, monkeypatch):
    for _ in range(security.LOGIN_FAILURES_PER_USERNAME):
        fail_login(client)

    def refuse(*args, **kwargs):
        raise AssertionError("the password was checked")

    monkeypatch.setattr("django.contrib.auth.forms.authenticate", refuse)
    assert login(client).status_code == 429


def test_it_locks_only_that_username_from_that_address(client, owner, make_user):
    make_user("mallory")
    for _ in range(security.LOGIN_FAILURES_PER_USERNAME):
        fail_login(client)
    assert login(client, address="10.0.0.2").status_code == 302
    client.logout()
    assert login(client, username="mallory").status_code == 302


def test_it_limits_failures_from_one_address_across_usernames(client, owner):
    for number in range(security.LOGIN_FAILURES_PER_ADDRESS):
        assert fail_login(client, username=f"guess{number}").status_code == 200
    assert login(client).status_code == 429
    assert login(client, address="10.0.0.2").status_code == 302


def test_a_successful_log_in_clears_the_count(client, owner):
    for _ in range(security.LOGIN_FAILURES_PER_USERNAME - 1):
        fail_login(client)
    assert login(client).status_code == 302
    client.logout()
    for _ in range(security.LOGIN_FAILURES_PER_USERNAME - 1):
        assert fail_login(client).status_code == 200
    assert login(client).status_code == 302


def test_the_count_ends_with_its_window(client, owner, monkeypatch):
    now = security.time.time()
    for _ in range(security.LOGIN_FAILURES_PER_USERNAME):
        fail_login(client)
    assert login(client).status_code == 429
    later = now + security.LOGIN_WINDOW_SECONDS + 1
    monkeypatch.setattr(security.time, "time", lambda: later)
    assert login(client).status_code == 302


def test_usernames_are_counted_regardless_of_case_and_spaces(client, owner):
    for name in ("olivia", "OLIVIA", " Olivia ", "olivia", "oLivia"):
        fail_login(client, username=name)
    assert login(client).status_code == 429


@pytest.fixture
def staff(owner):
    owner.is_staff = True
    owner.save(update_fields=["is_staff"])
    return owner


def test_the_admin_log_in_refuses_log_ins_after_too_many_failures(client, staff, monkeypatch):
    for _ in range(security.LOGIN_FAILURES_PER_USERNAME):
        response = fail_login(client, page=ADMIN_LOGIN)
        assert response.status_code == 200
        assert "Please enter the correct username and password" in response.text
    response = fail_login(client, page=ADMIN_LOGIN)
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 14 * 60
    # Still the admin's own page, with the wait named where its form errors go.
    assert 'id="login-form"' in response.text
    assert (
        '<p class="errornote" role="alert">Too many failed attempts to log in. '
        "Please wait 15 minutes and try again" in response.text
    )

    def refuse(*args, **kwargs):
        raise AssertionError("the password was checked")

    monkeypatch.setattr("django.contrib.auth.forms.authenticate", refuse)
    response = login(client, page=ADMIN_LOGIN)
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
    assert_secure_headers(response)


def test_the_two_log_in_pages_share_their_counts(client, staff):
    # Switching forms halfway gives no extra attempts, in either direction.
    for _ in range(3):
        assert fail_login(client).status_code == 200
    for _ in range(security.LOGIN_FAILURES_PER_USERNAME - 3):
        assert fail_login(client, page=ADMIN_LOGIN).status_code == 200
    assert login(client, page=ADMIN_LOGIN).status_code == 429
    assert login(client).status_code == 429
    assert "_auth_user_id" not in client.session


def test_the_admin_log_in_is_counted_on_the_site_log_in_page_too(client, staff):
    for _ in range(security.LOGIN_FAILURES_PER_USERNAME):
        fail_login(client, page=ADMIN_LOGIN)
    response = login(client)
    assert response.status_code == 429
    assert "Too many failed attempts to log in. Please wait 15 minutes" in response.text


def test_a_successful_admin_log_in_works_and_clears_the_count(client, staff):
    for _ in range(security.LOGIN_FAILURES_PER_USERNAME - 1):
        fail_login(client, page=ADMIN_LOGIN)
    response = login(client, page=ADMIN_LOGIN)
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:index")
    assert client.get(reverse("admin:index")).status_code == 200
    client.logout()
    for _ in range(security.LOGIN_FAILURES_PER_USERNAME - 1):
        assert fail_login(client, page=ADMIN_LOGIN).status_code == 200
    assert login(client).status_code == 302


def test_the_admin_log_in_keeps_djangos_behaviour(client, staff, make_user):
    # A visitor sent to the admin lands on its log-in page and goes back where they were.
    response = client.get(reverse("admin:projects_team_changelist"))
    assert response.status_code == 302
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert 'id="login-form"' in page.text
    assert 'role="alert"' not in page.text
    next_url = reverse("admin:projects_team_changelist")
    response = client.post(
        f"{ADMIN_LOGIN}?next={next_url}",
        {"username": "olivia", "password": "s3cret-pass-word", "next": next_url},
    )
    assert response["Location"] == next_url
    # Once logged in, the log-in page sends staff to the index.
    assert client.get(ADMIN_LOGIN)["Location"] == reverse("admin:index")
    client.logout()
    # An account that is not staff cannot log in to the admin, and that counts as a failure.
    make_user("mallory")
    for _ in range(security.LOGIN_FAILURES_PER_USERNAME):
        assert login(client, username="mallory", page=ADMIN_LOGIN).status_code == 200
    assert "_auth_user_id" not in client.session
    assert login(client, username="mallory", page=ADMIN_LOGIN).status_code == 429


def test_a_trusted_proxy_address_is_used_only_when_configured(rf, settings):
    request = rf.post(LOGIN, REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="6.6.6.6, 10.0.0.9")
    settings.TRUST_X_FORWARDED_FOR = False
    assert security.client_address(request) == "127.0.0.1"
    settings.TRUST_X_FORWARDED_FOR = True
    assert security.client_address(request) == "10.0.0.9"


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_pages_draw_their_charts_with_no_policy_violation(live_server, chromium, owner, project):
    link = ShareLink.objects.create(
        project=project, token=secrets.token_urlsafe(32), created_by=owner
    )
    # The first three draw charts.
    pages = [
        project.get_absolute_url(),
        reverse("project_history", args=[project.pk]),
        reverse("shared_report", args=[link.token]),
        reverse("project_whatif", args=[project.pk]),
        reverse("project_edit", args=[project.pk]),
        reverse("checkin_create", args=[project.pk]),
        reverse("portfolio"),
    ]
    from playwright.sync_api import sync_playwright

    messages: list[str] = []
    drawn: dict[str, int] = {}
    with sync_playwright() as playwright:
        browser = chromium(playwright)
        context = browser.new_context()
        # The browser reports each violation as an event as well as in the console.
        context.add_init_script(
            "document.addEventListener('securitypolicyviolation', event =>"
            " console.error('Content Security Policy violation: ' + event.violatedDirective))"
        )
        page = context.new_page()
        page.set_default_timeout(20_000)
        page.on("console", lambda message: messages.append(f"{message.type}: {message.text}"))
        page.on("pageerror", lambda error: messages.append(f"pageerror: {error}"))
        page.goto(live_server.url + LOGIN)
        page.get_by_label("Username").fill("olivia")
        page.get_by_label("Password").fill("s3cret-pass-word")
        page.get_by_role("button", name="Log in").click()
        page.wait_for_url(live_server.url + "/")
        for url in pages:
            page.goto(live_server.url + url)
            page.wait_for_load_state("load")
            if url in pages[:3]:
                page.locator(".chart-drawn .main-svg").first.wait_for()
            # Let the what-if on the report run once it has been changed (htmx, then Plotly).
            if url == pages[0]:
                page.get_by_role("textbox", name="Deadline", exact=True).fill("37")
                page.locator("[id^=whatif-] .chart-drawn .main-svg").first.wait_for()
            drawn[url] = page.locator(".chart-drawn .main-svg").count()
        browser.close()

    policy_messages = [m for m in messages if re.search(r"content.security.policy", m, re.I)]
    assert policy_messages == []
    assert [m for m in messages if m.startswith(("error", "pageerror"))] == []
    assert drawn[pages[0]] >= 10  # the report's charts and the what-if's
    assert drawn[pages[1]] >= 1  # history
    assert drawn[pages[2]] >= 10  # shared


def test_cache_url_shares_the_counts_through_redis():
    code = (
        "from django.conf import settings; "
        "print(settings.CACHES['default']['BACKEND'], settings.CACHES['default']['LOCATION'])"
    )
    env = {key: value for key, value in os.environ.items() if key != "CACHE_URL"}
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "--no-imports", "-c", code],
        cwd=TEMPLATES.parent,
        env={**env, "DEBUG": "1", "CACHE_URL": "redis://127.0.0.1:6379/1"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "django.core.cache.backends.redis.RedisCache",
        "redis://127.0.0.1:6379/1",
    ]
