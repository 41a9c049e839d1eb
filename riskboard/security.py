"""The Permissions-Policy header, no caching of signed-in pages, rate limits, and the log-in
pages (the site's and the admin's) that limit failed attempts."""

from __future__ import annotations

import hashlib
import math
import time
import unicodedata
from collections.abc import Callable

from django.conf import settings
from django.contrib.admin import AdminSite
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.views import LoginView, PasswordChangeView
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

# The Content-Security-Policy is django-csp's (settings.CONTENT_SECURITY_POLICY).
PLOTLY_LINK_STYLE_HASH = settings.PLOTLY_LINK_STYLE_HASH
PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=()"


def security_headers(get_response: Callable[[HttpRequest], HttpResponse]):
    """Middleware: the header neither Django's SecurityMiddleware (nosniff, Referrer-Policy,
    Cross-Origin-Opener-Policy) nor django-csp (Content-Security-Policy) sets."""

    def middleware(request: HttpRequest) -> HttpResponse:
        response = get_response(request)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        return response

    return middleware


def private_pages(get_response: Callable[[HttpRequest], HttpResponse]):
    """Middleware (after authentication): what a signed-in user or an API token is shown is
    theirs alone, so no browser or proxy cache may keep it (`Cache-Control: private, no-store`,
    as the shared page sends). Views that set their own Cache-Control keep it."""

    def middleware(request: HttpRequest) -> HttpResponse:
        response = get_response(request)
        user = getattr(request, "user", None)
        signed_in = user is not None and user.is_authenticated
        if (signed_in or "Authorization" in request.headers) and ("Cache-Control" not in response):
            response["Cache-Control"] = "private, no-store"
            patch_vary_headers(response, ["Cookie", "Authorization"])
        return response

    return middleware


# Rate limits -----------------------------------------------------------------------------------


