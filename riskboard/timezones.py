"""Middleware: every request starts and ends in the site's time zone (settings.TIME_ZONE).

Views activate a team's time zone once they know the team (projects/views/access.py); the
active zone is per thread, so without this a server thread would carry one team's zone into the
next request it serves."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils import timezone


def site_time_zone(get_response: Callable[[HttpRequest], HttpResponse]):
    def middleware(request: HttpRequest) -> HttpResponse:
        timezone.deactivate()
        try:
            return get_response(request)
        finally:
            timezone.deactivate()

    return middleware
