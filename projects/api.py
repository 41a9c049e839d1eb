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

from django.http import HttpRequest, JsonResponse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from projects import checkins
from projects.models import ApiToken, Estimate, Project


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
        payload = json.loads(request.body or b"null")
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        return _error(400, "The body is not valid JSON.", fields={"body": str(exc)})
    fields, errors = checkins.parse_payload(payload)
    if errors:
        return _error(400, "Some check-in fields are invalid.", fields=errors)
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