def count_request(name: str, key: str, limit: int, window: int) -> int:
    """Count one request of kind `name` for `key` (a user, a team, an address) in the current
    fixed window of `window` seconds; return 0 when it is within `limit`, else the seconds until
    the window ends. Counted with the cache's atomic add and incr, so concurrent requests, and
    several processes sharing a Redis cache (CACHE_URL), count every request once."""
    now = time.time()
    start = int(now // window) * window
    cache_key = _cache_key("rate", name, key, str(start))
    cache.add(cache_key, 0, timeout=window + 5)
    try:
        count = cache.incr(cache_key)
    except ValueError:  # expired between add and incr: this is the window's first request
        cache.add(cache_key, 1, timeout=window + 5)
        count = 1
    if count <= limit:
        return 0
    return max(1, math.ceil(start + window - now))


def wait_text(seconds: int) -> str:
    """ "1 minute", "12 minutes": a wait as people read it, rounded up."""
    minutes = max(1, math.ceil(seconds / 60))
    return f"{minutes} minute{'' if minutes == 1 else 's'}"


# Failed log-ins allowed per window: for one username from one address, and from one address.
LOGIN_FAILURES_PER_USERNAME = 5
LOGIN_FAILURES_PER_ADDRESS = 20
LOGIN_WINDOW_SECONDS = 15 * 60


def client_address(request: HttpRequest) -> str:
    """The client's IP address; behind a trusted proxy, the one the proxy added last."""
    if settings.TRUST_X_FORWARDED_FOR:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")[-1].strip()
        if forwarded:
            return forwarded
    return request.META.get("REMOTE_ADDR", "")


def _cache_key(*parts: str) -> str:
    # Hashed, so any username is a valid cache key on every backend.
    return "login-failures:" + hashlib.sha256("\0".join(parts).encode()).hexdigest()


def username_key(username: str) -> str:
    """The username as the log-in limit counts it: NFKC-normalised and case-folded, so that
    "ＤＥＭＯ", "Demo" and " demo " count as "demo" (Django's own log-in matches NFKC forms of
    a username to the same account)."""
    return unicodedata.normalize("NFKC", username).strip().casefold()


def _login_keys(request: HttpRequest) -> list[tuple[str, int]]:
    address = client_address(request)
    username = username_key(request.POST.get("username", ""))
    return [
        (_cache_key("user", username, address), LOGIN_FAILURES_PER_USERNAME),
        (_cache_key("address", address), LOGIN_FAILURES_PER_ADDRESS),
    ]


def login_wait_seconds(request: HttpRequest) -> int:
    """Seconds until this username and address may try again; 0 when they may now."""
    now = time.time()
    wait = 0.0
    for key, limit in _login_keys(request):
        if cache.get(key + ":count", 0) >= limit:
            started = cache.get(key + ":start", now)
            wait = max(wait, started + LOGIN_WINDOW_SECONDS - now)
    return math.ceil(wait)


def record_login_failure(request: HttpRequest) -> None:
    """Count one failure for the username from this address, and for the address. The window
    starts at the first failure; the count uses the cache's atomic add and incr, so failures
    sent at the same moment (or to several processes sharing CACHE_URL) all count."""
    now = time.time()
    for key, _limit in _login_keys(request):
        cache.add(key + ":start", now, timeout=LOGIN_WINDOW_SECONDS)
        cache.add(key + ":count", 0, timeout=LOGIN_WINDOW_SECONDS)
        try:
            cache.incr(key + ":count")
        except ValueError:  # the window ended between add and incr: this failure starts one
            cache.add(key + ":count", 1, timeout=LOGIN_WINDOW_SECONDS)


def clear_login_failures(request: HttpRequest) -> None:
    """After a successful log-in, only this username's count from this address starts again."""
    key = _login_keys(request)[0][0]
    cache.delete_many([key + ":count", key + ":start"])


def wait_message(seconds: int) -> str:
    minutes = max(1, math.ceil(seconds / 60))
    unit = "minute" if minutes == 1 else "minutes"
    return (
        f"Too many failed attempts to log in. Please wait {minutes} {unit} and try again, "
        "or ask a team owner for help."
    )


class RateLimitedLoginView(LoginView):
    """Django's log-in view, refusing to even check a password once the limit is reached.

    The counts are kept by username and address, not by page, so /accounts/login/ and the
    admin's log-in (RateLimitedAdminSite) share them: both check the same passwords, and an
    attacker who switches between the two forms gets no extra attempts."""

    def post(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        wait = login_wait_seconds(request)
        if wait:
            form = self.get_form_class()(
                request, initial={"username": request.POST.get("username", "")}
            )
            context = self.get_context_data(form=form, locked_out=wait_message(wait))
            response = self.render_to_response(context, status=429)
            response["Retry-After"] = str(wait)
            return response
        return super().post(request, *args, **kwargs)

    def form_invalid(self, form):
        record_login_failure(self.request)
        return super().form_invalid(form)

    def form_valid(self, form):
        clear_login_failures(self.request)
        return super().form_valid(form)


# Wrong current passwords allowed per signed-in user and window on the password-change page.
PASSWORD_CHANGE_FAILURES = 5


class RateLimitedPasswordChangeView(PasswordChangeView):
    """Django's password change, limited: someone holding a stolen session cannot try current
    passwords without end to take the account over for good."""

    def post(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        key = _cache_key("password-change", str(request.user.pk))
        if cache.get(key + ":count", 0) >= PASSWORD_CHANGE_FAILURES:
            started = cache.get(key + ":start", time.time())
            wait = max(1, math.ceil(started + LOGIN_WINDOW_SECONDS - time.time()))
            form = self.get_form_class()(request.user)
            context = self.get_context_data(
                form=form,
                locked_out=(
                    f"Too many wrong current passwords. Please wait {wait_text(wait)} and try "
                    "again, or log out and use the log-in page."
                ),
            )
            response = self.render_to_response(context, status=429)
            response["Retry-After"] = str(wait)
            return response
        return super().post(request, *args, **kwargs)

    def form_invalid(self, form):
        if "old_password" in form.errors:
            key = _cache_key("password-change", str(self.request.user.pk))
            cache.add(key + ":start", time.time(), timeout=LOGIN_WINDOW_SECONDS)
            cache.add(key + ":count", 0, timeout=LOGIN_WINDOW_SECONDS)
            try:
                cache.incr(key + ":count")
            except ValueError:
                cache.add(key + ":count", 1, timeout=LOGIN_WINDOW_SECONDS)
        return super().form_invalid(form)


class RateLimitedAdminSite(AdminSite):
    """The Django admin site (`admin.site`, chosen in riskboard.apps), with a log-in page that
    counts and limits failed attempts exactly as /accounts/login/ does, in the same counts.

    A refused admin log-in counts whatever the reason, including a right password for an
    account that is not staff: the admin's form gives both the same answer, so an attacker
    learns nothing from it either way.
    """

    login_template = "admin/rate_limited_login.html"

    @method_decorator(never_cache)
    @login_not_required
    def login(self, request: HttpRequest, extra_context: dict | None = None) -> HttpResponse:
        # AdminSite.login with RateLimitedLoginView in place of LoginView; Django builds its
        # view inside that method, so there is no attribute to swap it through.
        if request.method == "GET" and self.has_permission(request):
            return HttpResponseRedirect(reverse("admin:index", current_app=self.name))
        context = {
            **self.each_context(request),
            "title": _("Log in"),
            "subtitle": None,
            "app_path": request.get_full_path(),
            "username": request.user.get_username(),
            **(extra_context or {}),
        }
        request.current_app = self.name
        return RateLimitedLoginView.as_view(
            authentication_form=self.login_form or AdminAuthenticationForm,
            template_name=self.login_template,
            extra_context=context,
            # Where a log-in with no `next` goes: the admin's index, not the site's portfolio.
            next_page=reverse("admin:index", current_app=self.name),
        )(request)
