"""The JSON API for pipelines: post a check-in or a project's outcome with a team's token; the
body is read as hostile.

    curl -X POST https://riskboard.example.com/api/projects/12/checkins/ \\
      -H "Authorization: Bearer rb_…" -H "Content-Type: application/json" \\
      -d '{"weeks_elapsed": 6, "spent_usd": 84000, "offline_score": 0.81}'

Only a token authenticates here, never the session cookie, so the endpoint is exempt from CSRF
checks (a browser cannot attach the token by itself). Errors are JSON: 401 without a valid
token, 404 for a project the token's team does not own, 400 naming each bad field.

    curl -X POST https://riskboard.example.com/api/projects/12/outcome \\
      -H "Authorization: Bearer rb_…" -H "Content-Type: application/json" \\
      -d '{"status": "shipped", "date": "2026-06-30", "cost_usd": 212000,
           "production_score": 0.71}'
"""

from __future__ import annotations

import datetime
import json
from typing import Any

from django.core.exceptions import RequestDataTooBig
from django.db import transaction
from django.http import HttpRequest, JsonResponse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from projects import checkins, estimates, outcomes
from projects.engine.inputs import PROGRESS, PROGRESS_BY_KEY, InputError, normalise_progress
from projects.models import ApiToken, CheckIn, Estimate, Outcome, Project
from projects.models.outcomes import LATER_MONTHS
from projects.outcomes import later_score_problem, outcome_problems

# A check-in is a few hundred bytes; a 2,000-character note escaped as \\uXXXX is 12 KB.
MAX_BODY_BYTES = 64 * 1024


# Integers in a posted body longer than this are kept as their length only: far outside every
# range, and Python refuses to even read one of more than 4,300 digits.
MAX_INTEGER_DIGITS = 30


class LongInteger:
    """An integer of too many digits to be any check-in value, as json.loads met it."""

    def __init__(self, digits: int):
        self.digits = digits

    def __str__(self) -> str:
        return f"a {self.digits:,}-digit number"

    __repr__ = __str__


def bounded_int(text: str) -> int | LongInteger:
    """json.loads's `parse_int`: short integers as int, longer ones as LongInteger."""
    digits = len(text.lstrip("-"))
    return int(text) if digits <= MAX_INTEGER_DIGITS else LongInteger(digits)


def text_problem(text: str) -> str:
    """Why text cannot be stored as it is (empty when it can): a NUL, which PostgreSQL refuses,
    or a lone surrogate, which no database can encode."""
    if "\x00" in text:
        return "must not contain NUL characters (\\u0000)"
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:
        return (
            f"must be valid Unicode text; character {exc.start + 1} is a lone surrogate "
            f"(\\u{ord(text[exc.start]):04x})"
        )
    return ""


def parse_payload(payload: Any, project: Project) -> tuple[dict | None, dict[str, str]]:
    """A posted check-in -> (fields for `record`, errors by field name).

    Accepts the PROGRESS keys (weeks_elapsed and spent_usd required), `date` (YYYY-MM-DD,
    default today) and `note`. Every problem is reported at once, each under its field.
    """
    if not isinstance(payload, dict):
        return None, {"body": "must be a JSON object of check-in fields"}
    errors: dict[str, str] = {}
    known = {spec.key for spec in PROGRESS} | {"date", "note"}
    for key in payload:
        if key not in known:
            # JSON keys are text; a long one is named by its start.
            errors[key if len(key) <= 100 else key[:100] + "…"] = (
                "is not a check-in field; known fields are " + ", ".join(sorted(known))
            )
    for key in CheckIn.REQUIRED:
        if key not in payload:
            errors[key] = f"is required: {PROGRESS_BY_KEY[key].range_text()}"
    day = timezone.localdate()
    if "date" in payload:
        date = payload["date"]
        try:
            if not isinstance(date, str) or len(date) > 10:
                raise ValueError("not a date")
            day = datetime.date.fromisoformat(date)
        except ValueError:
            errors["date"] = f"must be a date like 2026-11-26, got {_short(date)}"
        else:
            if CheckIn.date_problem(day, project):
                errors["date"] = CheckIn.date_problem(day, project)
    note = payload.get("note", "")
    if not isinstance(note, str):
        errors["note"] = "must be text"
    elif len(note) > CheckIn.NOTE_MAX_LENGTH:
        errors["note"] = f"must be at most {CheckIn.NOTE_MAX_LENGTH} characters, got {len(note)}"
    elif text_problem(note):
        errors["note"] = text_problem(note)
    numbers = {}
    for key, value in payload.items():
        if key not in PROGRESS_BY_KEY:
            continue
        if isinstance(value, LongInteger):
            errors[key] = f"must be {PROGRESS_BY_KEY[key].range_text()}, got {value}"
        else:
            numbers[key] = value
    progress = None
    try:
        progress = normalise_progress(numbers)
    except InputError as exc:
        errors.update({key: message for key, message in exc.errors.items() if key not in errors})
    if errors:
        return None, errors
    return {"date": day, "note": note, "progress": progress}, {}


