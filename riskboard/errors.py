"""The site's error answers: 503 while the database is unreachable, else 500; API 404s as JSON.

Both pages are rendered without a request context, so they never touch the database, the session
or the user, which may be what failed. A database that is restarting is not a bug: the visitor
is told to try again in a moment (with `Retry-After`). A change being saved may or may not have
been committed before the connection went (a revision is saved before its estimate runs), so
the page says to look at the project's history before submitting it again.
"""

from __future__ import annotations

import logging
import sys

from django.db import DatabaseError, InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, HttpResponseServerError, JsonResponse
from django.template import loader
from django.views import defaults

logger = logging.getLogger("riskboard.errors")

# Seconds a visitor is asked to wait while the database is unreachable.
DATABASE_RETRY_AFTER = 5


def database_unreachable(exc: BaseException | None) -> bool:
    """True for a lost or refused database connection (not for a bad query or a constraint)."""
    while exc is not None:
        if isinstance(exc, OperationalError | InterfaceError):
            return True
        if not isinstance(exc, DatabaseError):
            # Wrapped exceptions (e.g. raised while rendering a template) keep their cause.
            exc = exc.__cause__ or exc.__context__
            continue
        return False
    return False


def server_error(request: HttpRequest) -> HttpResponse:
    """handler500: Django calls it inside its `except` block, so sys.exc_info() is the error."""
    exc = sys.exc_info()[1]
    if database_unreachable(exc):
        logger.warning("Database unreachable (%s: %s); answered 503", type(exc).__name__, exc)
        response = HttpResponse(
            loader.render_to_string("503.html", {"retry_after": DATABASE_RETRY_AFTER}),
            status=503,
        )
        response["Retry-After"] = str(DATABASE_RETRY_AFTER)
        return response
    return HttpResponseServerError(loader.render_to_string("500.html"))


def not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    """handler404: pipelines calling the JSON API get JSON (an id too large for any table does
    not match the URL at all, and must not answer with an HTML page); people get the page."""
    if request.path.startswith("/api/"):
        return JsonResponse(
            {"error": "Not found: no such project, or your token's team cannot see it."},
            status=404,
        )
    return defaults.page_not_found(request, exception)
