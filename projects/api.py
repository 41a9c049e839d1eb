"""The JSON API for pipelines: post a check-in with a team's token.

    curl -X POST https://riskboard.example.com/api/projects/12/checkins/ \\
      -H "Authorization: Bearer rb_…" -H "Content-Type: application/json" \\
      -d '{"weeks_elapsed": 6, "spent_usd": 84000, "offline_score": 0.81}'

Only a token authenticates here, never the session cookie, so the endpoint is exempt from CSRF
checks (a browser cannot attach the token by itself). Errors are JSON: 401 without a valid
token, 404 for a project the token's team does not own, 400 naming each bad field.
"""

from __future__ import annotations

import json
from typing import Any

from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, JsonResponse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from projects import checkins, estimates
from projects.models import ApiToken, Estimate, Project

# A check-in is a few hundred bytes; a 2,000-character note escaped as \\uXXXX is 12 KB.
MAX_BODY_BYTES = 64 * 1024


def parse_body(body: bytes) -> tuple[Any, str]:
    """The JSON in a request body, or (None, why it cannot be read). Hostile bodies (integers
    of thousands of digits, arrays nested thousands deep, bytes that are not UTF-8) get a reason,
    never an exception."""
    if len(body) > MAX_BODY_BYTES:
        return None, f"must be at most {MAX_BODY_BYTES // 1024} KB of JSON, got {len(body):,} bytes"
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as exc:
        return None, f"is not UTF-8 text: {exc.reason} at byte {exc.start}"
    try:
        return json.loads(text or "null", parse_int=checkins.bounded_int), ""
    except json.JSONDecodeError as exc:
        return None, f"is not valid JSON: {exc}"
    except RecursionError:
        return None, "nests arrays or objects too deeply; a check-in is one flat JSON object"


def _error(status: int, message: str, **extra) -> JsonResponse:
    response = JsonResponse({"error": message, **extra}, status=status)
    if status == 401:
        response["WWW-Authenticate"] = 'Bearer realm="riskboard"'
    return response


@csrf_exempt
@require_POST
def checkin_create(request: HttpRequest, project_id: int) -> JsonResponse:
    token = checkins.token_from(request.headers.get("Authorization", ""))
    if token is None:
        return _error(
            401,
            "Send a valid, unrevoked team API token as `Authorization: Bearer <token>`. "
            "Team owners create tokens on the team page.",
        )
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now())
    project = Project.objects.filter(pk=project_id, team=token.team).first()
    if project is None:
        return _error(404, f"The team {token.team} has no project with id {project_id}.")
    if project.archived:
        return _error(409, f"{project} is archived; restore it before checking in.")
    try:
        body = request.body
    except RequestDataTooBig:
        body = b"x" * (MAX_BODY_BYTES + 1)  # over Django's own limit too: say so, as JSON
    payload, problem = parse_body(body)
    if problem:
        return _error(
            400, "The body is not a JSON object of check-in fields.", fields={"body": problem}
        )
    fields, errors = checkins.parse_payload(payload, project)
    if errors:
        return _error(400, "Some check-in fields are invalid.", fields=errors)
    revision = project.latest_revision()
    problem = estimates.too_large_here(revision.inputs.get("trials") if revision else None)
    if problem:
        return _error(
            409,
            f"Nothing was saved: {project}'s Simulated scenarios (trials) {problem}. Change it "
            "on the project's Edit inputs page.",
        )
    # A token counts as one user of its team.
    wait, message = estimates.request_wait(f"token:{token.pk}", token.team)
    if wait:
        response = _error(429, message, retry_after_seconds=wait)
        response["Retry-After"] = str(wait)
        return response
    # A pipeline waits for nobody: with a broker the estimate always goes to a worker.
    checkin, estimate = checkins.record(project, api_token=token, background=True, **fields)
    body = {
        "checkin": {
            "id": checkin.pk,
            "project": project.pk,
            "date": checkin.date.isoformat(),
            **checkin.progress(),
            "note": checkin.note,
        },
        "estimate": None,
        "project_url": request.build_absolute_uri(project.get_absolute_url()),
    }
    if estimate is not None:
        body["estimate"] = {
            "id": estimate.pk,
            "status": estimate.status,
            "probability": (estimate.result or {}).get("probability")
            if estimate.status == Estimate.Status.DONE
            else None,
        }
    return JsonResponse(body, status=201)