def _short(value: Any) -> str:
    """A posted value or key, quoted for a message: short, and without characters that would
    scramble it (controls, NUL, lone surrogates)."""
    if isinstance(value, str):
        text = value if len(value) <= 40 else value[:37] + "…"
        return repr(text) if text.isprintable() else "text with unprintable characters"
    text = str(value)
    return text if len(text) <= 40 else text[:37] + "…"


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
        return json.loads(text or "null", parse_int=bounded_int), ""
    except json.JSONDecodeError as exc:
        return None, f"is not valid JSON: {exc}"
    except RecursionError:
        return None, "nests arrays or objects too deeply; a check-in is one flat JSON object"


def _error(status: int, message: str, **extra) -> JsonResponse:
    response = JsonResponse({"error": message, **extra}, status=status)
    if status == 401:
        response["WWW-Authenticate"] = 'Bearer realm="riskboard"'
    return response


def _token_and_project(
    request: HttpRequest, project_id: int
) -> tuple[ApiToken | None, Project | None, JsonResponse | None]:
    """The request's team token and that team's project, or the JSON 401/404 that refuses it."""
    token = ApiToken.for_header(request.headers.get("Authorization", ""))
    if token is None:
        refused = _error(
            401,
            "Send a valid, unrevoked team API token as `Authorization: Bearer <token>`. "
            "Team owners create tokens on the team page.",
        )
        return None, None, refused
    token.mark_used()
    project = Project.objects.filter(pk=project_id, team=token.team).first()
    if project is None:
        return (
            token,
            None,
            _error(404, f"The team {token.team} has no project with id {project_id}."),
        )
    return token, project, None


def _body(request: HttpRequest) -> bytes:
    """The request's body; one over Django's own limit reads as too long, so it is said as JSON."""
    try:
        return request.body
    except RequestDataTooBig:
        return b"x" * (MAX_BODY_BYTES + 1)


@csrf_exempt
@require_POST
def checkin_create(request: HttpRequest, project_id: int) -> JsonResponse:
    token, project, refused = _token_and_project(request, project_id)
    if refused is not None:
        return refused
    if project.archived:
        return _error(409, f"{project} is archived; restore it before checking in.")
    payload, problem = parse_body(_body(request))
    if problem:
        return _error(
            400, "The body is not a JSON object of check-in fields.", fields={"body": problem}
        )
    fields, errors = parse_payload(payload, project)
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


# Outcomes -------------------------------------------------------------------------------------

OUTCOME_DATES = ("date", "started_on")
OUTCOME_NUMBERS = ("cost_usd", "production_score")
OUTCOME_TEXTS = ("status", "stop_reason", "note")
LATER_KEYS = {f"score_{months}_months": months for months in LATER_MONTHS}
OUTCOME_FIELDS = (*OUTCOME_TEXTS, *OUTCOME_DATES, *OUTCOME_NUMBERS, *LATER_KEYS)


def _date_field(value: Any) -> tuple[datetime.date | None, str]:
    try:
        if not isinstance(value, str) or len(value) > 10:
            raise ValueError("not a date")
        return datetime.date.fromisoformat(value), ""
    except ValueError:
        return None, f"must be a date like 2026-11-26, got {_short(value)}"


def _number_field(value: Any, allowed: str) -> tuple[float | None, str]:
    if value is None:
        return None, ""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None, f"must be {allowed}, got {_short(value)}"
    return float(value), ""


def parse_outcome(
    payload: Any, project: Project
) -> tuple[dict | None, dict[int, float], dict[str, str]]:
    """A posted outcome -> (fields for `outcomes.record`, or None when only later scores were
    sent; later scores by months; errors by field name). Every problem is reported at once."""
    if not isinstance(payload, dict):
        return None, {}, {"body": "must be a JSON object of outcome fields"}
    errors: dict[str, str] = {}
    for key in payload:
        if key not in OUTCOME_FIELDS:
            errors[key if len(key) <= 100 else key[:100] + "…"] = (
                "is not an outcome field; known fields are " + ", ".join(sorted(OUTCOME_FIELDS))
            )
    values: dict[str, Any] = {}
    for key in OUTCOME_TEXTS:
        value = payload.get(key, "")
        if value is None:
            value = ""
        if not isinstance(value, str):
            errors[key] = f"must be text, got {_short(value)}"
        elif text_problem(value):
            errors[key] = text_problem(value)
        elif key != "note" and len(value) > 40:
            errors[key] = f"must be one of the listed words, got {_short(value)}"
        values[key] = value if isinstance(value, str) else ""
    for key in OUTCOME_DATES:
        values[key] = None
        if payload.get(key) is not None:
            values[key], problem = _date_field(payload[key])
            if problem:
                errors[key] = problem
    for key in (*OUTCOME_NUMBERS, *LATER_KEYS):
        allowed = "US dollars from 0 to 10,000,000,000" if key == "cost_usd" else "from 0 to 1"
        values[key], problem = _number_field(payload.get(key), f"a number {allowed}")
        if problem:
            errors[key] = problem
    later = {months: values[key] for key, months in LATER_KEYS.items() if values[key] is not None}
    for key, months in LATER_KEYS.items():
        if months in later and not 0 <= later[months] <= 1:  # NaN fails too
            errors.setdefault(
                key, f"must be from 0 to 1 (0.83 for 83%), got {_short(later[months])}"
            )
    if "status" not in payload:
        if not later and not errors:
            errors["status"] = (
                "is required: “shipped” or “stopped” (or send only score_3_months, "
                "score_6_months or score_12_months to add production scores after launch)"
            )
        return None, later, errors
    fields = {
        "status": values["status"],
        "started_on": values["started_on"],
        "ended_on": values["date"],
        "cost_usd": values["cost_usd"],
        "production_score": values["production_score"],
        "stop_reason": values["stop_reason"],
        "note": values["note"],
    }
    if fields["ended_on"] is None and "date" not in errors:
        errors["date"] = "is required: the launch date, or the day it was stopped (YYYY-MM-DD)"
    for key, problem in outcome_problems(fields, project).items():
        name = "date" if key == "ended_on" else key
        errors.setdefault(name, problem)
    if values["status"] == Outcome.Status.STOPPED:
        for key, months in LATER_KEYS.items():
            if months in later:
                errors.setdefault(key, "must be left out: the project did not ship")
    return fields, later, errors


def outcome_json(outcome: Outcome | None, later: dict) -> dict | None:
    if outcome is None:
        return None
    return {
        "id": outcome.pk,
        "status": outcome.status,
        "started_on": outcome.started_on.isoformat(),
        "date": outcome.ended_on.isoformat(),
        "cost_usd": outcome.cost_usd,
        "production_score": outcome.production_score,
        "stop_reason": outcome.stop_reason or None,
        "note": outcome.note,
        **{
            key: later[months].score if months in later and outcome.shipped else None
            for key, months in LATER_KEYS.items()
        },
    }


@csrf_exempt
@require_POST
def outcome_create(request: HttpRequest, project_id: int) -> JsonResponse:
    """Close a project (or correct its outcome, keeping the old one), and add production scores
    after launch. 201 when it closes the project, 200 for a correction or later scores."""
    token, project, refused = _token_and_project(request, project_id)
    if refused is not None:
        return refused
    payload, problem = parse_body(_body(request))
    if problem:
        return _error(
            400, "The body is not a JSON object of outcome fields.", fields={"body": problem}
        )
    fields, later, errors = parse_outcome(payload, project)
    current = project.current_outcome()
    if fields is None and not errors:
        # Later scores alone: the project must already be recorded as shipped.
        for key, months in LATER_KEYS.items():
            if months in later:
                problem = later_score_problem(months, later[months], current)
                if problem:
                    errors[key] = problem
    if errors:
        return _error(400, "Some outcome fields are invalid.", fields=errors)
    what = "unchanged"
    with transaction.atomic():
        if fields is not None:
            current, what = outcomes.record(project, fields, api_token=token)
        for months, score in later.items():
            outcomes.record_later_score(project, months, score, api_token=token)
    body = {
        "outcome": outcome_json(current, outcomes.current_later_scores(project)),
        "result": what if fields is not None else "later scores saved",
        "project_url": request.build_absolute_uri(project.get_absolute_url()),
    }
    return JsonResponse(body, status=201 if what == "closed" else 200)
